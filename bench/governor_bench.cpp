// SPDX-License-Identifier: MIT
// The manager against Linux governors (issue 14, "The comparison with Linux governors"), on the
// SIMULATED board: the shipped model replayed at a fixed rate with a latency target and an
// accuracy floor, once under the manager's energy policy (level and CPU clock chosen together,
// the board's clock at the chosen cap) and once per governor (level fixed where the lookup table
// puts it at start, clocks left to the SIMULATED governor model), with one model and with a
// second model running back to back beside it (`load model max 1`, which the board counts as
// keeping the CPU busy). Prints energy per inference (the board's energy meter, total and its
// CPU term), mean and p90 latency, live top-1, the mean CPU clock and the levels that ran. Every
// figure is SIMULATED: the host's real inference time stretched by the board's clock model, and
// the board's power model. Asserts nothing.
// Usage: governor_bench [--quick] [--fps N] [--frames N]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/fashion_mnist.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "run/inference_pipeline.h"
#include "run/scenario.h"
#include "run/simulated_operating_points.h"
#include "runtime/energy_policy.h"
#include "runtime/fixed_level_policy.h"
#include "runtime/runtime_manager.h"
#include "sources/dataset_replay_source.h"
#include "supernet/model_file.h"

using namespace dofa;

namespace {

// The scenario: 30 frames/s, a 8 ms latency target, top-1 at least 91 % (the profile's).
constexpr double kLatencyMs = 8.0;
constexpr double kMinAccuracy = 91.0;
// Frames before measuring: the energy policy's first corrections, the governors' first ramps.
constexpr int kWarmupFrames = 15;

struct Setup
{
    Supernet supernet{nullptr};
    Profile profile;
    FashionMnist images;
};

struct RunResult
{
    double energyMj = 0, cpuEnergyMj = 0;  ///< per inference
    double meanMs = 0, p90Ms = 0, top1 = 0, meanMhz = 0;
    std::map<int, int> levels;  ///< frames per level
};

double quantile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

/// One run: "energy" for the manager, else a governor's name.
RunResult runOne(const Setup& s, const std::string& config, bool secondModel, double fps,
                 int frames)
{
    auto board = std::make_shared<SimulatedBoard>();
    Platform platform = Platform::simulated(board, Platform::Options());
    const bool manager = config == "energy";
    if (!manager) {
        const auto r = platform.knob("cpu.policy0.governor")->set(config);
        if (!r.isOk()) {
            throw std::runtime_error(r.error());
        }
    }
    std::vector<PipelineLane> lanes(1);
    DatasetReplayOptions o;
    o.fps = fps;
    lanes[0].source = std::make_unique<DatasetReplaySource>(s.images, o);
    lanes[0].model = std::make_unique<DynamicModel>(s.supernet, s.profile, 0);
    for (int i = 0; i < lanes[0].model->levelCount(); ++i) {
        lanes[0].model->preload(i);
    }
    const LevelTable paced = lanes[0].model->levelTable(FrameArrival::Paced);
    Targets targets;
    targets.latencyMs = kLatencyMs;
    targets.minAccuracy = kMinAccuracy;
    std::unique_ptr<Policy> policy;
    if (manager) {
        policy = std::make_unique<EnergyPolicy>();
    } else {
        policy = std::make_unique<FixedLevelPolicy>("the clocks are left to the SIMULATED " +
                                                    config + " governor");
    }
    RuntimeManager rm(manager ? withSimulatedOperatingPoints(paced, simulatedCpuSteps(4)) : paced,
                      targets, std::move(policy));
    InferencePipeline pipe(std::move(lanes), rm, &platform);
    if (secondModel) {
        pipe.apply(RunCommand::parse("load model max 1"));
        board->setBackgroundLoad(1000);
    }
    std::vector<FrameRecord> records;
    for (int f = 0; f < kWarmupFrames; ++f) {
        pipe.step(records);
    }
    records.clear();
    board->resetEnergy();
    double mhz = 0;
    for (int f = 0; f < frames; ++f) {
        pipe.step(records);
        mhz += static_cast<double>(board->frequencyKhz(SimulatedBoard::Processor::Cpu)) / 1000.0;
    }
    RunResult r;
    r.energyMj = board->energyMj() / frames;
    r.cpuEnergyMj = board->cpuEnergyMj() / frames;
    r.meanMhz = mhz / frames;
    pipe.apply(RunCommand::parse("load off"));
    std::vector<double> ms;
    int correct = 0, labelled = 0;
    for (const FrameRecord& rec : records) {
        ms.push_back(rec.latencyMs);
        r.meanMs += rec.latencyMs;
        labelled += rec.hasLabel() ? 1 : 0;
        correct += rec.correct() ? 1 : 0;
        ++r.levels[rec.level];
    }
    r.meanMs /= static_cast<double>(ms.size());
    r.p90Ms = quantile(ms, 0.9);
    r.top1 = labelled ? 100.0 * correct / labelled : 0;
    return r;
}

std::string levelsText(const std::map<int, int>& levels)
{
    std::string out;
    for (const auto& [level, n] : levels) {
        out += (out.empty() ? "" : " ") + std::to_string(level) + ":" + std::to_string(n);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    double fps = 30;
    int frames = 240;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            frames = 60;
        } else if (std::strcmp(argv[i], "--fps") == 0 && i + 1 < argc) {
            fps = std::atof(argv[++i]);
        } else if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
            frames = std::atoi(argv[++i]);
        }
    }
    setInferenceThreads(1);
    torch::NoGradGuard noGrad;
    Setup s;
    const std::string modelPath = DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
    const std::string profilePath = DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json";
    const ModelFile file = ModelFile::load(modelPath);
    s.supernet = file.buildSupernet(modelPath);
    s.supernet->eval();
    s.profile = Profile::load(profilePath, file.spec);
    s.images = FashionMnist::load(FashionMnist::defaultDir(), FashionMnist::Split::Test);

    std::printf("# SIMULATED governor_bench: %s, %s, 1 thread, %s\n", modelPath.c_str(),
                profilePath.c_str(), SimulatedBoard::name());
    std::printf(
        "# SIMULATED scenario: dataset replay at %.0f frames/s, latency target %.1f ms, "
        "top-1 >= %.1f %%, %d frames measured after %d\n",
        fps, kLatencyMs, kMinAccuracy, frames, kWarmupFrames);
    std::printf(
        "# SIMULATED energy = board model (VDD_IN; cpu = its CPU term), latency = host "
        "time x the clock model, top-1 = live over the replayed labels\n");
    std::printf("%-9s %-10s %-22s %11s %11s %9s %9s %7s %8s  %s\n", "SIMULATED", "models", "run",
                "mJ/infer", "cpu mJ", "mean ms", "p90 ms", "top-1", "MHz", "levels");
    for (const bool second : {false, true}) {
        double reference = 0;
        for (const std::string config :
             {"energy", "performance", "schedutil", "ondemand", "powersave"}) {
            const RunResult r = runOne(s, config, second, fps, frames);
            if (config == "energy") {
                reference = r.energyMj;
            }
            const std::string name = config == "energy" ? "manager (energy)" : "governor " + config;
            std::printf("%-9s %-10s %-22s %11.2f %11.3f %9.2f %9.2f %6.2f%% %8.0f  %s", "SIMULATED",
                        second ? "two" : "one", name.c_str(), r.energyMj, r.cpuEnergyMj, r.meanMs,
                        r.p90Ms, r.top1, r.meanMhz, levelsText(r.levels).c_str());
            if (config != "energy" && r.energyMj > 0) {
                std::printf("  (manager %+.1f %% energy)", 100.0 * (reference / r.energyMj - 1));
            }
            std::printf("\n");
            std::fflush(stdout);
        }
    }
    return 0;
}
