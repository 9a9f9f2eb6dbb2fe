// SPDX-License-Identifier: MIT
#include "pareto_chart_view.h"

#include <QChart>
#include <QCursor>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "live/dashboard_controller.h"

namespace dofa {

namespace {

bool isSet(double v)
{
    return std::isfinite(v) && v > 0;
}

QString powerText(const LiveProfileLevel& level)
{
    if (level.powerMw) {
        return QStringLiteral("%1 W").arg(*level.powerMw / 1000.0, 0, 'f', 2);
    }
    return QStringLiteral("not measured (no power sensor when profiled)");
}

}  // namespace

ParetoChartView::ParetoChartView(QWidget* parent) : QChartView(parent)
{
    auto* chart = new QChart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Pareto front: top-1 vs latency"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    setChart(chart);  // takes ownership
    setRenderHint(QPainter::Antialiasing);

    m_cloud = new QScatterSeries();
    m_cloud->setName(tr("candidates"));
    m_cloud->setMarkerSize(5);
    m_cloud->setColor(QColor(120, 120, 120, 60));
    m_cloud->setBorderColor(Qt::transparent);

    m_front = new QLineSeries();
    m_front->setName(tr("front"));
    m_front->setPen(QPen(QColor(30, 100, 200), 2));

    m_levels = new QScatterSeries();
    m_levels->setName(tr("levels"));
    m_levels->setMarkerSize(10);
    m_levels->setColor(QColor(30, 100, 200));
    m_levels->setBorderColor(Qt::white);

    m_current = new QScatterSeries();
    m_current->setName(tr("current level"));
    m_current->setMarkerSize(18);
    m_current->setColor(QColor(255, 140, 0));
    m_current->setBorderColor(Qt::black);

    m_target = new QLineSeries();
    m_target->setName(tr("latency target"));
    m_target->setPen(QPen(QColor(200, 30, 30), 2, Qt::DashLine));

    m_minAccuracy = new QLineSeries();
    m_minAccuracy->setName(tr("min accuracy"));
    m_minAccuracy->setPen(QPen(QColor(30, 150, 60), 2, Qt::DashLine));

    m_x = new QValueAxis();
    m_x->setTitleText(tr("latency (ms)"));
    m_y = new QValueAxis();
    m_y->setTitleText(tr("top-1 (%)"));
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    for (QXYSeries* s :
         {static_cast<QXYSeries*>(m_cloud), static_cast<QXYSeries*>(m_front),
          static_cast<QXYSeries*>(m_levels), static_cast<QXYSeries*>(m_target),
          static_cast<QXYSeries*>(m_minAccuracy), static_cast<QXYSeries*>(m_current)}) {
        chart->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }

    connect(m_cloud, &QScatterSeries::hovered, this, [this](const QPointF& p, bool entered) {
        showTip(m_candidatePoints, m_candidateText, p, entered);
    });
    connect(m_levels, &QScatterSeries::hovered, this, [this](const QPointF& p, bool entered) {
        showTip(m_levelPoints, m_levelText, p, entered);
    });
    connect(m_current, &QScatterSeries::hovered, this, [this](const QPointF& p, bool entered) {
        showTip(m_levelPoints, m_levelText, p, entered);
    });
}

void ParetoChartView::setModelInfo(const LiveModelInfo& info)
{
    const LiveProfile& profile = info.profile;
    m_levelPoints.clear();
    m_levelText.clear();
    m_candidatePoints.clear();
    m_candidateText.clear();

    double minX = 1e300, maxX = 0, minY = 100, maxY = 0;
    auto extend = [&](const QPointF& p) {
        minX = std::min(minX, p.x());
        maxX = std::max(maxX, p.x());
        minY = std::min(minY, p.y());
        maxY = std::max(maxY, p.y());
    };
    for (size_t i = 0; i < profile.levels.size(); ++i) {
        const LiveProfileLevel& level = profile.levels[i];
        const QPointF p(level.latency.p50, level.top1);
        m_levelPoints << p;
        extend(p);
        m_levelText << tr("level %1\n%2\ntop-1 %3%\nlatency %4 ms (p50, p90 %5 ms)\npower %6\n"
                          "%7 M MACs, %8 k params")
                           .arg(i)
                           .arg(QString::fromStdString(level.arch.toString()))
                           .arg(level.top1, 0, 'f', 2)
                           .arg(level.latency.p50, 0, 'f', 3)
                           .arg(level.latency.p90, 0, 'f', 3)
                           .arg(powerText(level))
                           .arg(level.macs / 1e6, 0, 'f', 2)
                           .arg(level.params / 1e3, 0, 'f', 1);
    }
    for (const ProfileCandidate& c : profile.candidates) {
        const QPointF p(c.latencyMs, c.top1);
        m_candidatePoints << p;
        extend(p);
        m_candidateText << tr("candidate (%1, %2)\n%3\ntop-1 %4%\nlatency %5 ms\n"
                              "power: not measured for candidates")
                               .arg(c.measured ? tr("measured") : tr("predicted"))
                               .arg(QString::fromStdString(c.source))
                               .arg(QString::fromStdString(c.arch.toString()))
                               .arg(c.top1, 0, 'f', 2)
                               .arg(c.latencyMs, 0, 'f', 3);
    }
    m_cloud->replace(m_candidatePoints);
    m_front->replace(m_levelPoints);
    m_levels->replace(m_levelPoints);

    if (maxX <= 0) {  // an empty profile: keep a sane frame
        minX = 0;
        maxX = 1;
        minY = 0;
        maxY = 100;
    }
    m_dataMaxMs = maxX * 1.08;
    m_x->setRange(0, m_dataMaxMs);
    const double pad = std::max(0.5, (maxY - minY) * 0.08);
    m_y->setRange(std::floor(minY - pad), std::ceil(maxY + pad));
    chart()->setTitle(tr("Pareto front: %1 levels, %2 candidates (%3)")
                          .arg(m_levelPoints.size())
                          .arg(m_candidatePoints.size())
                          .arg(QString::fromStdString(profile.device.id())));
    const int level = m_level;
    m_level = -2;  // the points moved: redraw the highlight even for the same level
    setState(level, m_latencyTargetMs, m_minAccuracyPercent);
    updateLines();
}

QPointF ParetoChartView::highlightedPoint() const
{
    return m_current->count() > 0 ? m_current->at(0) : QPointF();
}

void ParetoChartView::setState(int currentLevel, double latencyTargetMs, double minAccuracy)
{
    const double target = isSet(latencyTargetMs) ? latencyTargetMs : 0;
    const double accuracy = isSet(minAccuracy) ? minAccuracy : 0;
    if (currentLevel != m_level) {
        m_level = currentLevel;
        if (m_level >= 0 && m_level < m_levelPoints.size()) {
            m_current->replace(QList<QPointF>{m_levelPoints[m_level]});
        } else {
            m_level = -1;
            m_current->clear();
        }
    }
    if (target != m_latencyTargetMs || accuracy != m_minAccuracyPercent) {
        m_latencyTargetMs = target;
        m_minAccuracyPercent = accuracy;
        updateLines();
    }
}

void ParetoChartView::updateLines()
{
    // A target beyond the profile's slowest level still shows: widen the axis to it.
    const double maxX = std::max(m_dataMaxMs, m_latencyTargetMs * 1.05);
    if (maxX != m_x->max()) {
        m_x->setMax(maxX);
    }
    if (m_latencyTargetMs > 0) {
        m_target->replace(
            QList<QPointF>{{m_latencyTargetMs, m_y->min()}, {m_latencyTargetMs, m_y->max()}});
    } else {
        m_target->clear();
    }
    if (m_minAccuracyPercent > 0) {
        m_minAccuracy->replace(
            QList<QPointF>{{0, m_minAccuracyPercent}, {maxX, m_minAccuracyPercent}});
    } else {
        m_minAccuracy->clear();
    }
}

void ParetoChartView::showTip(const QList<QPointF>& points, const QStringList& texts,
                              const QPointF& point, bool entered)
{
    if (!entered || points.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    // The hovered point comes back in chart values: the nearest point in axis-scaled distance.
    const double sx = std::max(1e-9, m_x->max() - m_x->min());
    const double sy = std::max(1e-9, m_y->max() - m_y->min());
    int best = 0;
    double bestDistance = 1e300;
    for (int i = 0; i < points.size(); ++i) {
        const double dx = (points[i].x() - point.x()) / sx;
        const double dy = (points[i].y() - point.y()) / sy;
        const double d = dx * dx + dy * dy;
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    QToolTip::showText(QCursor::pos(), texts.value(best), this);
}

}  // namespace dofa
