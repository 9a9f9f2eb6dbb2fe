// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/policy.h"
#include "runtime/sample_window.h"

namespace dofa {

/// Knobs of the joint policy.
struct JointConfig
{
    int windowFrames = 10;  ///< per model, latencies at its current level
    WindowStatistic statistic = WindowStatistic::Median;
    int minFrames = 5;          ///< frames at a level before its statistic is used
    double interference = 0.0;  ///< γ of the contention model (see JointPolicy)
    double upMargin = 0.05;  ///< a model moving up must be predicted ≤ target × (1 − margin)
    int evaluateEveryFrames = 60;          ///< periodic re-search (frames of all models), for slack
    std::int64_t exhaustiveLimit = 20736;  ///< combinations searched exhaustively (12^4)
    std::int64_t coolDownMs = 5000;  ///< a model's level that just failed is blocked this long...
    std::int64_t maxCoolDownMs = 60000;  ///< ...doubling, up to this, each time it fails again
};

/// Several dynamic models on one device, their levels chosen together: every model must meet its
/// own latency target and accuracy floor, and the total top-1 is maximised (ties: less total
/// predicted latency).
///
/// Contention model: model m at level j_m, with the others at levels j_k, is predicted to take
///   profiled_m(j_m) × (c_m(j_m) + γ Σ_{k≠m} u_k(j_k)),   u_k(j) = profiled_k(j) / profiled_k(0),
/// i.e. its own profile, slowed by a base factor c_m(j) plus an interference term that grows with
/// how heavy the other models' levels are. The base factor is per level, from the manager's
/// latency model (ModelState::latency): a level's learnt latency (its own record, else its
/// profile scaled by the levels with records) is taken as measured beside the others' current
/// levels, c_m(j) = learnt/profiled − γ Σ u_k(current); with nothing learnt c_m(j) = 1 (profiles
/// are measured alone). Slowdowns differ per level (a small frame can fit in a scheduler slice
/// that a large one cannot), so one factor per model would mispredict the levels it does not run.
/// With γ = 0 a level is predicted at exactly its learnt latency.
///
/// Search: exhaustive over the combinations of allowed levels up to `exhaustiveLimit`, else
/// greedy (all at their fastest, then repeatedly the single-model upgrade with the largest
/// accuracy gain that keeps every model within target). Run at start, on new targets (at once),
/// when a model's statistic exceeds its target (at most once per `minFrames` frames), and every
/// `evaluateEveryFrames` frames; in the last two cases a model moving up needs the up-margin, which
/// keeps the choice from flapping. A model moved down because it missed its target may not go
/// back to the failed level (or above) in those searches for `coolDownMs`, doubled (up to
/// `maxCoolDownMs`) when the level fails again within a cool-down of its block's end: a
/// prediction that was just proved wrong is tried less and less often, not every period.
/// When no combination qualifies every model runs its fastest allowed level and the reason says
/// so. The power target is not used (the board budget is shared; use the energy policy per
/// model).
class JointPolicy : public Policy
{
public:
    static constexpr int kMaxModels = 8;

    explicit JointPolicy(JointConfig config = {});

    [[nodiscard]] const char* name() const override { return "joint"; }
    [[nodiscard]] int maxModels() const override { return kMaxModels; }
    void evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out) override;
    bool observe(const PolicyInput& in, const FrameObservation& frame,
                 std::vector<Selection>& out) override;

    /// Base slowdown c_m of each model at its current level, as the last search used it (1 until
    /// something is learnt).
    [[nodiscard]] const std::vector<double>& baseSlowdowns() const { return m_base; }
    /// Whether the last search was exhaustive (false: greedy).
    [[nodiscard]] bool lastSearchExhaustive() const { return m_lastExhaustive; }

private:
    [[nodiscard]] double predictedMs(const std::vector<ModelState>& models,
                                     const std::vector<int>& combo, int m) const;
    [[nodiscard]] bool feasible(const std::vector<ModelState>& models,
                                const std::vector<int>& combo, bool withMargin) const;
    [[nodiscard]] double score(const std::vector<ModelState>& models,
                               const std::vector<int>& combo) const;
    [[nodiscard]] double totalPredictedMs(const std::vector<ModelState>& models,
                                          const std::vector<int>& combo) const;
    /// Best combination into m_best; false when none is feasible. Allocation-free.
    bool search(const std::vector<ModelState>& models, bool withMargin);
    bool searchExhaustive(const std::vector<ModelState>& models, bool withMargin);
    bool searchGreedy(const std::vector<ModelState>& models, bool withMargin);
    /// c_m(j) of every model and level from the latency models, for the search. Allocation-free.
    void refreshBases(const std::vector<ModelState>& models);
    void writeDecision(const std::vector<ModelState>& models, bool found, const std::string& why,
                       std::vector<Selection>& out) const;

    JointConfig m_config;
    std::vector<SampleWindow> m_windows;
    std::vector<int> m_windowLevel;
    std::vector<int> m_framesAtLevel;
    std::vector<double> m_base;                             ///< c_m at each model's current level
    std::vector<std::vector<double>> m_levelBase;           ///< c_m(j) per model and level
    std::vector<std::vector<LatencySource>> m_levelSource;  ///< where c_m(j) came from
    std::vector<double> m_stat;                             ///< last statistic per model, 0: none
    std::vector<std::vector<char>> m_allowed;               ///< per model and level (floor)
    std::vector<int> m_combo;                               ///< scratch
    std::vector<int> m_best;                                ///< result of search()
    /// Per model and level: a failed level is blocked until then (and every level above it).
    std::vector<std::vector<std::int64_t>> m_blockUntilNs;
    std::vector<std::vector<std::int64_t>> m_coolDownNs;  ///< per model and level, last used
    std::int64_t m_nowNs = 0;  ///< of the observation being handled (feasible() reads it)
    int m_framesSinceSearch = 0;
    bool m_lastExhaustive = true;
    std::int64_t m_combinations = 0;  ///< of the last search
};

}  // namespace dofa
