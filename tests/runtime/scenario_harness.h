// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/policy.h"
#include "runtime/runtime_manager.h"
#include "runtime_fixtures.h"

namespace dofa::test {

/// A change of a scenario, applied before frame `frame` runs.
struct ScenarioEvent
{
    int frame = 0;
    std::optional<double> targetMs;  ///< new latency target (set, then polled: applied at once)
    /// New truth: level j takes its profiled latency × factors[j]; empty: unchanged.
    std::vector<double> factors;
};

/// A device whose levels slow down by their own factors, driven frame by frame through a
/// RuntimeManager: scripted truth, injected clock, deterministic noise; nothing sleeps.
struct Scenario
{
    explicit Scenario(LevelTable levels) : table(std::move(levels)) {}

    LevelTable table;
    std::vector<ScenarioEvent> events;  ///< the first, at frame 0, sets target and factors
    int frames = 600;
    double periodMs = 0;     ///< paced source: a frame every periodMs (or when the last one ends)
    double noise = 0.02;     ///< uniform ± fraction on every frame
    int settleFrames = 100;  ///< after each event, before the steady state is judged
};

/// What happened, frame by frame.
struct ScenarioRun
{
    std::vector<int> level;  ///< the level each frame ran at
    std::vector<double> latencyMs;
    std::vector<double> targetMs;  ///< in force for that frame
    std::vector<Decision> decisions;
};

/// The most accurate level whose true (noise-free) latency fits the target: what a policy that
/// knew the truth would run.
inline int oracleLevel(const LevelTable& table, const std::vector<double>& factors, double targetMs)
{
    int best = 0;
    for (int j = 0; j < table.size(); ++j)
        if (table.latencyMs(j) * factors[static_cast<std::size_t>(j)] <= targetMs &&
            table.level(j).top1 >= table.level(best).top1)
            best = j;
    return best;
}

inline ScenarioRun runScenario(const Scenario& s, std::unique_ptr<Policy> policy,
                               std::uint64_t seed = 1, LatencyModelConfig latencyModel = {})
{
    FakeClock clock;
    RuntimeManager::Options o;
    o.clock = clock.clock();
    o.latencyModel = latencyModel;
    o.historyCapacity = 4096;
    RuntimeManager rm(s.table, latency(*s.events.front().targetMs), std::move(policy), o);
    Noise noise(seed);
    std::vector<double> factors = s.events.front().factors;
    double target = *s.events.front().targetMs;
    ScenarioRun run;
    for (int f = 0; f < s.frames; ++f) {
        for (const ScenarioEvent& e : s.events) {
            if (e.frame != f || f == 0)
                continue;
            if (!e.factors.empty())
                factors = e.factors;
            if (e.targetMs) {
                target = *e.targetMs;
                rm.setTargets(latency(target));
                rm.poll();
            }
        }
        const int level = rm.level();
        const double ms = s.table.latencyMs(level) * factors[static_cast<std::size_t>(level)] *
                          (1 + s.noise * noise.next());
        clock.advanceMs(std::max(ms, s.periodMs));
        rm.observe(FrameObservation{clock.nowNs, ms, level, 0});
        run.level.push_back(level);
        run.latencyMs.push_back(ms);
        run.targetMs.push_back(target);
    }
    run.decisions = rm.history();
    return run;
}

/// "3×200 2×5 1×395": the levels frames ran at, in runs.
inline std::string levelPath(const ScenarioRun& run)
{
    std::string out;
    for (std::size_t f = 0; f < run.level.size();) {
        std::size_t g = f;
        while (g < run.level.size() && run.level[g] == run.level[f])
            ++g;
        out += std::to_string(run.level[f]) + "×" + std::to_string(g - f) + " ";
        f = g;
    }
    return out;
}

/// Share of frames within their target.
inline double withinTargetShare(const ScenarioRun& run)
{
    int ok = 0;
    for (std::size_t f = 0; f < run.level.size(); ++f)
        ok += run.latencyMs[f] <= run.targetMs[f];
    return run.level.empty() ? 0 : double(ok) / double(run.level.size());
}

/// Frame decisions that moved down (a level that was tried and failed) in [from, to).
inline int stepDowns(const ScenarioRun& run, const Scenario& s, int from, int to)
{
    // Decisions are timed by the clock, frames by index: count the level path's downward moves
    // that were not caused by a target event at that frame.
    int n = 0;
    for (int f = std::max(from, 1); f < to && f < static_cast<int>(run.level.size()); ++f) {
        const bool event = std::any_of(s.events.begin(), s.events.end(),
                                       [f](const auto& e) { return e.frame == f && e.targetMs; });
        n += !event &&
             run.level[static_cast<std::size_t>(f)] < run.level[static_cast<std::size_t>(f - 1)];
    }
    return n;
}

}  // namespace dofa::test
