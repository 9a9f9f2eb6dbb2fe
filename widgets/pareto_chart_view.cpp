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
#include "runtime/level_table.h"

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

// The chart is handed to QChartView's constructor: QChartView(parent) makes a chart of its own,
// and setChart() later would release that one without deleting it (ASan found it leaked).
ParetoChartView::ParetoChartView(QWidget* parent) : QChartView(new QChart(), parent)
{
    QChart* chart = this->chart();  // owned by the view
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Pareto front: top-1 vs latency"));
    chart->legend()->setAlignment(Qt::AlignBottom);
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
    // The levels' points are the front line's: one legend entry for both.
    for (QLegendMarker* marker : chart->legend()->markers(m_levels)) {
        marker->setVisible(false);
    }

    connect(m_cloud, &QScatterSeries::hovered, this, [this](const QPointF& p, bool entered) {
        showTip(m_plane.candidates(), m_candidateText, p, entered);
    });
    connect(m_levels, &QScatterSeries::hovered, this, [this](const QPointF& p, bool entered) {
        showTip(m_plane.levels(), m_levelText, p, entered);
    });
    // The marker may sit on a library's line, away from the level's own point: its level's text.
    connect(m_current, &QScatterSeries::hovered, this, [this](const QPointF&, bool entered) {
        if (entered && m_level >= 0) {
            const QString on = highlightedLibrary();
            QToolTip::showText(QCursor::pos(),
                               m_levelText.value(m_level) +
                                   (on.isEmpty() ? QString() : tr("\nrunning on %1").arg(on)),
                               this);
        } else {
            QToolTip::hideText();
        }
    });
}

void ParetoChartView::setModelInfo(const LiveModelInfo& info)
{
    const LiveProfile& profile = info.profile;
    m_plane = ParetoPlane(profile);
    m_levelText.clear();
    m_candidateText.clear();

    for (size_t i = 0; i < profile.levels.size(); ++i) {
        const LiveProfileLevel& level = profile.levels[i];
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
        m_candidateText << tr("candidate (%1, %2)\n%3\ntop-1 %4%\nlatency %5 ms\n"
                              "power: not measured for candidates")
                               .arg(c.measured ? tr("measured") : tr("predicted"))
                               .arg(QString::fromStdString(c.source))
                               .arg(QString::fromStdString(c.arch.toString()))
                               .arg(c.top1, 0, 'f', 2)
                               .arg(c.latencyMs, 0, 'f', 3);
    }
    m_cloud->replace(m_plane.candidates());
    m_front->replace(m_plane.levels());
    m_levels->replace(m_plane.levels());
    rebuildLibrarySeries();

    const int libraries = static_cast<int>(m_plane.libraries().size());
    chart()->setTitle(libraries > 0
                          ? tr("Pareto fronts: %1 levels in %2 libraries, %3 candidates (%4)")
                                .arg(m_plane.levels().size())
                                .arg(libraries + 1)
                                .arg(m_plane.candidates().size())
                                .arg(QString::fromStdString(profile.device.id()))
                          : tr("Pareto front: %1 levels, %2 candidates (%3)")
                                .arg(m_plane.levels().size())
                                .arg(m_plane.candidates().size())
                                .arg(QString::fromStdString(profile.device.id())));
    const int level = m_level;
    m_level = -2;  // the points moved: redraw the highlight even for the same level
    setState(level, m_library, m_latencyTargetMs, m_minAccuracyPercent);
    updateLines();
}

void ParetoChartView::rebuildLibrarySeries()
{
    for (QLineSeries* series : m_librarySeries) {
        chart()->removeSeries(series);
        delete series;
    }
    m_librarySeries.clear();
    m_libraryText.clear();
    // Beside the levels' blue, the current level's orange and the targets' red and green.
    static const QColor palette[] = {{0, 150, 150},  {140, 60, 180}, {150, 90, 40},
                                     {220, 60, 140}, {110, 120, 20}, {90, 90, 140}};
    const std::vector<ParetoLine>& lines = m_plane.libraries();
    m_front->setName(lines.empty() ? tr("front") : QString::fromLatin1(LevelTable::kAsConfigured));
    for (size_t k = 0; k < lines.size(); ++k) {
        const ParetoLine& line = lines[k];
        auto* series = new QLineSeries();
        series->setName(line.name);
        series->setColor(palette[k % (sizeof(palette) / sizeof(palette[0]))]);
        series->setPointsVisible(true);
        series->replace(line.points);
        chart()->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        QStringList texts;
        for (int i = 0; i < line.points.size(); ++i) {
            texts << tr("level %1 on %2\ntop-1 %3%\nlatency %4 ms (p50 at the library's "
                        "fastest point)")
                         .arg(line.levels[i])
                         .arg(line.name)
                         .arg(line.points[i].y(), 0, 'f', 2)
                         .arg(line.points[i].x(), 0, 'f', 3);
        }
        m_libraryText.push_back(texts);
        connect(series, &QLineSeries::hovered, this, [this, k](const QPointF& p, bool entered) {
            if (k < m_plane.libraries().size()) {
                showTip(m_plane.libraries()[k].points, m_libraryText[k], p, entered);
            }
        });
        m_librarySeries.push_back(series);
    }
    // The current-level marker over every line (series draw in the order they were added).
    chart()->removeSeries(m_current);
    chart()->addSeries(m_current);
    m_current->attachAxis(m_x);
    m_current->attachAxis(m_y);
    // Library names are long ("cores 0-1, 2 threads"): a column on the right, where a row at
    // the bottom would cut every label short.
    chart()->legend()->setAlignment(lines.empty() ? Qt::AlignBottom : Qt::AlignRight);
    updateLibraryStyles();
}

void ParetoChartView::updateLibraryStyles()
{
    // The library the model runs in is bold and the others thin; with nothing running (or no
    // mapping at all) every line has its normal width.
    const QString bold = highlightedLibrary();
    const bool any = !bold.isEmpty();
    const int current = m_plane.libraryIndex(bold);
    // The legend's square of the running library gets a black frame. Its label stays as it is:
    // a longer or bolder one would widen the legend, and the plot would jump at every switch.
    auto mark = [this](QLineSeries* series, bool running) {
        for (QLegendMarker* marker : chart()->legend()->markers(series)) {
            marker->setPen(running ? QPen(Qt::black, 2) : QPen(series->color()));
        }
    };
    const bool asConfigured = bold == QLatin1String(LevelTable::kAsConfigured);
    QPen front = m_front->pen();
    front.setWidthF(asConfigured ? 4 : 2);
    m_front->setPen(front);
    mark(m_front, asConfigured);
    for (int k = 0; k < static_cast<int>(m_librarySeries.size()); ++k) {
        QLineSeries* series = m_librarySeries[static_cast<std::size_t>(k)];
        QPen pen = series->pen();
        pen.setWidthF(!any ? 2 : (k == current ? 4 : 1.5));
        series->setPen(pen);
        mark(series, k == current);
    }
}

QString ParetoChartView::highlightedLibrary() const
{
    return m_plane.highlightedLibrary(m_level, m_library);
}

QPointF ParetoChartView::highlightedPoint() const
{
    return m_current->count() > 0 ? m_current->at(0) : QPointF();
}

void ParetoChartView::setState(int currentLevel, const QString& library, double latencyTargetMs,
                               double minAccuracy)
{
    const double target = isSet(latencyTargetMs) ? latencyTargetMs : 0;
    const double accuracy = isSet(minAccuracy) ? minAccuracy : 0;
    if (currentLevel != m_level || library != m_library) {
        m_level = currentLevel;
        m_library = library;
        if (const std::optional<QPointF> p = m_plane.currentPoint(m_level, m_library)) {
            m_current->replace(QList<QPointF>{*p});
        } else {
            m_level = -1;
            m_current->clear();
        }
        updateLibraryStyles();
    }
    if (target != m_latencyTargetMs || accuracy != m_minAccuracyPercent) {
        m_latencyTargetMs = target;
        m_minAccuracyPercent = accuracy;
        updateLines();
    }
}

void ParetoChartView::updateLines()
{
    // A target beyond the profile's slowest level still shows: the frame widens to it.
    const ParetoAxes axes = m_plane.axes(m_latencyTargetMs, m_minAccuracyPercent);
    if (axes.latencyMaxMs != m_x->max() || m_x->min() != 0) {
        m_x->setRange(0, axes.latencyMaxMs);
    }
    if (axes.accuracyMin != m_y->min() || axes.accuracyMax != m_y->max()) {
        m_y->setRange(axes.accuracyMin, axes.accuracyMax);
    }
    m_target->replace(axes.latencyLine(m_latencyTargetMs));
    m_minAccuracy->replace(axes.accuracyLine(m_minAccuracyPercent));
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
