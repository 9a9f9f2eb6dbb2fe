// SPDX-License-Identifier: MIT
#include "time_series_panel.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <map>

#include "live/live_snapshot.h"

namespace dofa {

struct TimeSeriesPanel::Chart
{
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QValueAxis* x = nullptr;
    QValueAxis* y = nullptr;
    QString title;
    std::map<QString, QLineSeries*> series;
    double yMin = 0, yMax = 0;   ///< over the points of this tick
    std::vector<double> values;  ///< this tick's y values, for the off-scale check
    bool any = false;
};

namespace {

/// A "nice" upper bound (1, 2, 2.5, 5 x 10^n) so that the axis moves in visible steps only.
double niceCeil(double v)
{
    if (v <= 0) {
        return 1;
    }
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (v <= m * p) {
            return m * p;
        }
    }
    return 10 * p;
}

const QColor kRailColors[] = {QColor(230, 120, 0), QColor(120, 60, 200), QColor(0, 150, 136),
                              QColor(200, 60, 120), QColor(100, 100, 100)};

}  // namespace

TimeSeriesPanel::TimeSeriesPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_latency = addChart(tr("Latency"), QStringLiteral("ms"));
    m_accuracy = addChart(tr("Running top-1"), QStringLiteral("%"));
    m_power = addChart(tr("Power"), QStringLiteral("W"));
    m_clocks = addChart(tr("Clocks"), QStringLiteral("MHz"));
    m_level = addChart(tr("Level"), QString());
    // Latency spans the top row: it is the quantity the targets are about.
    layout->addWidget(m_latency->view, 0, 0, 1, 2);
    layout->addWidget(m_accuracy->view, 1, 0);
    layout->addWidget(m_power->view, 1, 1);
    layout->addWidget(m_clocks->view, 2, 0);
    layout->addWidget(m_level->view, 2, 1);
}

TimeSeriesPanel::~TimeSeriesPanel() = default;

TimeSeriesPanel::Chart* TimeSeriesPanel::addChart(const QString& title, const QString& unit)
{
    auto chart = std::make_unique<Chart>();
    chart->title = unit.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, unit);
    chart->chart = new QChart();
    chart->chart->setAnimationOptions(QChart::NoAnimation);
    chart->chart->setTitle(title);
    chart->chart->legend()->setAlignment(Qt::AlignBottom);
    QFont small = chart->chart->legend()->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    chart->chart->legend()->setFont(small);
    chart->chart->setMargins(QMargins(2, 2, 2, 2));
    chart->chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->chart->setBackgroundRoundness(0);
    // Small charts: no axis titles (the unit is in the chart title), smaller labels.
    chart->x = new QValueAxis();
    chart->x->setLabelFormat(QStringLiteral("%.0f s"));
    chart->x->setTickCount(5);
    chart->y = new QValueAxis();
    chart->y->setTickCount(4);
    QFont labels = chart->x->labelsFont();
    labels.setPointSizeF(labels.pointSizeF() * 0.85);
    chart->x->setLabelsFont(labels);
    chart->y->setLabelsFont(labels);
    chart->chart->addAxis(chart->x, Qt::AlignBottom);
    chart->chart->addAxis(chart->y, Qt::AlignLeft);
    chart->view = new QChartView(chart->chart, this);  // the view owns the chart
    chart->view->setMinimumHeight(120);
    chart->view->setRenderHint(QPainter::Antialiasing);
    m_charts.push_back(std::move(chart));
    return m_charts.back().get();
}

QLineSeries* TimeSeriesPanel::seriesFor(Chart& chart, const QString& name, const QColor& color,
                                        Qt::PenStyle style)
{
    auto it = chart.series.find(name);
    if (it != chart.series.end()) {
        return it->second;
    }
    // Created on first sight: rails and clocks exist only where the platform has them.
    auto* series = new QLineSeries();
    series->setName(name);
    series->setPen(QPen(color, style == Qt::SolidLine ? 1.5 : 2, style));
    series->setUseOpenGL(false);
    chart.chart->addSeries(series);
    series->attachAxis(chart.x);
    series->attachAxis(chart.y);
    chart.series.emplace(name, series);
    return series;
}

void TimeSeriesPanel::setSeries(Chart& chart, const LiveSeries& live, const QColor& color,
                                Qt::PenStyle style)
{
    const QString name = live.name.isEmpty() ? chart.title : live.name;
    if (live.points.isEmpty() && chart.series.count(name) == 0) {
        return;  // never measured here: no empty legend entry
    }
    QLineSeries* series = seriesFor(chart, name, color, style);
    chart.chart->legend()->setVisible(chart.series.size() > 1);
    series->replace(live.points);
    for (const QPointF& p : live.points) {
        if (!std::isfinite(p.y())) {
            continue;
        }
        chart.values.push_back(p.y());
        chart.yMin = chart.any ? std::min(chart.yMin, p.y()) : p.y();
        chart.yMax = chart.any ? std::max(chart.yMax, p.y()) : p.y();
        chart.any = true;
    }
}

void TimeSeriesPanel::finishChart(Chart& chart, double xMin, double xMax, bool integerY)
{
    if (chart.x->min() != xMin || chart.x->max() != xMax) {
        chart.x->setRange(xMin, xMax);
        ++m_axisUpdates;
    }
    double lo = 0, hi = 1;
    QString offScale;
    if (chart.any && !integerY && chart.values.size() >= 20) {
        // A few warm-up or preemption spikes (100x the rest) would flatten the whole window:
        // scale to the 95th percentile and say in the title that peaks are off scale.
        std::vector<double>& v = chart.values;
        auto p95 = v.begin() + static_cast<std::ptrdiff_t>(v.size() * 95 / 100);
        std::nth_element(v.begin(), p95, v.end());
        if (chart.yMax > 3 * *p95 && *p95 > 0) {
            offScale = tr(" (peak %1 off scale)").arg(chart.yMax, 0, 'g', 3);
            chart.yMax = 1.5 * *p95;
        }
    }
    if (chart.any) {
        // From 0 for rates and latencies (honest proportions); up to a rounded maximum.
        lo = chart.yMin < 0 ? -niceCeil(-chart.yMin) : 0;
        hi = integerY ? std::max(1.0, std::ceil(chart.yMax) + 0.5) : niceCeil(chart.yMax * 1.1);
        if (&chart == m_accuracy) {
            lo = std::max(0.0, std::floor(chart.yMin / 5) * 5);  // accuracy lives near the top
            hi = std::min(100.0, std::max(lo + 5, std::ceil(chart.yMax / 5) * 5));
        }
    }
    if (chart.y->min() != lo || chart.y->max() != hi) {
        chart.y->setRange(lo, hi);
        ++m_axisUpdates;
    }
    const QString title =
        chart.any ? chart.title + offScale : chart.title + tr(" (not measured on this platform)");
    if (chart.chart->title() != title) {
        chart.chart->setTitle(title);
    }
}

void TimeSeriesPanel::showSnapshot(const LiveSnapshot& s, double windowSeconds)
{
    for (auto& chart : m_charts) {
        chart->any = false;
        chart->values.clear();
    }
    setSeries(*m_latency, s.latency, QColor(30, 100, 200));
    setSeries(*m_latency, s.latencyTarget, QColor(200, 30, 30), Qt::DashLine);
    setSeries(*m_accuracy, s.accuracy, QColor(30, 150, 60));
    for (size_t i = 0; i < s.powerRails.size(); ++i) {
        setSeries(*m_power, s.powerRails[i], kRailColors[i % 5]);
    }
    setSeries(*m_power, s.powerTotal, Qt::black);
    setSeries(*m_clocks, s.cpuClock, QColor(30, 100, 200));
    setSeries(*m_clocks, s.gpuClock, QColor(118, 185, 0));
    setSeries(*m_level, s.level, QColor(255, 140, 0));

    // The x window moves in whole seconds, so the axes are set once a second, not per tick.
    const double window = std::max(1.0, windowSeconds);
    const double xMax = std::max(window, std::ceil(s.elapsedSeconds));
    const double xMin = xMax - window;
    for (auto& chart : m_charts) {
        finishChart(*chart, xMin, xMax, chart.get() == m_level);
    }
}

QList<QChartView*> TimeSeriesPanel::chartViews() const
{
    QList<QChartView*> views;
    for (const auto& chart : m_charts) {
        views << chart->view;
    }
    return views;
}

int TimeSeriesPanel::pointCount(const QString& name) const
{
    for (const auto& chart : m_charts) {
        auto it = chart->series.find(name);
        if (it != chart->series.end()) {
            return it->second->count();
        }
    }
    return -1;
}

}  // namespace dofa
