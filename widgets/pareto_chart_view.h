// SPDX-License-Identifier: MIT
#pragma once

#include <QChartView>
#include <QPointF>
#include <QStringList>
#include <vector>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace dofa {

struct LiveModelInfo;

/// The open profile's accuracy/latency plane: every candidate the search saw as a faint point,
/// the levels (the measured front) as a line with bigger points, the current level
/// highlighted, the latency target as a vertical line and the minimum accuracy as a horizontal
/// one. Hovering a point shows its arch, accuracy, latency and power.
class ParetoChartView : public QChartView
{
    Q_OBJECT
public:
    explicit ParetoChartView(QWidget* parent = nullptr);

    /// Rebuilds every series from the profile (once per opened model).
    void setModelInfo(const LiveModelInfo& info);
    /// Moves the highlight and the target lines; a no-op when nothing changed.
    /// `latencyTargetMs` and `minAccuracy` 0 or NaN: no line.
    void setState(int currentLevel, double latencyTargetMs, double minAccuracy);

    /// The level the highlight is on, -1: none (nothing running).
    [[nodiscard]] int highlightedLevel() const { return m_level; }
    /// The highlight's position (latency ms, top-1 %); null when none.
    [[nodiscard]] QPointF highlightedPoint() const;
    [[nodiscard]] int candidateCount() const { return static_cast<int>(m_candidateText.size()); }
    [[nodiscard]] int levelCount() const { return static_cast<int>(m_levelText.size()); }
    /// The hover texts, for tests.
    [[nodiscard]] QString levelText(int level) const { return m_levelText.value(level); }
    [[nodiscard]] QString candidateText(int i) const { return m_candidateText.value(i); }

private:
    void showTip(const QList<QPointF>& points, const QStringList& texts, const QPointF& point,
                 bool entered);
    void updateLines();

    QLineSeries* m_front = nullptr;
    QScatterSeries* m_cloud = nullptr;
    QScatterSeries* m_levels = nullptr;
    QScatterSeries* m_current = nullptr;
    QLineSeries* m_target = nullptr;
    QLineSeries* m_minAccuracy = nullptr;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;

    QList<QPointF> m_levelPoints, m_candidatePoints;
    QStringList m_levelText, m_candidateText;
    int m_level = -1;
    double m_latencyTargetMs = 0, m_minAccuracyPercent = 0;
    double m_dataMaxMs = 1;  ///< x range from the data, widened for a target beyond it
};

}  // namespace dofa
