// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/clock.h"
#include "runtime/decision_history.h"
#include "runtime/policy.h"
#include "runtime/sample_window.h"

namespace dofa {

/// One managed model: its level table and its initial targets.
struct ManagedModel
{
    std::string name;
    LevelTable table;
    Targets targets;
};

/// Construction settings of a RuntimeManager (RuntimeManager::Options).
struct RuntimeManagerOptions
{
    int historyCapacity = 256;        ///< decisions kept for the GUI
    int powerWindow = 16;             ///< board power samples averaged for the policies
    Clock clock;                      ///< steady ns; steadyClock() when empty
    LatencyModelConfig latencyModel;  ///< how each model's level latencies are learnt
};

/// Targets in, decisions out: the runtime-management layer. It owns one Policy (switchable at run
/// time), feeds it observed frames and power, keeps the current level and operating point of each
/// model, and records every decision, with its reason, in a bounded history.
///
/// It also learns what each model's levels really take (one LevelLatencyModel per model, the
/// profile as prior): every frame goes into it, for the frame's level and the operating point it
/// ran at, before the policy sees the frame, and policies read it through ModelState::latency.
/// It outlives policy switches: what was learnt is about the device, not about a policy. The
/// manager's clock (not FrameObservation::tNs) times the records, the same clock the policies
/// are given, so that freshness is judged on one time base.
///
/// Threading contract. The manager belongs to one thread, the inference worker: the constructor,
/// observe(), observePower(), poll(), setPolicy() and the level getters are called there only.
/// Two things may be called from any thread:
/// - setTargets() / targets(): the new targets are stored under a mutex and flagged with an
///   atomic; the worker picks them up at its next observe() or poll() and re-evaluates at once,
///   before the frame is judged (a GUI slider takes effect on the next frame).
/// - history() / decisionCount(): DecisionHistory has its own mutex.
/// The per-frame path (observe with no new targets and no decision) takes no lock and does not
/// allocate; a decision allocates its reason text.
class RuntimeManager
{
public:
    using Options = RuntimeManagerOptions;

    /// One model. Evaluates at once (DecisionCause::Start). Throws std::invalid_argument when the
    /// policy is null.
    RuntimeManager(LevelTable table, Targets targets, std::unique_ptr<Policy> policy,
                   Options options = {});
    /// Several models (the joint policy). Throws std::invalid_argument when there are none, or
    /// more than the policy handles.
    RuntimeManager(std::vector<ManagedModel> models, std::unique_ptr<Policy> policy,
                   Options options = {});
    RuntimeManager(const RuntimeManager&) = delete;
    RuntimeManager& operator=(const RuntimeManager&) = delete;

    /// One frame. Applies pending targets first. Returns true when any model's level or operating
    /// point changed (the caller then applies level(m) / operatingPoint(m)).
    bool observe(const FrameObservation& frame);
    /// One board power sample (the sampler's readings, forwarded to the worker).
    void observePower(const PowerObservation& sample);
    /// Applies pending targets without a frame; true when something changed.
    bool poll();
    /// Hands over to another policy, which evaluates at once (DecisionCause::PolicySwitch).
    /// Throws std::invalid_argument when it is null or handles fewer models.
    void setPolicy(std::unique_ptr<Policy> policy);

    /// Any thread.
    void setTargets(const Targets& targets, int model = 0);
    /// Any thread: the latest targets set (applied or pending).
    [[nodiscard]] Targets targets(int model = 0) const;
    /// Any thread: oldest first.
    [[nodiscard]] std::vector<Decision> history() const { return m_history.snapshot(); }
    /// Any thread: decisions recorded so far, including those the history dropped.
    [[nodiscard]] std::uint64_t decisionCount() const { return m_history.total(); }

    [[nodiscard]] int modelCount() const { return static_cast<int>(m_models.size()); }
    [[nodiscard]] const LevelTable& table(int model = 0) const { return *m_models.at(model).table; }
    [[nodiscard]] const std::string& modelName(int model = 0) const { return m_names.at(model); }
    [[nodiscard]] int level(int model = 0) const { return m_models.at(model).level; }
    /// -1: none chosen (knobs left as they are).
    [[nodiscard]] int operatingPoint(int model = 0) const
    {
        return m_models.at(model).operatingPoint;
    }
    [[nodiscard]] Policy& policy() { return *m_policy; }
    [[nodiscard]] const Policy& policy() const { return *m_policy; }
    /// What has been learnt of a model's level latencies (worker thread only, like level()).
    [[nodiscard]] const LevelLatencyModel& latencyModel(int model = 0) const
    {
        return m_latency.at(static_cast<std::size_t>(model));
    }
    /// Mean of the recent power samples taken since the last change; nullopt with fewer than 3.
    [[nodiscard]] std::optional<double> observedPowerMw() const;

private:
    /// Full re-evaluation by the policy; true when something changed.
    bool evaluate(DecisionCause cause);
    /// Records a decision per model whose choice changed (every model for non-frame causes) and
    /// applies the selections. True when something changed.
    bool commit(DecisionCause cause);
    void resetSelections();
    bool applyPendingTargets();
    /// The frame into its model's latency records.
    void learn(const FrameObservation& frame, std::int64_t nowNs);

    std::vector<LevelTable> m_tables;  ///< owned here; ModelState points into it
    std::vector<std::string> m_names;
    std::vector<LevelLatencyModel> m_latency;  ///< per model; ModelState points into it
    std::vector<ModelState> m_models;          ///< the worker's copy of targets and choices
    /// Per model, the choice before the current one: a frame still at that level (a switch not
    /// yet applied) ran at that operating point.
    std::vector<int> m_previousLevel;
    std::vector<int> m_previousPoint;
    std::vector<Selection> m_selections;
    std::unique_ptr<Policy> m_policy;
    Clock m_clock;
    SampleWindow m_power;
    DecisionHistory m_history;

    mutable std::mutex m_targetsMutex;
    std::vector<Targets> m_pendingTargets;  ///< guarded by m_targetsMutex
    std::atomic<bool> m_targetsDirty{false};
};

}  // namespace dofa
