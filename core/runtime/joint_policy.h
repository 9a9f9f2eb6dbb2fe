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
/// Mapping (tables with level libraries, LevelTable::libraries): each model's choice is a
/// (library, level) pair, run at the library's fastest point of the level, and only mapping
/// libraries are offered ("as configured" is wherever the knobs leave it, which overlaps every
/// mapping); without mappings every model runs each level's own profile (point -1), as one
/// library. Why the pair is chosen jointly: two models that cannot both meet their targets on one
/// core may both run their most accurate levels on two, so the placement is worth more than a
/// level step. Hence the interference term of model k counts only when the two chosen libraries
/// contend (LevelLibrary::contends: shared cores, or either unconfined): a model pinned to core 1
/// does not slow one pinned to core 0, and one on cores 0-1 slows both. u_k stays the weight of
/// the level (its own profile over the fastest), wherever it runs: the work does not change with
/// the mapping, only where it lands. Profiles (the prior) and base factors are those of the pair's
/// point, and learnt records are taken as measured beside the others' contending placements.
/// Among combinations of equal total top-1, fewer library moves win before less latency: the same
/// levels on other cores gain no accuracy, and re-pinning on a small predicted gain would flap.
///
/// Search: exhaustive over the combinations of (library, level) choices up to `exhaustiveLimit`,
/// else greedy (all at their fastest, placed one by one where the profile with contention is
/// fastest, then repeatedly the single-model upgrade with the largest accuracy gain that keeps
/// every model within target; within a library only up the ladder, into another library at any
/// level). Run at start, on new targets (at once), when a model's statistic exceeds its target
/// (at most once per `minFrames` frames), and every `evaluateEveryFrames` frames; in the last two
/// cases a model moving up, or to another library, needs the up-margin (both rest on predictions
/// of what it does not run now), which keeps the choice from flapping. A model moved down or away
/// because it missed its target may not go back to the failed level (or above) of that library in
/// those searches for `coolDownMs`, doubled (up to `maxCoolDownMs`) when the level fails again
/// within a cool-down of its block's end: a prediction that was just proved wrong is tried less
/// and less often, not every period. Blocks are per library: a level too slow beside a program on
/// core 0 may still fit on core 1. When no combination qualifies every model runs its fastest
/// allowed choice and the reason says so. The power target is not used (the board budget is
/// shared; use the energy policy per model).
///
/// The per-frame path (observe(), including a search that changes nothing) does not allocate:
/// choices, contention between libraries and blocks are laid out by evaluate().
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

    /// Base slowdown c_m of each model at its current choice, as the last search used it (1 until
    /// something is learnt).
    [[nodiscard]] const std::vector<double>& baseSlowdowns() const { return m_base; }
    /// Whether the last search was exhaustive (false: greedy).
    [[nodiscard]] bool lastSearchExhaustive() const { return m_lastExhaustive; }

private:
    /// One choice of a model: a level in a library, at the point it runs there.
    struct Choice
    {
        int library = 0;
        int level = 0;
        int point = -1;         ///< the library's fastest point of the level; -1: own profile
        double profiledMs = 0;  ///< the point's profiled latency (the prior)
        double load = 0;        ///< u(level): its profile over the table's fastest level
    };

    [[nodiscard]] double predictedMs(const std::vector<int>& combo, int m) const;
    [[nodiscard]] bool feasible(const std::vector<ModelState>& models,
                                const std::vector<int>& combo, bool withMargin) const;
    [[nodiscard]] double score(const std::vector<ModelState>& models,
                               const std::vector<int>& combo) const;
    [[nodiscard]] double totalPredictedMs(const std::vector<int>& combo) const;
    /// Models placed in another library than the one they run in now.
    [[nodiscard]] int moves(const std::vector<int>& combo) const;
    /// Whether model m in its library a and model k in its library b share a core.
    [[nodiscard]] bool contends(int m, int a, int k, int b) const
    {
        return m_contends[static_cast<std::size_t>(m * kMaxModels + k)]
                         [static_cast<std::size_t>(a * m_libraryCount[k] + b)];
    }
    /// Index of (library, level) into the per-model blocks.
    [[nodiscard]] int blockIndex(int m, int library, int level) const
    {
        return library * m_levelCount[m] + level;
    }
    /// "level 3" or "level 3 @ 1 thread, cores 1" when the model's table has mappings. Allocates:
    /// reasons only.
    [[nodiscard]] std::string where(const std::vector<ModelState>& models, int m, int library,
                                    int level) const;
    /// Best combination into m_best; false when none is feasible. Allocation-free.
    bool search(const std::vector<ModelState>& models, bool withMargin);
    bool searchExhaustive(const std::vector<ModelState>& models, bool withMargin);
    bool searchGreedy(const std::vector<ModelState>& models, bool withMargin);
    /// c_m of every model and choice from the latency models, and where each model runs now, for
    /// the search. Allocation-free.
    void refreshBases(const std::vector<ModelState>& models);
    /// The fallback: each model, in turn, at its allowed choice that the profiles (with
    /// contention from the models placed before it) say is fastest.
    void placeFastest();
    void writeDecision(const std::vector<ModelState>& models, bool found, const std::string& why,
                       std::vector<Selection>& out) const;

    JointConfig m_config;
    std::vector<SampleWindow> m_windows;
    std::vector<int> m_windowLevel;
    std::vector<int> m_windowPoint;
    std::vector<int> m_framesAtLevel;
    std::vector<std::vector<Choice>> m_choices;  ///< per model: library by library, level order
    std::vector<int> m_libraryCount;             ///< per model: its table's libraries
    std::vector<int> m_levelCount;               ///< per model: its table's levels
    /// Per pair of models (m × kMaxModels + k): per library of m × library of k, whether they
    /// share a core.
    std::vector<std::vector<char>> m_contends;
    std::vector<int> m_currentLibrary;                       ///< per model; -1: not placed yet
    std::vector<double> m_base;                              ///< c_m at each model's current choice
    std::vector<std::vector<double>> m_choiceBase;           ///< c_m per model and choice
    std::vector<std::vector<LatencySource>> m_choiceSource;  ///< where c_m came from
    std::vector<double> m_stat;                              ///< last statistic per model, 0: none
    std::vector<std::vector<char>> m_allowed;                ///< per model and choice (floor)
    std::vector<int> m_fastest;                              ///< per model: fallback choice
    std::vector<int> m_combo;                                ///< scratch
    std::vector<int> m_best;                                 ///< result of search()
    /// Per model and (library, level) (blockIndex): a failed level is blocked until then (and
    /// every level above it in that library).
    std::vector<std::vector<std::int64_t>> m_blockUntilNs;
    std::vector<std::vector<std::int64_t>> m_coolDownNs;  ///< same layout, last used
    std::int64_t m_nowNs = 0;  ///< of the observation being handled (feasible() reads it)
    int m_framesSinceSearch = 0;
    bool m_lastExhaustive = true;
    std::int64_t m_combinations = 0;  ///< of the last search
};

}  // namespace dofa
