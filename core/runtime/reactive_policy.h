// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/policy.h"
#include "runtime/sample_window.h"

namespace dofa {

/// Knobs of the reactive rule; defaults suit 20–100 ms frames.
struct ReactiveConfig
{
    int windowFrames = 10;  ///< sliding window of latencies at the current level
    WindowStatistic statistic = WindowStatistic::Median;
    int minFrames = 5;                ///< frames at a level before a violation is judged
    double violationTolerance = 0.0;  ///< violation: statistic > target × (1 + tolerance)
    double upMargin = 0.05;           ///< slack: next level predicted ≤ target × (1 − margin)
    int upWindows = 3;                ///< consecutive slack windows before stepping up
};

/// Feedback control of the level from observed latency, for a device shared with other programs.
///
/// Predictions. What a level is predicted to take comes from the manager's LevelLatencyModel
/// (ModelState::latency): the level's own recent record when it has one, else its profile scaled
/// by what the levels with records were seen to take, else the profile. Slowdowns are not uniform
/// (small levels slow most when paced frames let the processor idle, large ones under a
/// co-runner), so one factor measured at the running level would mispredict the others.
///
/// The rule. Latencies of frames at the current level fill a sliding window (cleared on a level
/// change); its statistic (p50 by default) is compared with the latency target.
/// - Step down: once `minFrames` frames ran at the level and the statistic exceeds the target,
///   go straight to the most accurate allowed level predicted to fit (several levels at once when
///   the predictions say so), else to the fastest allowed level. With the defaults a sudden
///   slowdown is corrected 5–6 frames after it starts.
/// - Step up: at the end of each full window (non-overlapping), if the next allowed level up is
///   predicted to fit under target × (1 − upMargin), count a slack window, else reset the count;
///   after `upWindows` in a row go to the most accurate level predicted to fit under that bound.
/// - No oscillation, without blocks or cool-downs: a level that just failed has its own record
///   saying it is too slow, so a step up to it is judged on that record and not taken while it
///   holds. The record is forgotten when conditions change (a load change seen at the running
///   level drops every other record) or when it goes stale (LatencyModelConfig::maxAgeMs): then
///   the level is predicted by scaling again and may be tried once more.
/// - New targets, or taking over from another policy: re-evaluated at once on the same
///   predictions, without the up-margin. New targets do not erase what was learnt.
/// - Mapping (a table with level libraries, LevelTable::libraries): the model runs in one
///   library at a time, at each level's fastest point there. A decision at start or on new
///   targets picks the most accurate fitting level over every library (ties: where it runs
///   now). On a violation, another library whose most accurate fitting level beats what fits
///   here takes the model: a program on this mapping's cores slows its records, not those of a
///   mapping on other cores. Steps up stay in the library, and the one left behind keeps its
///   slow record, so there is no ping-pong; the reason names both libraries.
/// Every reason says which numbers it used (learned record, scaled profile or profile). The
/// accuracy floor and a profiled power over the power target exclude levels; when no level
/// reaches the floor, it is ignored (and the reason says so). Frames whose level is not the
/// current one (a switch not yet applied) are ignored. One model only. Without mappings it runs
/// each level's own profile (operating point -1).
class ReactivePolicy : public Policy
{
public:
    explicit ReactivePolicy(ReactiveConfig config = {});

    [[nodiscard]] const char* name() const override { return "reactive"; }
    void evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out) override;
    bool observe(const PolicyInput& in, const FrameObservation& frame,
                 std::vector<Selection>& out) override;

    [[nodiscard]] const ReactiveConfig& config() const { return m_config; }
    /// The current level's predicted latency over its profile at the last frame (its learned
    /// record when it has one); 1 before anything is learnt.
    [[nodiscard]] double slowdown() const { return m_slowdown; }
    /// Frames that ran at another level than the current one.
    [[nodiscard]] std::int64_t ignoredFrames() const { return m_ignoredFrames; }

private:
    /// The point a library runs `level` at: -1 in "as configured" (the knobs as they are), else
    /// the library's fastest point of it (the reactive rule leaves clocks at their top).
    static int pointOf(const LevelTable& table, int library, int level);
    /// Whether the model may be placed in `library`: a mapping when the table has any, else "as
    /// configured"; only one with levels. Allocation-free.
    static bool choosable(const LevelTable& table, int library);
    /// "level 3" or "level 3 @ 1 thread, core 1". Allocates: reasons only.
    static std::string where(const LevelTable& table, int library, int level);
    /// Allowed by the targets and on the library's front.
    [[nodiscard]] bool usable(const LevelTable& table, int library, int level) const;
    [[nodiscard]] double predicted(const ModelState& model, int library, int level,
                                   std::int64_t nowNs) const;
    /// Most accurate usable level of `library` in [first, last] predicted to fit under
    /// `limitMs`; -1: none.
    int bestFitting(const ModelState& model, int library, int first, int last, double limitMs,
                    std::int64_t nowNs) const;
    [[nodiscard]] int fastestAllowed(const LevelTable& table, int library) const;
    bool stepDown(const PolicyInput& in, double stat, double target, Selection& out);
    bool stepUp(const PolicyInput& in, double stat, double target, Selection& out);
    /// "; conditions changed at level 2 (…): other records dropped" once per load change the
    /// latency model saw since the last decision; empty otherwise. Allocates: decisions only.
    std::string changeNote(const ModelState& model);

    ReactiveConfig m_config;
    SampleWindow m_window;
    std::vector<char> m_allowed;  ///< per level, from the floor and power target (evaluate)
    std::string m_allowedNote;    ///< why the floor or power target was dropped, for reasons
    int m_windowLevel = -1;
    int m_windowPoint = -1;
    int m_framesAtLevel = 0;
    int m_slackWindows = 0;
    double m_slowdown = 1.0;
    std::int64_t m_ignoredFrames = 0;
    std::uint64_t m_changesTold = 0;  ///< latency-model load changes already told in a reason
};

}  // namespace dofa
