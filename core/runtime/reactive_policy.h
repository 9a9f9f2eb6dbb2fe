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
    std::int64_t coolDownMs = 5000;   ///< a level that just failed is blocked this long...
    std::int64_t maxCoolDownMs = 60000;  ///< ...doubling, up to this, each time it fails again
    double clearChange = 0.25;           ///< a slowdown drop of this fraction lifts a block early
};

/// Feedback control of the level from observed latency, for a device shared with other programs.
///
/// The rule. Latencies of frames at the current level fill a sliding window; its statistic
/// (p50 by default) divided by the level's profiled mean is the slowdown factor s, and level j is
/// predicted to take profiled(j) × s.
/// - Step down: once `minFrames` frames ran at the level and the statistic exceeds the target,
///   go straight to the most accurate level predicted to fit (several levels at once when s says
///   so), else to the fastest allowed level. s is taken from the worse of the window and its
///   newest `minFrames` frames, since right after a sudden change the window median still mixes
///   both regimes. With the defaults a sudden slowdown is corrected 5–6 frames after it starts.
/// - Step up: at the end of each full window (non-overlapping), if the next level up is predicted
///   to fit under target × (1 − upMargin), count a slack window, else reset the count; after
///   `upWindows` in a row go to the most accurate level predicted to fit under that bound.
/// - No oscillation: stepping down from level L blocks levels ≥ L for `coolDownMs`, doubled
///   (up to `maxCoolDownMs`) each time L fails again. The block lifts early when conditions clearly
///   change: the slowdown falls by `clearChange` below what the first full window at the lower
///   level measured (the co-runner left), or the targets change.
/// - New targets, or taking over from another policy: re-evaluated at once with the last slowdown
///   estimate (1 before any), without the up-margin; blocks are cleared.
/// The accuracy floor and a profiled power over the power target exclude levels; when no level
/// reaches the floor, it is ignored (and the reason says so). Frames whose level is not the
/// current one (a switch not yet applied) are ignored. One model only.
class ReactivePolicy : public Policy
{
public:
    explicit ReactivePolicy(ReactiveConfig config = {});

    [[nodiscard]] const char* name() const override { return "reactive"; }
    void evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out) override;
    bool observe(const PolicyInput& in, const FrameObservation& frame,
                 std::vector<Selection>& out) override;

    [[nodiscard]] const ReactiveConfig& config() const { return m_config; }
    /// Last observed/profiled latency ratio of the current level; 1 before any observation.
    [[nodiscard]] double slowdown() const { return m_slowdown; }
    /// Frames that ran at another level than the current one.
    [[nodiscard]] std::int64_t ignoredFrames() const { return m_ignoredFrames; }

private:
    /// Most accurate allowed level in [first, last] predicted to fit under `limitMs`, skipping
    /// blocked levels when `respectBlock`; -1 when none.
    int bestFitting(const LevelTable& table, int first, int last, double limitMs,
                    std::int64_t nowNs, bool respectBlock) const;
    int fastestAllowed() const;
    bool blocked(int level, std::int64_t nowNs) const;
    bool stepDown(const PolicyInput& in, double stat, double target, Selection& out);
    bool stepUp(const PolicyInput& in, double stat, double target, Selection& out);

    ReactiveConfig m_config;
    SampleWindow m_window;
    std::vector<char> m_allowed;  ///< per level, from the floor and power target (evaluate)
    std::string m_allowedNote;    ///< why the floor or power target was dropped, for reasons
    std::string m_liftNote;       ///< a block lifted early, told with the next step up
    int m_windowLevel = -1;
    int m_framesAtLevel = 0;
    int m_slackWindows = 0;
    double m_slowdown = 1.0;
    std::int64_t m_ignoredFrames = 0;
    int m_blockedLevel = -1;  ///< levels ≥ this are blocked; -1: no block
    std::int64_t m_blockUntilNs = 0;
    std::int64_t m_coolDownNs = 0;
    double m_blockBaseline = 0;  ///< slowdown of the first full window after the step; 0: not yet
};

}  // namespace dofa
