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
#include "model/compute_device.h"
#include "model/dynamic_model.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "run/inference_pipeline.h"
#include "run/run_builder.h"
#include "run/run_summary.h"
#include "run/scenario.h"
#include "run/shipped_files.h"
#include "run/telemetry_csv.h"
#include "runtime/policy.h"
#include "runtime/runtime_manager.h"
#include "sources/frame_source.h"
#include "supernet/model_file.h"

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
    RunConfig config;
    config.threads = static_cast<int>(positive(p, kThreads));
    config.modelPath = p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    config.model = std::make_shared<const ModelFile>(loadModelOrThrow(config.modelPath));
    const ModelFile& file = *config.model;
    const std::string profilePath = p.isSet(kProfile) ? p.value(kProfile).toStdString()
                                                      : defaultRunProfile(file, config.threads);

    config.targets.latencyMs = optionalPositive(p, kLatency);
    config.targets.powerW = optionalPositive(p, kPower);
    if (p.isSet(kAccuracy)) {
        config.targets.minAccuracy = positive(p, kAccuracy);
    }
    config.secondLatencyMs = optionalPositive(p, kSecond);
    const auto frameLimit = p.isSet(kFrames) ? static_cast<std::int64_t>(positive(p, kFrames)) : 0;
    const double secondsLimit = p.isSet(kSeconds) ? positive(p, kSeconds) : 0.0;
    bool cacheOk = false;
    config.cacheCapacity = p.value(kCache).toInt(&cacheOk);
    if (!cacheOk || config.cacheCapacity < 0) {
        throw UsageError("--cache needs a count >= 0");
    }
    const std::optional<LevelBackend> backend =
        levelBackendFromName(p.value(kBackend).toStdString());
    if (!backend) {
        throw UsageError("--backend: expected torch, opencv or auto");
    }
    config.backend = *backend;
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
    config.device = *device;

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

    const std::optional<PlatformMode> platformMode =
        platformModeFromName(p.value(kPlatform).toStdString());
    if (!platformMode) {
        throw UsageError(std::string("--platform: expected ") + kPlatformModeChoices);
    }
    config.platform = *platformMode;
    if (p.isSet(kGovernor)) {
        config.governor = p.value(kGovernor).toStdString();
        if (p.isSet(kPolicy)) {
            throw UsageError("--governor leaves the level fixed: it takes no --policy");
        }
    }
    config.policy = p.value(kPolicy).toStdString();
    try {
        checkRunChoices(config);  // its messages start with the option's name
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--") + e.what());
    }

    // The model file and profile are read once; each lane gets its own supernet from them.
    try {
        config.profile = Profile::load(profilePath, file.spec);
        config.profile.checkModel(file.checksum, profilePath);
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }
    config.source = p.value(kSource).toStdString();
    if (p.isSet(kData)) {
        config.sourceOptions.datasetDir = p.value(kData).toStdString();
    }
    config.sourceOptions.fps = p.value(kFps).toDouble();

    BuiltRun built;
    try {
        built = buildRun(config);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }
    InferencePipeline& pipeline = *built.pipeline;
    const RuntimeManager& manager = *built.manager;
    const Platform* platform = built.platform.get();
    const std::string sourceText = pipeline.source(0).description();
    const bool labelled = pipeline.source(0).hasLabels();
    std::printf(
        "run: %s\n  model   %s\n  profile %s (%d levels)\n  source  %s\n  policy  %s, "
        "%d threads\n  targets %s\n  device  %s%s\n  backend %s%s\n",
        config.source.c_str(), config.modelPath.c_str(), profilePath.c_str(),
        pipeline.model(0).levelCount(), sourceText.c_str(), manager.policy().name(), config.threads,
        config.targets.describe().c_str(), device->name().c_str(),
        device->isCuda() ? " (the profile's latencies were measured on the CPU; the reactive "
                           "policy learns the device's from the frames it sees)"
                         : "",
        levelBackendName(*backend),
        *backend == LevelBackend::Torch
            ? ""
            : " (the profile's latencies were measured with torch; the reactive policy rescales "
              "them from the frames it sees, the lookup policy does not)");
    if (config.secondLatencyMs) {
        std::printf("  model 1 latency target %.2f ms (joint policy)\n", *config.secondLatencyMs);
    }
    if (platform && platform->isSimulated()) {
        std::printf("  platform: %s (power is a model, the clock a delay)%s\n",
                    SimulatedBoard::name(),
                    built.simulatedClock ? "; operating points: SIMULATED CPU clocks" : "");
    } else if (platform) {
        std::printf("  platform: %s\n",
                    platform->hasHardware() ? "sensors found" : "no sensors (no power data)");
    }
    if (config.governor) {
        std::printf("  governor %s on every CPU policy%s; the level stays fixed\n",
                    config.governor->c_str(),
                    platform->isSimulated() ? " (SIMULATED governor model, see README)" : "");
    }
    std::fflush(stdout);

    const std::shared_ptr<SimulatedBoard> board = platform ? platform->simulatedBoard() : nullptr;
    const double energyBefore = board ? board->energyMj() : 0.0;
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
            if (!quiet && !r.decisions.empty()) {
                std::printf("%8.3f s  frame %lld  model %d: %s\n", r.tSeconds,
                            static_cast<long long>(r.frame), r.model, r.decisionText().c_str());
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
