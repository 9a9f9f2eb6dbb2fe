// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/decision.h"
#include "runtime/level_latency_model.h"
#include "runtime/level_table.h"
#include "runtime/observation.h"
#include "runtime/targets.h"

namespace dofa {

/// What a policy sees of one model: its table, its targets, what it runs now and what its levels
/// were seen to take.
struct ModelState
{
    const LevelTable* table = nullptr;
    Targets targets;
    int level = -1;           ///< -1 before the first decision
    int operatingPoint = -1;  ///< -1: none chosen, knobs left as they are
    /// Learnt latencies, fed by the manager with every frame before the policy sees it; null:
    /// the profile only (predictLatency() handles both).
    const LevelLatencyModel* latency = nullptr;
};

/// `model`'s predicted latency of (level, operating point): from its latency model when it has
/// one, else the profile (LatencySource::Prior). Allocation-free.
LatencyPrediction predictLatency(const ModelState& model, int level, int operatingPoint,
                                 std::int64_t nowNs);
/// The text of that prediction for reasons ("level 2: profile 13.6 ms" without a model).
std::string describeLatency(const ModelState& model, int level, int operatingPoint,
                            std::int64_t nowNs);

/// What a policy wants for one model. The manager pre-fills it with the current choice and an
/// empty reason; a policy changes what it decides and says why.
struct Selection
{
    int level = -1;
    int operatingPoint = -1;
    std::string reason;
};

/// Everything a policy may read when it decides.
struct PolicyInput
{
    std::int64_t nowNs = 0;
    const std::vector<ModelState>& models;
    std::optional<double> observedPowerMw;  ///< mean of recent board power samples, if any
};

/// A decision rule. Policies keep their own state (windows, blocks) and are driven by the
/// RuntimeManager from its one thread; they are not thread-safe.
class Policy
{
public:
    virtual ~Policy() = default;
    /// "lookup", "reactive", "joint", "energy": shown in every decision.
    [[nodiscard]] virtual const char* name() const = 0;
    /// How many models it can manage together (1 except for the joint policy).
    [[nodiscard]] virtual int maxModels() const { return 1; }
    /// A full decision from what is known, at start, on new targets and when this policy takes
    /// over. Must set a level for every model in `out` (sized like `in.models`) with a reason.
    /// May allocate: it runs only on those events.
    virtual void evaluate(const PolicyInput& in, DecisionCause cause,
                          std::vector<Selection>& out) = 0;
    /// One observed frame of model `frame.model`. Returns true when it changes `out` (with a
    /// reason). Runs per frame: must not allocate when it returns false, O(window) at most.
    virtual bool observe(const PolicyInput& in, const FrameObservation& frame,
                         std::vector<Selection>& out) = 0;
};

}  // namespace dofa
