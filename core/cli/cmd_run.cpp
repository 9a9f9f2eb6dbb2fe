// SPDX-License-Identifier: MIT
// `dofa run`: the live pipeline without a GUI: a source, a dynamic model, targets, a runtime
// policy, a scenario of timed events, telemetry and a summary.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include <torch/torch.h>

#include "cli.h"
#include "cli_support.h"
#include "commands.h"
#include "engine/compute_device.h"
#include "engine/dynamic_model.h"
#include "engine/inference_pipeline.h"
#include "engine/inference_threads.h"
#include "engine/run_summary.h"
#include "engine/scenario.h"
#include "engine/simulated_operating_points.h"
#include "engine/source_factory.h"
#include "engine/telemetry_csv.h"
#include "live/shipped_files.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "runtime/energy_policy.h"
#include "runtime/fixed_level_policy.h"
#include "runtime/joint_policy.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"

namespace dofa {

namespace {

const QCommandLineOption kModel({"m", "model"}, "Model file (default: the shipped model).", "file");
const QCommandLineOption kProfile({"p", "profile"},
                                  "Profile with the levels (default: the shipped profile for "
                                  "this model and --threads).",
                                  "file");
const QCommandLineOption kSource(
    {"s", "source"},
    "dataset[:test|:train], camera:N, file:PATH, gst:PIPELINE or folder:DIR "
    "(default: dataset:test, labelled).",
    "source", "dataset:test");
const QCommandLineOption kFps("fps",
                              "Pace a dataset source at this rate (default: as fast as it "
                              "runs).",
                              "n", "0");
const QCommandLineOption kThreads("threads", "Intra-op threads.", "n", "2");
const QCommandLineOption kPolicy("policy", "lookup, reactive (default) or energy.", "name",
                                 "reactive");
const QCommandLineOption kLatency("latency", "Latency target in ms.", "ms");
const QCommandLineOption kPower("power", "Power target in W.", "w");
const QCommandLineOption kAccuracy("accuracy", "Minimum top-1 in %.", "pct");
const QCommandLineOption kSecond("second-latency",
                                 "Run a second dynamic model (same model and profile, its own "
                                 "replay) with this latency target; levels are chosen jointly.",
                                 "ms");
const QCommandLineOption kScenario("scenario", "Timed events (see README: scenario files).",
                                   "file");
const QCommandLineOption kStdin("stdin",
                                "Read commands (latency 20, load cpu 2, stop, ...) from "
                                "standard input while running.");
const QCommandLineOption kLoad("load",
                               "Start a competing workload: cpu:THREADS@TIME or "
                               "model:ARCH[:THREADS]@TIME (ARCH max, min or text; TIME 5s, "
                               "500ms or @frame). Repeatable.",
                               "spec");
const QCommandLineOption kFrames("frames", "Stop after N frames.", "n");
const QCommandLineOption kSeconds("seconds", "Stop after S seconds.", "s");
const QCommandLineOption kTelemetry({"t", "telemetry"}, "Per-frame CSV to write.", "file");
const QCommandLineOption kCache("cache", "Levels kept extracted (0: all).", "n", "0");
const QCommandLineOption kBackend("backend",
                                  "What runs a level: torch (default; the profiles were measured "
                                  "with it), opencv (OpenCV DNN on the level's ONNX export) or "
                                  "auto (both timed when a level is loaded, the faster kept).",
                                  "name", "torch");
const QCommandLineOption kDevice("device",
                                 "Where the model runs: cpu (default), cuda or cuda:N (needs a "
                                 "LibTorch with CUDA and --backend torch).",
                                 "name", "cpu");
const QCommandLineOption kPlatform("platform",
                                   "discover (default) or none: where power and "
                                   "frequency telemetry come from.",
                                   "mode", "discover");
const QCommandLineOption kGovernor(
    "governor",
    "performance, schedutil, ondemand or powersave: no management, the baseline. The level stays "
    "as the lookup table picks it at start and the CPU clocks are left to this Linux governor "
    "(cpufreq scaling_governor, restored afterwards; on --platform simulated a SIMULATED model).",
    "name");
const QCommandLineOption kData("data", "Fashion-MNIST directory.", "dir");
const QCommandLineOption kQuiet({"q", "quiet"}, "No per-decision lines.");

double positive(const QCommandLineParser& p, const QCommandLineOption& o)
{
    bool ok = false;
    const double v = p.value(o).toDouble(&ok);
    if (!ok || v <= 0) {
        throw UsageError("--" + o.names().last().toStdString() + " needs a positive number");
    }
    return v;
}

std::optional<double> optionalPositive(const QCommandLineParser& p, const QCommandLineOption& o)
{
    return p.isSet(o) ? std::optional<double>(positive(p, o)) : std::nullopt;
}

std::string defaultRunProfile(const ModelFile& model, int threads)
{
    const QString path = shippedProfilePath(QString::fromStdString(model.spec.name), threads);
    if (path.isEmpty()) {
        const std::string name = model.spec.name + ".cpu-" + std::to_string(threads) + "t.json";
        throw InputError("no shipped profile " + name + " for this model and " +
                         std::to_string(threads) + " threads; make one with `dofa search " +
                         "--threads " + std::to_string(threads) + "` and pass it with --profile");
    }
    return path.toStdString();
}

/// `--load cpu:2@5s` -> scenario line "5s load cpu 2".
std::string loadToScenarioLine(const QString& spec)
{
    const int at = spec.lastIndexOf('@');
    if (at <= 0 || at == spec.size() - 1) {
        throw UsageError("--load '" + spec.toStdString() +
                         "': expected cpu:THREADS@TIME or model:ARCH[:THREADS]@TIME");
    }
    QString time = spec.mid(at + 1);
    if (time.front().isDigit() && !time.endsWith('s')) {
        time = "@" + time;  // a bare number is a frame index, like @frame
    }
    const QStringList parts = spec.left(at).split(':');
    if (parts.size() < 2 || (parts[0] != "cpu" && parts[0] != "model")) {
        throw UsageError("--load '" + spec.toStdString() +
                         "': expected cpu:THREADS@TIME or model:ARCH[:THREADS]@TIME");
    }
    return (time + " load " + parts.join(' ')).toStdString();
}

/// Commands typed on stdin while the run goes on. The reader thread blocks in getline and is
/// detached: it cannot be woken, and it only touches the shared queue.
class StdinCommands
{
public:
    StdinCommands() : m_queue(std::make_shared<Queue>())
    {
        std::thread([q = m_queue] {
            for (std::string line; std::getline(std::cin, line);) {
                std::lock_guard<std::mutex> lock(q->mutex);
                q->lines.push_back(line);
            }
        }).detach();
    }
    std::vector<std::string> take()
    {
        std::lock_guard<std::mutex> lock(m_queue->mutex);
        std::vector<std::string> out(m_queue->lines.begin(), m_queue->lines.end());
        m_queue->lines.clear();
        return out;
    }

private:
    struct Queue
    {
        std::mutex mutex;
        std::deque<std::string> lines;
    };
    std::shared_ptr<Queue> m_queue;
};

std::unique_ptr<Policy> makePolicy(const std::string& name, int models)
{
    if (models > 1) {
        return std::make_unique<JointPolicy>();
    }
    if (name == "lookup") {
        return std::make_unique<LookupTablePolicy>();
    }
    if (name == "reactive") {
        return std::make_unique<ReactivePolicy>();
    }
    if (name == "energy") {
        return std::make_unique<EnergyPolicy>();
    }
    throw UsageError("--policy '" + name + "': expected lookup, reactive or energy");
}

}  // namespace

int cmdRun(const QStringList& args)
{
    QCommandLineParser p;
    p.addOptions({kModel,   kProfile, kSource,   kFps,       kThreads,  kPolicy,
                  kLatency, kPower,   kAccuracy, kSecond,    kScenario, kStdin,
                  kLoad,    kFrames,  kSeconds,  kTelemetry, kCache,    kPlatform,
                  kData,    kQuiet,   kBackend,  kGovernor,  kDevice});
    parseOrThrow(p, args,
                 "Runs live classification on a source with a dynamic model: the runtime manager "
                 "switches levels to meet the targets while scenario events change them.");
    const int threads = static_cast<int>(positive(p, kThreads));
    setInferenceThreads(threads);
    const std::string modelPath =
        p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    const ModelFile file = loadModelOrThrow(modelPath);
    const std::string profilePath =
        p.isSet(kProfile) ? p.value(kProfile).toStdString() : defaultRunProfile(file, threads);

    Targets targets;
    targets.latencyMs = optionalPositive(p, kLatency);
    targets.powerW = optionalPositive(p, kPower);
    if (p.isSet(kAccuracy)) {
        targets.minAccuracy = positive(p, kAccuracy);
    }
    const std::optional<double> secondLatency = optionalPositive(p, kSecond);
    const int models = secondLatency ? 2 : 1;
    const auto frameLimit = p.isSet(kFrames) ? static_cast<std::int64_t>(positive(p, kFrames)) : 0;
    const double secondsLimit = p.isSet(kSeconds) ? positive(p, kSeconds) : 0.0;
    bool cacheOk = false;
    const int cache = p.value(kCache).toInt(&cacheOk);
    if (!cacheOk || cache < 0) {
        throw UsageError("--cache needs a count >= 0");
    }
    const std::optional<LevelBackend> backend =
        levelBackendFromName(p.value(kBackend).toStdString());
    if (!backend) {
        throw UsageError("--backend: expected torch, opencv or auto");
    }
    const std::string deviceText = p.value(kDevice).toStdString();
    const std::optional<ComputeDevice> device = ComputeDevice::parse(deviceText);
    if (!device) {
        throw UsageError("--device '" + deviceText + "': expected cpu, cuda or cuda:N");
    }
    if (device->isCuda() && *backend != LevelBackend::Torch) {
        throw UsageError("--backend " + p.value(kBackend).toStdString() +
                         " runs on the CPU only (OpenCV DNN): it cannot run with --device " +
                         deviceText + "; use --backend torch");
    }
    if (const std::string why = device->unavailableReason(); !why.empty()) {
        throw UsageError("--device " + deviceText + ": " + why);
    }
    DynamicModelOptions modelOptions;
    modelOptions.cacheCapacity = cache;
    modelOptions.backend = *backend;
    modelOptions.device = torchDevice(*device);

    Scenario scenario;
    try {
        std::string text;
        if (p.isSet(kScenario)) {
            scenario = Scenario::load(p.value(kScenario).toStdString());
        }
        for (const QString& l : p.values(kLoad)) {
            text += loadToScenarioLine(l) + "\n";
        }
        if (!text.empty()) {
            // One scenario: the file's events, then those of --load.
            Scenario loads = Scenario::parse(text, "--load");
            std::string all;
            for (const Scenario* s : {&scenario, &loads}) {
                for (const ScenarioEvent& e : s->events()) {
                    all += (e.atFrame ? "@" + std::to_string(*e.atFrame)
                                      : std::to_string(*e.atSeconds) + "s") +
                           " " + e.command.toString() + "\n";
                }
            }
            scenario = Scenario::parse(all, "scenario");
        }
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }

    const std::string governor = p.value(kGovernor).toStdString();
    if (p.isSet(kGovernor)) {
        if (!SimulatedGovernor::fromName(governor)) {
            throw UsageError("--governor '" + governor +
                             "': expected performance, schedutil, ondemand or powersave");
        }
        if (p.isSet(kPolicy)) {
            throw UsageError("--governor leaves the level fixed: it takes no --policy");
        }
        if (p.value(kPlatform) == "none") {
            throw UsageError("--governor needs a platform: --platform discover or simulated");
        }
    }
    std::optional<Platform> platform = platformFromMode(p.value(kPlatform));
    const bool simulatedClock =
        platform && platform->isSimulated() && p.value(kPolicy) == "energy" && !secondLatency;

    // The model file and profile are read once; each lane gets its own supernet from them.
    Profile profile;
    try {
        profile = Profile::load(profilePath, file.spec);
        profile.checkModel(file.checksum, profilePath);
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }

    modelOptions.input = file.input;
    std::vector<PipelineLane> lanes;
    std::vector<ManagedModel> managed;
    SourceOptions sourceOptions;
    if (p.isSet(kData)) {
        sourceOptions.datasetDir = p.value(kData).toStdString();
    }
    sourceOptions.fps = p.value(kFps).toDouble();
    sourceOptions.classNames = file.classNames();
    for (int m = 0; m < models; ++m) {
        PipelineLane lane;
        try {
            lane.model = std::make_unique<DynamicModel>(file.buildSupernet(modelPath), profile,
                                                        modelOptions);
            lane.source =
                openSource(SourceSpec::parse(p.value(kSource).toStdString()), sourceOptions);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        } catch (const std::runtime_error& e) {
            throw InputError(e.what());
        }
        Targets t = targets;
        if (m == 1) {
            t.latencyMs = secondLatency;
        }
        // On the SIMULATED board the energy policy chooses the CPU clock too (every fourth
        // step of its table), from the board's model.
        // Frames from a camera or a paced replay find the processor idle: the profile's paced
        // latencies are the better prior there (the manager learns the real ones as it runs).
        const FrameArrival arrival = sourceOptions.fps > 0 || lane.source->isLive()
                                         ? FrameArrival::Paced
                                         : FrameArrival::BackToBack;
        LevelTable table = simulatedClock
                               ? withSimulatedOperatingPoints(lane.model->levelTable(arrival),
                                                              simulatedCpuSteps(4))
                               : lane.model->levelTable(arrival);
        managed.push_back(ManagedModel{"model " + std::to_string(m), std::move(table), t});
        lanes.push_back(std::move(lane));
    }

    // Every CPU policy gets the governor: the model may run on any core. Written through the
    // pipeline (below), under the run's one KnobGuard, before the first frame.
    std::vector<std::shared_ptr<Knob>> governorKnobs;
    if (p.isSet(kGovernor)) {
        for (const auto& knob : platform->knobs()) {
            const std::string& id = knob->info().id;
            if (id.rfind("cpu.", 0) == 0 && id.size() > 9 &&
                id.compare(id.size() - 9, 9, ".governor") == 0) {
                governorKnobs.push_back(knob);
            }
        }
        if (governorKnobs.empty()) {
            throw InputError(
                "--governor: no CPU governor knob on this platform (no writable "
                "cpufreq scaling_governor); try --platform simulated");
        }
    }
    RuntimeManager manager(std::move(managed),
                           p.isSet(kGovernor)
                               ? std::make_unique<FixedLevelPolicy>(
                                     "the clocks are left to the " + governor + " governor" +
                                     (platform->isSimulated() ? " (SIMULATED model)" : ""))
                               : makePolicy(p.value(kPolicy).toStdString(), models));
    const std::string sourceText = lanes[0].source->description();
    const bool labelled = lanes[0].source->hasLabels();
    std::printf(
        "run: %s\n  model   %s\n  profile %s (%d levels)\n  source  %s\n  policy  %s, "
        "%d threads\n  targets %s\n  device  %s%s\n  backend %s%s\n",
        p.value(kSource).toStdString().c_str(), modelPath.c_str(), profilePath.c_str(),
        lanes[0].model->levelCount(), sourceText.c_str(), manager.policy().name(), threads,
        targets.describe().c_str(), device->name().c_str(),
        device->isCuda() ? " (the profile's latencies were measured on the CPU; the reactive "
                           "policy learns the device's from the frames it sees)"
                         : "",
        levelBackendName(*backend),
        *backend == LevelBackend::Torch
            ? ""
            : " (the profile's latencies were measured with torch; the reactive policy rescales "
              "them from the frames it sees, the lookup policy does not)");
    if (models == 2) {
        std::printf("  model 1 latency target %.2f ms (joint policy)\n", *secondLatency);
    }
    if (platform && platform->isSimulated()) {
        std::printf("  platform: %s (power is a model, the clock a delay)%s\n",
                    SimulatedBoard::name(),
                    simulatedClock ? "; operating points: SIMULATED CPU clocks" : "");
    } else if (platform) {
        std::printf("  platform: %s\n",
                    platform->hasHardware() ? "sensors found" : "no sensors (no power data)");
    }
    if (p.isSet(kGovernor)) {
        std::printf("  governor %s on every CPU policy%s; the level stays fixed\n",
                    governor.c_str(),
                    platform->isSimulated() ? " (SIMULATED governor model, see README)" : "");
    }
    std::fflush(stdout);

    const std::shared_ptr<SimulatedBoard> board = platform ? platform->simulatedBoard() : nullptr;
    const double energyBefore = board ? board->energyMj() : 0.0;
    InferencePipeline pipeline(std::move(lanes), manager, platform ? &*platform : nullptr);
    for (const auto& knob : governorKnobs) {
        const auto r = pipeline.setKnob(knob, governor);
        if (!r.isOk()) {
            throw InputError("--governor: " + r.error());
        }
    }
    std::unique_ptr<TelemetryCsvWriter> csv;
    if (p.isSet(kTelemetry)) {
        try {
            csv = std::make_unique<TelemetryCsvWriter>(p.value(kTelemetry).toStdString());
        } catch (const std::runtime_error& e) {
            throw InputError(e.what());
        }
    }
    std::unique_ptr<StdinCommands> input;
    if (p.isSet(kStdin)) {
        input = std::make_unique<StdinCommands>();
    }
    const bool quiet = p.isSet(kQuiet);
    installStopHandlers();

    RunSummary summary;
    std::vector<FrameRecord> records;
    bool stop = false;
    auto run = [&](const RunCommand& c, const std::string& origin) {
        if (!quiet || c.kind == RunCommand::Kind::Stop) {
            std::printf("%8.3f s  frame %lld  %s: %s\n", pipeline.elapsedSeconds(),
                        static_cast<long long>(pipeline.rounds()), origin.c_str(),
                        c.toString().c_str());
        }
        stop = !pipeline.apply(c) || stop;
        if (board) {
            // A competing load keeps the simulated CPU busy: its governor and energy see it.
            board->setBackgroundLoad(pipeline.load() ? 1000 : 0);
        }
    };
    while (!stop && !stopRequested().load()) {
        for (const RunCommand& c : scenario.due(pipeline.elapsedSeconds(), pipeline.rounds())) {
            run(c, "scenario");
        }
        if (input) {
            for (const std::string& line : input->take()) {
                try {
                    run(RunCommand::parse(line), "stdin");
                } catch (const std::invalid_argument& e) {
                    std::fprintf(stderr, "stdin: %s\n", e.what());
                }
            }
        }
        if (stop) {
            break;
        }
        records.clear();
        if (!pipeline.step(records)) {
            std::printf("source ended\n");
            break;
        }
        for (const FrameRecord& r : records) {
            summary.add(r);
            if (csv) {
                csv->write(r);
            }
            if (!quiet && !r.decision.empty()) {
                std::printf("%8.3f s  frame %lld  model %d: %s\n", r.tSeconds,
                            static_cast<long long>(r.frame), r.model, r.decision.c_str());
            }
        }
        if ((frameLimit > 0 && pipeline.rounds() >= frameLimit) ||
            (secondsLimit > 0 && pipeline.elapsedSeconds() >= secondsLimit)) {
            break;
        }
    }
    const double seconds = pipeline.elapsedSeconds();
    for (const std::string& problem : pipeline.knobProblems()) {
        std::fprintf(stderr, "knob not set: %s\n", problem.c_str());
    }
    if (csv) {
        csv->close();
    }
    if (*backend != LevelBackend::Torch) {
        // Which backend ran each level that was used, with Auto's two medians: what the profile's
        // latencies no longer describe.
        for (int m = 0; m < pipeline.laneCount(); ++m) {
            const DynamicModel& model = pipeline.model(m);
            for (int l = 0; l < model.levelCount(); ++l) {
                if (const auto info = model.backendInfo(l)) {
                    std::printf("model %d level %d: %s, %s\n", m, l,
                                levelBackendName(info->backend), info->reason.c_str());
                }
            }
        }
    }
    std::printf("summary (%s%s)\n%s", labelled ? "labelled source" : "no labels",
                stopRequested().load() ? ", interrupted" : "", summary.text(seconds).c_str());
    if (board && pipeline.rounds() > 0) {
        const double frames = static_cast<double>(pipeline.rounds() * pipeline.laneCount());
        std::printf("SIMULATED energy %.3f mJ per inference (board model, %s governor)\n",
                    (board->energyMj() - energyBefore) / frames,
                    SimulatedGovernor::name(board->governor()));
    }
    return stopRequested().load() ? kExitInterrupted : kExitOk;
}

}  // namespace dofa
