// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/level_latency_model.h"
#include "runtime/level_table.h"
#include "runtime/targets.h"

namespace dofa {

/// One (level, operating point) pair with what the table predicts for it; the common currency of
/// the table-driven policies (lookup, energy).
struct Candidate
{
    int level = 0;
    int operatingPoint = -1;  ///< -1: the level's own profile (the table has no points for it)
    int library = 0;          ///< LevelTable::libraryOf(level, operatingPoint)
    double top1 = 0;
    double latencyMs = 0;  ///< profiled latency, or as learnt (applyLearnedLatency)
    std::optional<double> powerMw;
    std::optional<double> energyMj;  ///< scaled with the latency: same power for longer
    LatencySource source = LatencySource::Prior;  ///< where latencyMs came from
};

/// Every pair of the table: one per operating point, or the level itself when it has none; a
/// point only where its level is on its library's front (LevelTable::offered), so that a choice
/// of pair is a choice of (library, level, operating point).
std::vector<Candidate> enumerateCandidates(const LevelTable& table);
/// The same pairs with their latencies as `latency` predicts them at `nowNs` (learned record,
/// scaled profile or profile, see applyLearnedLatency); the profile's when it is null.
std::vector<Candidate> enumerateCandidates(const LevelTable& table,
                                           const LevelLatencyModel* latency, std::int64_t nowNs);
/// Rewrites a profiled candidate's latency with what `latency` predicts for its pair, and its
/// energy by the same ratio; records the source. No-op without a model. Allocation-free.
void applyLearnedLatency(Candidate& candidate, const LevelLatencyModel* latency,
                         std::int64_t nowNs);

/// Which targets a candidate meets. An unset target is met. An unknown power counts as meeting the
/// power target (it cannot be checked; describeCandidate says "power not profiled") so that a
/// board without sensors is not forced to its fastest level by a power slider.
struct TargetCheck
{
    bool accuracy = true;
    bool latency = true;
    bool power = true;
    [[nodiscard]] bool all() const { return accuracy && latency && power; }
};
TargetCheck checkTargets(const Candidate& candidate, const Targets& targets);

/// True when `a` beats `b` under `objective`. Ties: most accurate breaks energy and latency ties,
/// lower energy (known beats unknown) then lower latency break accuracy ties.
bool betterFor(Objective objective, const Candidate& a, const Candidate& b);

/// Index of the best candidate meeting every target, or -1.
int bestMeetingTargets(const std::vector<Candidate>& candidates, const Targets& targets,
                       Objective objective);

/// When nothing meets every target: the fastest candidate meeting the accuracy floor and the
/// power target, else the fastest meeting the floor, else the fastest. Writes which rule applied
/// into `rule` when given ("fastest meeting accuracy ≥ 76 %"); allocation-free without it, so
/// that per-frame checks can call it.
int fallbackCandidate(const std::vector<Candidate>& candidates, const Targets& targets,
                      std::string* rule = nullptr);

/// "level 3 @ GPU 624 MHz (77.5 %, 51.1 ms, 4.20 W, 215 mJ)".
std::string describeCandidate(const LevelTable& table, const Candidate& candidate);

/// "level 5 to 3", "start at level 3", "stays at level 3", with operating points when set.
std::string describeTransition(const LevelTable& table, int fromLevel, int fromPoint, int toLevel,
                               int toPoint);

}  // namespace dofa
