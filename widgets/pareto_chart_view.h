// SPDX-License-Identifier: MIT
#pragma once

#include <QChartView>
#include <QPointF>
#include <QStringList>
#include <vector>

#include "live/pareto_plane.h"

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace dofa {

struct LiveModelInfo;

/// The open profile's accuracy/latency plane: every candidate the search saw as a faint point,
/// the levels (the measured front) as a line with bigger points, the current level
/// highlighted, the latency target as a vertical line and the minimum accuracy as a horizontal
/// one. A profile with mapping operating points (`dofa profile --sweep threads,cores,...`)
/// has one level library per mapping: each library's front is a line of its own, named in the
/// legend, and the library the model runs in is drawn bold (the levels' line when it runs "as
/// configured"). Points and axes come from ParetoPlane, as the kiosk's. Hovering a point shows
/// its arch, accuracy, latency and power.
class ParetoChartView : public QChartView
{
    Q_OBJECT
public:
    explicit ParetoChartView(QWidget* parent = nullptr);

    /// Rebuilds every series from the profile (once per opened model).
    void setModelInfo(const LiveModelInfo& info);
    /// Moves the highlight (the level, on the line of `library`: LiveSnapshot::library) and
    /// the target lines; a no-op when nothing changed. `latencyTargetMs` and `minAccuracy` 0 or
    /// NaN: no line.
    void setState(int currentLevel, const QString& library, double latencyTargetMs,
                  double minAccuracy);

    /// The level the highlight is on, -1: none (nothing running).
    [[nodiscard]] int highlightedLevel() const { return m_level; }
    /// The highlight's position (latency ms, top-1 %); null when none.
    [[nodiscard]] QPointF highlightedPoint() const;
    [[nodiscard]] int candidateCount() const { return static_cast<int>(m_candidateText.size()); }
    [[nodiscard]] int levelCount() const { return static_cast<int>(m_levelText.size()); }
    /// The hover texts, for tests.
    [[nodiscard]] QString levelText(int level) const { return m_levelText.value(level); }
    [[nodiscard]] QString candidateText(int i) const { return m_candidateText.value(i); }
    /// The mapping libraries' lines, in the profile's order ("as configured" is the levels'
    /// line); none for a profile without mappings.
    [[nodiscard]] int libraryCount() const { return static_cast<int>(m_librarySeries.size()); }
    [[nodiscard]] QLineSeries* librarySeries(int index) const { return m_librarySeries.at(index); }
    /// The library drawn bold: a mapping's name, "as configured" (the levels' line), or empty
    /// when none is (nothing running, or a profile without mappings).
    [[nodiscard]] QString highlightedLibrary() const;
    /// The levels' line ("front", or "as configured" beside mapping libraries).
    [[nodiscard]] QLineSeries* frontSeries() const { return m_front; }

private:
    void showTip(const QList<QPointF>& points, const QStringList& texts, const QPointF& point,
                 bool entered);
    void updateLines();
    void rebuildLibrarySeries();
    void updateLibraryStyles();

    QLineSeries* m_front = nullptr;
    QScatterSeries* m_cloud = nullptr;
    QScatterSeries* m_levels = nullptr;
    QScatterSeries* m_current = nullptr;
    QLineSeries* m_target = nullptr;
    QLineSeries* m_minAccuracy = nullptr;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
    std::vector<QLineSeries*> m_librarySeries;  ///< owned by the chart, as ParetoPlane::libraries

    ParetoPlane m_plane;
    QStringList m_levelText, m_candidateText;
    std::vector<QStringList> m_libraryText;  ///< hover texts per library, per point
    int m_level = -1;
    QString m_library;  ///< as setState got it
    double m_latencyTargetMs = 0, m_minAccuracyPercent = 0;
};

}  // namespace dofa
