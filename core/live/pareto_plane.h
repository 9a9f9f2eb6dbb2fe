// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <optional>
#include <vector>

namespace dofa {

struct LiveProfile;

/// One line of the Pareto chart: a level library's front.
struct ParetoLine
{
    QString name;           ///< the library's name (LiveLevelLibrary::name), for the legend
    QList<QPointF> points;  ///< its members at (median latency ms, top-1 %), ascending level
    QList<int> levels;      ///< the level of each point
};

/// The frame of the Pareto chart: x from 0 to latencyMaxMs, y from accuracyMin to accuracyMax.
struct ParetoAxes
{
    double latencyMaxMs = 1;
    double accuracyMin = 0, accuracyMax = 100;

    /// The latency target as a vertical line across the frame; empty for 0 or NaN (no target).
    [[nodiscard]] QList<QPointF> latencyLine(double targetMs) const;
    /// The minimum accuracy as a horizontal line across the frame; empty for 0 or NaN.
    [[nodiscard]] QList<QPointF> accuracyLine(double minAccuracy) const;
    bool operator==(const ParetoAxes& o) const
    {
        return latencyMaxMs == o.latencyMaxMs && accuracyMin == o.accuracyMin &&
               accuracyMax == o.accuracyMax;
    }
    bool operator!=(const ParetoAxes& o) const { return !(*this == o); }
};

/// The accuracy/latency plane of the open profile as both front ends draw it (the widgets'
/// ParetoChartView and the kiosk's ParetoFeeder): the points and the axis ranges are computed
/// here once, so the two charts place and frame the same profile the same way. Plain data, no
/// chart types; torch-free.
///
/// Every latency is a median (p50), the candidates' excepted (the search keeps one number for
/// them). The level libraries are LiveProfile::libraries, i.e. the runtime's own derivation:
/// nothing here decides which level is on which front.
class ParetoPlane
{
public:
    ParetoPlane() = default;
    explicit ParetoPlane(const LiveProfile& profile);

    /// The candidate cloud the search saw, (latency ms, top-1 %).
    [[nodiscard]] const QList<QPointF>& candidates() const { return m_candidates; }
    /// Every level at its own profile's median latency: the front "as configured".
    [[nodiscard]] const QList<QPointF>& levels() const { return m_levels; }
    /// The fronts of the mapping libraries (the profile's libraries after "as configured"),
    /// each at its fastest point of every member level; empty when the profile sets no mapping.
    [[nodiscard]] const std::vector<ParetoLine>& libraries() const { return m_libraries; }

    /// Index into libraries() of the library named `name`; -1 for "as configured", an empty
    /// name (nothing running) or a library this profile does not have.
    [[nodiscard]] int libraryIndex(const QString& name) const;
    /// The library the charts draw bold while `level` runs in `library`: that name when it is
    /// a mapping library here or "as configured" (the levels' line); empty when no level runs,
    /// the profile has no mapping (one line only, nothing to tell apart) or the name is unknown.
    [[nodiscard]] QString highlightedLibrary(int level, const QString& library) const;
    /// Where the current-level marker goes: on the running library's line when `level` is a
    /// member there, else at the level's own point; nullopt when no level runs.
    [[nodiscard]] std::optional<QPointF> currentPoint(int level, const QString& library) const;

    /// The frame: every point, plus the lines that must stay in view (a latency target beyond
    /// the slowest point, a minimum accuracy below the least accurate one; 0 or NaN: none),
    /// with a margin. Both charts call this with the targets in force.
    [[nodiscard]] ParetoAxes axes(double latencyTargetMs, double minAccuracy) const;

private:
    QList<QPointF> m_candidates, m_levels;
    std::vector<ParetoLine> m_libraries;
    double m_maxMs = 0, m_minTop1 = 100, m_maxTop1 = 0;  ///< over every point; m_maxMs 0: none
};

}  // namespace dofa
