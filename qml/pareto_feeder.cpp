// SPDX-License-Identifier: MIT
#include "pareto_feeder.h"

#include <QXYSeries>
#include <algorithm>
#include <cmath>

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
        if (s && !qobject_cast<QXYSeries*>(s)) {
            qWarning("ParetoFeeder.attach: series '%s' is not an XY series; it stays empty",
                     qPrintable(s->name()));
        }
    }
    m_candidates = candidates;
    m_levels = levels;
    m_current = current;
    m_latencyTarget = latencyTarget;
    m_minAccuracy = minAccuracy;
    refillModel();
}

void ParetoFeeder::refillModel()
{
    m_candidatePoints.clear();
    m_levelPoints.clear();
    if (m_controller) {
        const LiveProfile& profile = m_controller->modelInfo().profile;
        // The levels at their median latency, as the widgets' chart and the runtime manager's
        // lookup table place them.
        for (const LiveProfileLevel& level : profile.levels) {
            m_levelPoints << QPointF(level.latency.p50, level.top1);
        }
        for (const ProfileCandidate& c : profile.candidates) {
            m_candidatePoints << QPointF(c.latencyMs, c.top1);
        }
    }

    double maxX = 0, minY = 100, maxY = 0;
    for (const QList<QPointF>* points : {&m_levelPoints, &m_candidatePoints}) {
        for (const QPointF& p : *points) {
            maxX = std::max(maxX, p.x());
            minY = std::min(minY, p.y());
            maxY = std::max(maxY, p.y());
        }
    }
    if (m_controller) {
        // Keep every slider position's target line inside the frame.
        const double latencyMax = m_controller->latencyMaxMs();
        const double accMin = m_controller->accuracyMin(), accMax = m_controller->accuracyMax();
        if (std::isfinite(latencyMax)) {
            maxX = std::max(maxX, latencyMax);
        }
        if (std::isfinite(accMin) && accMin > 0) {
            minY = std::min(minY, accMin);
        }
        if (std::isfinite(accMax) && accMax > 0) {
            maxY = std::max(maxY, accMax);
        }
    }
    if (maxX <= 0 || maxY < minY) {  // nothing open: a sane empty frame
        maxX = 1;
        minY = 0;
        maxY = 100;
    }
    m_latencyAxisMax = maxX * 1.05;
    m_accuracyAxisMin = std::max(0.0, std::floor(minY - 0.5));
    m_accuracyAxisMax = std::min(100.0, std::ceil(maxY + 0.5));

    replace(m_candidates, m_candidatePoints);
    replace(m_levels, m_levelPoints);
    Q_EMIT rangeChanged();
    refillCurrent();
    refillTargets();
}

void ParetoFeeder::refillCurrent()
{
    const int level = m_controller ? m_controller->level() : -1;
    QList<QPointF> points;
    QString text;
    if (level >= 0 && level < m_levelPoints.size()) {
        const QPointF p = m_levelPoints[level];
        points << p;
        text = tr("level %1: %2 % at %3 ms").arg(level).arg(p.y(), 0, 'f', 2).arg(p.x(), 0, 'f', 2);
    }
    replace(m_current, points);
    if (text != m_currentText) {
        m_currentText = text;
        Q_EMIT currentChanged();
    }
}

void ParetoFeeder::refillTargets()
{
    QList<QPointF> latencyLine, accuracyLine;
    if (m_controller) {
        const double latency = m_controller->latencyTargetMs();
        if (std::isfinite(latency) && latency > 0) {
            latencyLine << QPointF(latency, m_accuracyAxisMin)
                        << QPointF(latency, m_accuracyAxisMax);
        }
        const double accuracy = m_controller->minAccuracy();
        if (std::isfinite(accuracy) && accuracy > 0) {
            accuracyLine << QPointF(0, accuracy) << QPointF(m_latencyAxisMax, accuracy);
        }
    }
    replace(m_latencyTarget, latencyLine);
    replace(m_minAccuracy, accuracyLine);
}

}  // namespace dofa
