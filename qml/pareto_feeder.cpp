// SPDX-License-Identifier: MIT
#include "pareto_feeder.h"

#include <QXYSeries>
#include <optional>

#include "kiosk_log.h"
#include "kiosk_types.h"
#include "live/dashboard_controller.h"

namespace dofa {

namespace {

void replace(const QPointer<QAbstractSeries>& series, const QList<QPointF>& points)
{
    if (auto* xy = qobject_cast<QXYSeries*>(series.data())) {
        xy->replace(points);
    }
}

void warnUnlessXY(const QAbstractSeries* s)
{
    if (s && !qobject_cast<const QXYSeries*>(s)) {
        qCWarning(lcKiosk, "ParetoFeeder: series '%s' is not an XY series; it stays empty",
                  qPrintable(s->name()));
    }
}

}  // namespace

ParetoFeeder::ParetoFeeder(QObject* parent) : QObject(parent) {}

QObject* ParetoFeeder::controllerObject() const
{
    return m_controller.data();
}

void ParetoFeeder::setControllerObject(QObject* object)
{
    auto* controller = controllerFromQml(object, "ParetoFeeder.controller");
    if (m_controller == controller) {
        return;
    }
    if (m_controller) {
        disconnect(m_controller, nullptr, this, nullptr);
    }
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &DashboardController::modelChanged, this, &ParetoFeeder::refillModel);
        connect(m_controller, &DashboardController::levelChanged, this,
                &ParetoFeeder::refillCurrent);
        connect(m_controller, &DashboardController::libraryChanged, this,
                &ParetoFeeder::refillCurrent);
        connect(m_controller, &DashboardController::targetsChanged, this,
                &ParetoFeeder::refillTargets);
    }
    refillModel();
    Q_EMIT controllerChanged();
}

void ParetoFeeder::attach(QAbstractSeries* candidates, QAbstractSeries* levels,
                          QAbstractSeries* current, QAbstractSeries* latencyTarget,
                          QAbstractSeries* minAccuracy)
{
    for (QAbstractSeries* s : {candidates, levels, current, latencyTarget, minAccuracy}) {
        warnUnlessXY(s);
    }
    m_candidates = candidates;
    m_levels = levels;
    m_current = current;
    m_latencyTarget = latencyTarget;
    m_minAccuracy = minAccuracy;
    refillModel();
}

void ParetoFeeder::attachLibraries(const QVariantList& series)
{
    m_librarySeries.clear();
    for (const QVariant& v : series) {
        auto* s = qobject_cast<QAbstractSeries*>(v.value<QObject*>());
        if (!s) {
            qCWarning(lcKiosk,
                      "ParetoFeeder.attachLibraries: an entry is not a chart series; skipped");
        }
        warnUnlessXY(s);
        m_librarySeries.emplace_back(s);
    }
    fillLibraries();
}

void ParetoFeeder::attachCurrent(QAbstractSeries* current)
{
    warnUnlessXY(current);
    m_current = current;
    refillCurrent();
}

QStringList ParetoFeeder::libraryNames() const
{
    QStringList names;
    for (const ParetoLine& line : m_plane.libraries()) {
        names << line.name;
    }
    return names;
}

void ParetoFeeder::fillLibraries()
{
    const std::vector<ParetoLine>& lines = m_plane.libraries();
    for (std::size_t k = 0; k < m_librarySeries.size(); ++k) {
        replace(m_librarySeries[k], k < lines.size() ? lines[k].points : QList<QPointF>());
    }
}

void ParetoFeeder::refillModel()
{
    const QStringList namesBefore = libraryNames();
    m_plane = m_controller ? ParetoPlane(m_controller->modelInfo().profile) : ParetoPlane();
    replace(m_candidates, m_plane.candidates());
    replace(m_levels, m_plane.levels());
    if (libraryNames() != namesBefore) {
        Q_EMIT librariesChanged();  // QML makes new series and attaches them (filled then)
    } else {
        fillLibraries();
    }
    updateAxes(true);
    refillCurrent();
    refillTargets();
}

void ParetoFeeder::updateAxes(bool force)
{
    const ParetoAxes axes =
        m_controller ? m_plane.axes(m_controller->latencyTargetMs(), m_controller->minAccuracy())
                     : m_plane.axes(0, 0);
    if (!force && axes.latencyMaxMs == m_latencyAxisMax && axes.accuracyMin == m_accuracyAxisMin &&
        axes.accuracyMax == m_accuracyAxisMax) {
        return;
    }
    m_latencyAxisMax = axes.latencyMaxMs;
    m_accuracyAxisMin = axes.accuracyMin;
    m_accuracyAxisMax = axes.accuracyMax;
    Q_EMIT rangeChanged();
}

void ParetoFeeder::refillCurrent()
{
    const int level = m_controller ? m_controller->level() : -1;
    const QString library = m_controller ? m_controller->library() : QString();
    const QString highlighted = m_plane.highlightedLibrary(level, library);
    QList<QPointF> points;
    QString text;
    if (const std::optional<QPointF> p = m_plane.currentPoint(level, library)) {
        points << *p;
        text =
            tr("level %1: %2 % at %3 ms").arg(level).arg(p->y(), 0, 'f', 2).arg(p->x(), 0, 'f', 2);
        if (m_plane.libraryIndex(highlighted) >= 0) {
            text += tr("\non %1").arg(highlighted);  // a second line: library names are long
        }
    }
    replace(m_current, points);
    const int index = m_plane.libraryIndex(highlighted);
    if (text != m_currentText || highlighted != m_highlightedLibrary || index != m_currentLibrary) {
        m_currentText = text;
        m_highlightedLibrary = highlighted;
        m_currentLibrary = index;
        Q_EMIT currentChanged();
    }
}

void ParetoFeeder::refillTargets()
{
    updateAxes(false);
    const ParetoAxes axes{m_latencyAxisMax, m_accuracyAxisMin, m_accuracyAxisMax};
    replace(m_latencyTarget, axes.latencyLine(m_controller ? m_controller->latencyTargetMs() : 0));
    replace(m_minAccuracy, axes.accuracyLine(m_controller ? m_controller->minAccuracy() : 0));
}

}  // namespace dofa
