// SPDX-License-Identifier: MIT
#include "pareto_plane.h"

#include <algorithm>
#include <cmath>

#include "live/live_profile.h"
#include "runtime/level_table.h"

namespace dofa {

namespace {

bool isSet(double v)
{
    return std::isfinite(v) && v > 0;
}

/// Room beyond the slowest point or the target: points on the frame's edge are hard to see.
constexpr double kLatencyMargin = 1.08;
/// Accuracy margin: 8 % of the range the points span, at least half a percentage point.
constexpr double kAccuracyMarginShare = 0.08;
constexpr double kAccuracyMarginMin = 0.5;

}  // namespace

QList<QPointF> ParetoAxes::latencyLine(double targetMs) const
{
    if (!isSet(targetMs)) {
        return {};
    }
    return {{targetMs, accuracyMin}, {targetMs, accuracyMax}};
}

QList<QPointF> ParetoAxes::accuracyLine(double minAccuracy) const
{
    if (!isSet(minAccuracy)) {
        return {};
    }
    return {{0, minAccuracy}, {latencyMaxMs, minAccuracy}};
}

ParetoPlane::ParetoPlane(const LiveProfile& profile)
{
    auto extend = [this](const QPointF& p) {
        m_maxMs = std::max(m_maxMs, p.x());
        m_minTop1 = std::min(m_minTop1, p.y());
        m_maxTop1 = std::max(m_maxTop1, p.y());
    };
    for (const LiveProfileLevel& level : profile.levels) {
        m_levels << QPointF(level.latency.p50, level.top1);
        extend(m_levels.back());
    }
    for (const ProfileCandidate& c : profile.candidates) {
        m_candidates << QPointF(c.latencyMs, c.top1);
        extend(m_candidates.back());
    }
    // Library 0 is "as configured": every level's own profile, which m_levels already is.
    for (const LiveLevelLibrary& library : profile.libraries) {
        if (library.name == LevelTable::kAsConfigured) {
            continue;
        }
        ParetoLine line;
        line.name = QString::fromStdString(library.name);
        for (const LiveLibraryLevel& member : library.members) {
            line.points << QPointF(member.latency.p50, member.top1);
            line.levels << member.level;
            extend(line.points.back());
        }
        m_libraries.push_back(std::move(line));
    }
}

int ParetoPlane::libraryIndex(const QString& name) const
{
    for (int k = 0; k < static_cast<int>(m_libraries.size()); ++k) {
        if (m_libraries[static_cast<std::size_t>(k)].name == name) {
            return k;
        }
    }
    return -1;
}

QString ParetoPlane::highlightedLibrary(int level, const QString& library) const
{
    if (m_libraries.empty() || level < 0 || level >= m_levels.size()) {
        return {};
    }
    if (library == QLatin1String(LevelTable::kAsConfigured) || libraryIndex(library) >= 0) {
        return library;
    }
    return {};
}

std::optional<QPointF> ParetoPlane::currentPoint(int level, const QString& library) const
{
    if (level < 0 || level >= m_levels.size()) {
        return std::nullopt;
    }
    const int k = libraryIndex(library);
    if (k >= 0) {
        const ParetoLine& line = m_libraries[static_cast<std::size_t>(k)];
        const int at = line.levels.indexOf(level);
        if (at >= 0) {
            return line.points[at];
        }
    }
    return m_levels[level];
}

ParetoAxes ParetoPlane::axes(double latencyTargetMs, double minAccuracy) const
{
    ParetoAxes a;
    double maxMs = m_maxMs;
    if (isSet(latencyTargetMs)) {
        maxMs = std::max(maxMs, latencyTargetMs);
    }
    a.latencyMaxMs = maxMs > 0 ? maxMs * kLatencyMargin : 1.0;

    double lo = m_minTop1, hi = m_maxTop1;
    if (isSet(minAccuracy)) {
        lo = std::min(lo, minAccuracy);
        hi = std::max(hi, minAccuracy);
    }
    if (hi < lo) {  // no point and no line: the whole scale
        return a;
    }
    const double pad = std::max(kAccuracyMarginMin, (hi - lo) * kAccuracyMarginShare);
    a.accuracyMin = std::max(0.0, std::floor(lo - pad));
    a.accuracyMax = std::min(100.0, std::ceil(hi + pad));
    return a;
}

}  // namespace dofa
