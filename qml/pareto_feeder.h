// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractSeries>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QString>

namespace dofa {

class DashboardController;

/// Fills the kiosk's QML Pareto chart from the controller's open profile: QML declares the
/// series (it owns them), this feeds them with `replace()` so that no profile logic lives in
/// QML. QML type `ParetoFeeder`.
///
/// Refills the candidates and levels on `modelChanged`, the current-level marker on
/// `levelChanged` and the target lines on `targetsChanged`; nothing per frame. GUI thread only.
class ParetoFeeder : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ParetoFeeder)
    /// The DashboardController (a QObject here so that this header stays free of core's).
    Q_PROPERTY(QObject* controller READ controllerObject WRITE setControllerObject NOTIFY
                   controllerChanged FINAL)
    // Axis ranges covering the profile and the sliders' ranges (so a target line stays in view).
    Q_PROPERTY(double latencyAxisMax READ latencyAxisMax NOTIFY rangeChanged FINAL)
    Q_PROPERTY(double accuracyAxisMin READ accuracyAxisMin NOTIFY rangeChanged FINAL)
    Q_PROPERTY(double accuracyAxisMax READ accuracyAxisMax NOTIFY rangeChanged FINAL)
    /// "level 3: 90.12 % at 4.20 ms", "" when no level runs.
    Q_PROPERTY(QString currentText READ currentText NOTIFY currentChanged FINAL)
    Q_PROPERTY(int candidateCount READ candidateCount NOTIFY rangeChanged FINAL)

public:
    explicit ParetoFeeder(QObject* parent = nullptr);

    [[nodiscard]] QObject* controllerObject() const;
    /// Anything but a DashboardController (or null) is refused with a warning.
    void setControllerObject(QObject* object);

    [[nodiscard]] double latencyAxisMax() const { return m_latencyAxisMax; }
    [[nodiscard]] double accuracyAxisMin() const { return m_accuracyAxisMin; }
    [[nodiscard]] double accuracyAxisMax() const { return m_accuracyAxisMax; }
    [[nodiscard]] QString currentText() const { return m_currentText; }
    [[nodiscard]] int candidateCount() const { return int(m_candidatePoints.size()); }

    /// The series to feed, all XY series (scatter or line); any may be null. Fills them at
    /// once and again whenever the controller's model, level or targets change.
    Q_INVOKABLE void attach(QAbstractSeries* candidates, QAbstractSeries* levels,
                            QAbstractSeries* current, QAbstractSeries* latencyTarget,
                            QAbstractSeries* minAccuracy);

Q_SIGNALS:
    void controllerChanged();
    void rangeChanged();
    void currentChanged();

private:
    void refillModel();
    void refillCurrent();
    void refillTargets();

    QPointer<DashboardController> m_controller;
    QPointer<QAbstractSeries> m_candidates, m_levels, m_current, m_latencyTarget, m_minAccuracy;
    QList<QPointF> m_candidatePoints, m_levelPoints;
    double m_latencyAxisMax = 1, m_accuracyAxisMin = 0, m_accuracyAxisMax = 100;
    QString m_currentText;
};

}  // namespace dofa
