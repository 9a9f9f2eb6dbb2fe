// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace dofa {

struct LiveSeries;
struct LiveSnapshot;

/// The window of the last N seconds as five small charts: latency with its target, running
/// top-1, power per rail and total, CPU and GPU clock, and the level. Redraws with
/// QXYSeries::replace() only (no animations) and touches an axis only when its range changes.
class TimeSeriesPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TimeSeriesPanel(QWidget* parent = nullptr);
    ~TimeSeriesPanel() override;

    /// Redraws every chart from `snapshot`'s series over the last `windowSeconds`.
    void showSnapshot(const LiveSnapshot& snapshot, double windowSeconds);

    /// The charts, top to bottom: latency, accuracy, power, clocks, level.
    [[nodiscard]] QList<QChartView*> chartViews() const;
    /// Points shown by the series named `name` ("latency", "target", ...), -1: no such series.
    [[nodiscard]] int pointCount(const QString& name) const;
    /// How often an axis range was set since construction (tests check it stays rare).
    [[nodiscard]] int axisUpdates() const { return m_axisUpdates; }

private:
    struct Chart;
    Chart* addChart(const QString& title, const QString& unit);
    QLineSeries* seriesFor(Chart& chart, const QString& name, const QColor& color,
                           Qt::PenStyle style = Qt::SolidLine);
    void setSeries(Chart& chart, const LiveSeries& series, const QColor& color,
                   Qt::PenStyle style = Qt::SolidLine);
    void finishChart(Chart& chart, double xMin, double xMax, bool integerY);

    std::vector<std::unique_ptr<Chart>> m_charts;
    Chart* m_latency = nullptr;
    Chart* m_accuracy = nullptr;
    Chart* m_power = nullptr;
    Chart* m_clocks = nullptr;
    Chart* m_level = nullptr;
    int m_axisUpdates = 0;
};

}  // namespace dofa
