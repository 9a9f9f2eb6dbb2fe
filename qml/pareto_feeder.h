// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractSeries>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <vector>

#include "live/pareto_plane.h"

namespace dofa {

class DashboardController;

/// Fills the kiosk's QML Pareto chart from the controller's open profile: QML declares the
/// series (it owns them), this feeds them with `replace()` so that no profile logic lives in
/// QML. Points and axis ranges come from ParetoPlane (core/live), as the widgets' chart's.
/// QML type `ParetoFeeder`.
///
/// A profile with mapping operating points has one level library per mapping: `libraryNames`
/// lists the mapping libraries (the levels' line is "as configured"), QML makes one line series
/// per name and hands them to attachLibraries(); `currentLibrary` says which one to draw bold.
///
/// Refills the candidates, levels and libraries on `modelChanged`, the current-level marker on
/// `levelChanged` and `libraryChanged`, the target lines and the axes on `targetsChanged`;
/// nothing per frame. GUI thread only.
class ParetoFeeder : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ParetoFeeder)
    /// The DashboardController (a QObject here so that this header stays free of core's).
    Q_PROPERTY(QObject* controller READ controllerObject WRITE setControllerObject NOTIFY
                   controllerChanged FINAL)
    // Axis ranges (ParetoPlane::axes): every point, and the target lines in force.
    Q_PROPERTY(double latencyAxisMax READ latencyAxisMax NOTIFY rangeChanged FINAL)
    Q_PROPERTY(double accuracyAxisMin READ accuracyAxisMin NOTIFY rangeChanged FINAL)
    Q_PROPERTY(double accuracyAxisMax READ accuracyAxisMax NOTIFY rangeChanged FINAL)
    /// "level 3: 90.12 % at 4.20 ms", "" when no level runs; a second line "on 2 threads, ..."
    /// names the mapping library it runs in, where the profile has mappings.
    Q_PROPERTY(QString currentText READ currentText NOTIFY currentChanged FINAL)
    Q_PROPERTY(int candidateCount READ candidateCount NOTIFY rangeChanged FINAL)
    /// The mapping libraries' names, in the profile's order; empty without mappings.
    Q_PROPERTY(QStringList libraryNames READ libraryNames NOTIFY librariesChanged FINAL)
    /// Index into libraryNames of the library the model runs in; -1: "as configured", or none.
    Q_PROPERTY(int currentLibrary READ currentLibrary NOTIFY currentChanged FINAL)
    /// The library to draw bold: a mapping's name, "as configured" (the levels' line), or empty
    /// (nothing running, or no mappings).
    Q_PROPERTY(QString highlightedLibrary READ highlightedLibrary NOTIFY currentChanged FINAL)

public:
    explicit ParetoFeeder(QObject* parent = nullptr);

    [[nodiscard]] QObject* controllerObject() const;
    /// Anything but a DashboardController (or null) is refused with a warning.
    void setControllerObject(QObject* object);

    [[nodiscard]] double latencyAxisMax() const { return m_latencyAxisMax; }
    [[nodiscard]] double accuracyAxisMin() const { return m_accuracyAxisMin; }
    [[nodiscard]] double accuracyAxisMax() const { return m_accuracyAxisMax; }
    [[nodiscard]] QString currentText() const { return m_currentText; }
    [[nodiscard]] int candidateCount() const { return int(m_plane.candidates().size()); }
    [[nodiscard]] QStringList libraryNames() const;
    [[nodiscard]] int currentLibrary() const { return m_currentLibrary; }
    [[nodiscard]] QString highlightedLibrary() const { return m_highlightedLibrary; }

    /// The series to feed, all XY series (scatter or line); any may be null. Fills them at
    /// once and again whenever the controller's model, level or targets change.
    Q_INVOKABLE void attach(QAbstractSeries* candidates, QAbstractSeries* levels,
                            QAbstractSeries* current, QAbstractSeries* latencyTarget,
                            QAbstractSeries* minAccuracy);
    /// One XY series per libraryNames entry, in order (QML creates them on librariesChanged);
    /// fills each with its library's front. Series beyond the libraries stay empty.
    Q_INVOKABLE void attachLibraries(const QVariantList& series);
    /// The current-level marker alone (XY series), for a QML chart that makes it again after
    /// the library lines so that it is drawn over them; filled at once.
    Q_INVOKABLE void attachCurrent(QAbstractSeries* current);

Q_SIGNALS:
    void controllerChanged();
    void rangeChanged();
    void currentChanged();
    void librariesChanged();

private:
    void refillModel();
    void refillCurrent();
    void refillTargets();
    void fillLibraries();
    /// Axes from ParetoPlane::axes with the controller's targets; rangeChanged when they moved
    /// (or `force`: a new model, whose candidate count may differ).
    void updateAxes(bool force);

    QPointer<DashboardController> m_controller;
    QPointer<QAbstractSeries> m_candidates, m_levels, m_current, m_latencyTarget, m_minAccuracy;
    std::vector<QPointer<QAbstractSeries>> m_librarySeries;
    ParetoPlane m_plane;
    double m_latencyAxisMax = 1, m_accuracyAxisMin = 0, m_accuracyAxisMax = 100;
    QString m_currentText;
    int m_currentLibrary = -1;
    QString m_highlightedLibrary;
};

}  // namespace dofa
