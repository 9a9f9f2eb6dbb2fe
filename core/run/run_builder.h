// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "model/compute_device.h"
#include "model/level_backend.h"
#include "platform/platform_mode.h"
#include "runtime/targets.h"
#include "search/profile.h"
#include "sources/source_factory.h"

namespace dofa {

class InferencePipeline;
class LatestFrameSource;
class Platform;
class Policy;
class RuntimeManager;
struct ModelFile;

/// The policies a person chooses by name: "lookup", "reactive" or "energy". Throws
/// std::invalid_argument naming the choices for any other name.
std::unique_ptr<Policy> policyFromName(const std::string& name);

/// Everything a run is built from: what `dofa run`'s options and the dashboard's controls set.
/// The model file and profile are read (and the profile checked against the model) before.
struct RunConfig
{
    std::shared_ptr<const ModelFile> model;
    std::string modelPath;
    Profile profile;
    std::string source = "dataset:test";  ///< a SourceSpec
    /// Dataset folder and pacing; the class names are the model's (filled by the builder).
    SourceOptions sourceOptions;
    /// The source behind a LatestFrameSource capture thread that keeps only the newest frame
    /// (the dashboard: a live view drops frames instead of falling behind).
    bool latestFrameOnly = false;
    int threads = 2;  ///< intra-op threads, set on the thread that builds and steps the run
    ComputeDevice device;
    LevelBackend backend = LevelBackend::Torch;
    int cacheCapacity = 0;  ///< levels kept extracted (0: all)
    std::string policy = "reactive";
    Targets targets;
    /// A second lane (same model and profile, its own source) with this latency target; the
    /// levels are then chosen jointly (JointPolicy) and `policy` is not used.
    std::optional<double> secondLatencyMs;
    PlatformMode platform = PlatformMode::Discover;
    std::string platformRoot = "/";  ///< the sysfs root Discover reads (tests: a fixture tree)
    /// No management: the level stays as the lookup table picks it at start and every CPU
    /// policy's governor is set to this one (restored when the run ends).
    std::optional<std::string> governor;
};

/// A built run. Members are destroyed in reverse order: the pipeline (joins its lanes, restores
/// every knob of the run) before the manager it drives and the platform it writes.
struct BuiltRun
{
    BuiltRun();
    BuiltRun(BuiltRun&&) noexcept;
    /// Ends this run first (reset()), then takes `other`'s.
    BuiltRun& operator=(BuiltRun&& other) noexcept;
    ~BuiltRun();
    /// Ends the run: the pipeline, then the manager, then the platform.
    void reset();

    std::unique_ptr<Platform> platform;  ///< null for PlatformMode::None
    std::unique_ptr<RuntimeManager> manager;
    std::unique_ptr<InferencePipeline> pipeline;
    /// Lane 0's source when RunConfig::latestFrameOnly (owned by the pipeline), else null.
    LatestFrameSource* latest = nullptr;
    /// The SIMULATED board's energy policy also chooses the CPU clock: the level tables carry
    /// the board's operating points.
    bool simulatedClock = false;
};

/// The choices of `config` that need nothing opened: a governor's name and its platform, and the
/// policy's name where one lane's policy is chosen by name. Throws std::invalid_argument whose
/// message starts with the field's name as `dofa run` spells its option ("governor 'turbo':
/// expected ...", "policy 'x': ..."). buildRun calls it first.
void checkRunChoices(const RunConfig& config);

/// The one place a run is put together, for both faces: `dofa run` and the dashboard's
/// LiveWorker. Sets the calling thread's intra-op threads, opens the platform, one source and
/// one DynamicModel per lane, the RuntimeManager with the policy (or the fixed level of a
/// governor run), and the InferencePipeline (with the governor written under its one
/// KnobGuard). Throws std::invalid_argument for a choice that is not one (a source spec, a
/// policy or governor name) and std::runtime_error for what cannot be opened or used; a
/// source's message names the source.
BuiltRun buildRun(const RunConfig& config);

}  // namespace dofa
