// SPDX-License-Identifier: MIT
#include "run/run_builder.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "run/inference_pipeline.h"
#include "run/simulated_operating_points.h"
#include "runtime/energy_policy.h"
#include "runtime/fixed_level_policy.h"
#include "runtime/joint_policy.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "sources/frame_source.h"
#include "sources/latest_frame_source.h"
#include "sources/source_spec.h"
#include "supernet/model_file.h"

namespace dofa {

std::unique_ptr<Policy> policyFromName(const std::string& name)
{
    if (name == "lookup") {
        return std::make_unique<LookupTablePolicy>();
    }
    if (name == "reactive") {
        return std::make_unique<ReactivePolicy>();
    }
    if (name == "energy") {
        return std::make_unique<EnergyPolicy>();
    }
    throw std::invalid_argument("policy '" + name + "': expected lookup, reactive or energy");
}

BuiltRun::BuiltRun() = default;
BuiltRun::BuiltRun(BuiltRun&&) noexcept = default;
BuiltRun::~BuiltRun() = default;  // members in reverse: pipeline, manager, platform

BuiltRun& BuiltRun::operator=(BuiltRun&& other) noexcept
{
    if (this != &other) {
        reset();
        platform = std::move(other.platform);
        manager = std::move(other.manager);
        pipeline = std::move(other.pipeline);
        latest = std::exchange(other.latest, nullptr);
        simulatedClock = other.simulatedClock;
    }
    return *this;
}

void BuiltRun::reset()
{
    pipeline.reset();
    manager.reset();
    platform.reset();
    latest = nullptr;
    simulatedClock = false;
}

namespace {

std::unique_ptr<Platform> openPlatform(const RunConfig& config)
{
    if (config.platform == PlatformMode::None) {
        return nullptr;
    }
    Platform::Options options;
    options.root = config.platformRoot;
    // app.threads: the intra-op threads of the thread that steps the run (the builder's).
    options.threadCountGetter = [] { return at::get_num_threads(); };
    options.threadCountSetter = [](int n) { setInferenceThreads(n); };
    return std::make_unique<Platform>(config.platform == PlatformMode::Simulated
                                          ? Platform::simulated(nullptr, options)
                                          : Platform::discover(options));
}

std::unique_ptr<FrameSource> openLaneSource(const RunConfig& config)
{
    SourceSpec spec;
    try {
        spec = SourceSpec::parse(config.source);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("source '" + config.source + "': " + e.what());
    }
    SourceOptions options = config.sourceOptions;
    options.classNames = config.model->classNames();
    try {
        return openSource(spec, options);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("source '" + config.source + "' did not open: " + e.what());
    }
}

/// Every CPU policy's governor knob ("cpu.<policy>.governor"): the model may run on any core.
std::vector<std::shared_ptr<Knob>> governorKnobs(const Platform& platform)
{
    std::vector<std::shared_ptr<Knob>> knobs;
    for (const auto& knob : platform.knobs()) {
        const std::string& id = knob->info().id;
        if (id.rfind("cpu.", 0) == 0 && id.size() > 9 &&
            id.compare(id.size() - 9, 9, ".governor") == 0) {
            knobs.push_back(knob);
        }
    }
    return knobs;
}

std::unique_ptr<Policy> runPolicy(const RunConfig& config, const Platform* platform, int lanes)
{
    if (config.governor) {
        return std::make_unique<FixedLevelPolicy>(
            "the clocks are left to the " + *config.governor + " governor" +
            (platform->isSimulated() ? " (SIMULATED model)" : ""));
    }
    if (lanes > 1) {
        return std::make_unique<JointPolicy>();
    }
    return policyFromName(config.policy);
}

}  // namespace

void checkRunChoices(const RunConfig& config)
{
    if (config.governor) {
        if (!SimulatedGovernor::fromName(*config.governor)) {
            throw std::invalid_argument("governor '" + *config.governor +
                                        "': expected performance, schedutil, ondemand or "
                                        "powersave");
        }
        if (config.platform == PlatformMode::None) {
            throw std::invalid_argument("governor needs a platform: discover or simulated");
        }
    } else if (!config.secondLatencyMs) {
        (void)policyFromName(config.policy);  // two lanes are chosen jointly, not by name
    }
}

BuiltRun buildRun(const RunConfig& config)
{
    if (!config.model) {
        throw std::invalid_argument("no model to run");
    }
    checkRunChoices(config);  // a bad name fails before anything is opened
    // Intra-op threads belong to the calling thread (OpenMP): the one that steps the run.
    setInferenceThreads(std::max(1, config.threads));

    BuiltRun run;
    run.platform = openPlatform(config);
    const int laneCount = config.secondLatencyMs ? 2 : 1;
    // On the SIMULATED board the energy policy chooses the CPU clock too (every fourth step of
    // its table), from the board's model.
    run.simulatedClock = run.platform && run.platform->isSimulated() && !config.governor &&
                         config.policy == "energy" && laneCount == 1;

    DynamicModelOptions modelOptions;
    modelOptions.cacheCapacity = config.cacheCapacity;
    modelOptions.backend = config.backend;
    modelOptions.device = torchDevice(config.device);  // DynamicModel says why it is unusable
    modelOptions.input = config.model->input;
    std::vector<PipelineLane> lanes;
    std::vector<ManagedModel> managed;
    for (int m = 0; m < laneCount; ++m) {
        PipelineLane lane;
        lane.model = std::make_unique<DynamicModel>(config.model->buildSupernet(config.modelPath),
                                                    config.profile, modelOptions);
        lane.source = openLaneSource(config);
        // Frames from a camera or a paced replay find the processor idle between them: the
        // profile's paced latencies are the manager's prior then (it learns the real ones).
        const FrameArrival arrival = config.sourceOptions.fps > 0 || lane.source->isLive()
                                         ? FrameArrival::Paced
                                         : FrameArrival::BackToBack;
        if (config.latestFrameOnly && m == 0) {
            auto latest = std::make_unique<LatestFrameSource>(std::move(lane.source));
            run.latest = latest.get();
            lane.source = std::move(latest);
        }
        LevelTable table = run.simulatedClock
                               ? withSimulatedOperatingPoints(lane.model->levelTable(arrival),
                                                              simulatedCpuSteps(4))
                               : lane.model->levelTable(arrival);
        Targets targets = config.targets;
        if (m == 1) {
            targets.latencyMs = config.secondLatencyMs;
        }
        managed.push_back(ManagedModel{"model " + std::to_string(m), std::move(table), targets});
        lanes.push_back(std::move(lane));
    }

    std::vector<std::shared_ptr<Knob>> governors;
    if (config.governor) {
        governors = governorKnobs(*run.platform);
        if (governors.empty()) {
            throw std::runtime_error(
                "governor: no CPU governor knob on this platform (no writable cpufreq "
                "scaling_governor); "
                "try --platform simulated");
        }
    }
    run.manager = std::make_unique<RuntimeManager>(
        std::move(managed), runPolicy(config, run.platform.get(), laneCount));
    run.pipeline =
        std::make_unique<InferencePipeline>(std::move(lanes), *run.manager, run.platform.get());
    // Under the run's one KnobGuard (the pipeline's), before the first frame.
    for (const auto& knob : governors) {
        const auto r = run.pipeline->setKnob(knob, *config.governor);
        if (!r.isOk()) {
            throw std::runtime_error("governor " + *config.governor + ": " + r.error());
        }
    }
    return run;
}

}  // namespace dofa
