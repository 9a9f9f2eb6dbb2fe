// SPDX-License-Identifier: MIT
// The mapping scenario (issue "device half of the manager"): the shipped model and its 1-thread
// profile, frames back to back on 1 thread, the reactive policy, while a competing program
// (busy threads pinned to the model's core) comes and goes. Two configurations, alternated:
// - "fixed core": one level library, every level pinned to core A; the manager can only change
//   the level;
// - "mapping": a library per core (A and B, the profile's latencies on both); the manager may
//   also move the model, as Dynamic-OFA switches library when the model moves.
// The target is set in the same run: 1.25 x the top level's median alone on core A.
// Prints per run: frames within target (all, and while the program runs), the mean test top-1
// of the levels that ran (the profile's), the live top-1 over the replayed labels, level changes,
// moves between cores, and the frames run on the loaded core while the program ran.
// Asserts nothing.
// Usage: mapping_bench [--runs N] [--threads-on-core N] [profile.json]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/fashion_mnist.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/affinity_knob.h"
#include "run/inference_pipeline.h"
#include "run/scenario.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "sources/dataset_replay_source.h"
#include "supernet/model_file.h"

using namespace dofa;

namespace {

constexpr int kAloneFrames = 300;
constexpr int kLoadedFrames = 900;
constexpr int kAfterFrames = 300;

struct Setup
{
    Supernet supernet{nullptr};
    Profile profile;
    FashionMnist images;
    std::string coreA, coreB;
};

/// The profile with one operating point per given core (1 thread, pinned there) on every level.
Profile pinnedTo(const Profile& base, const std::vector<std::string>& cores)
{
    Profile p = base;
    for (ProfileLevel& l : p.levels) {
        l.operatingPoints.clear();
        for (const std::string& core : cores) {
            ProfileOperatingPoint point;
            point.knobs = {{"app.threads", "1"}, {"app.affinity", core}};
            point.latency = l.latency;
            l.operatingPoints.push_back(point);
        }
    }
    return p;
}

PipelineLane laneOf(const Setup& s, const Profile& profile)
{
    PipelineLane lane;
    lane.source = std::make_unique<DatasetReplaySource>(s.images, DatasetReplayOptions{});
    lane.model = std::make_unique<DynamicModel>(s.supernet, profile, 0);
    for (int i = 0; i < lane.model->levelCount(); ++i) {
        lane.model->preload(i);
    }
    return lane;
}

/// The top level's median latency alone, pinned to core A.
double topLevelMedianMs(const Setup& s)
{
    Profile one = pinnedTo(s.profile, {s.coreA});
    one.levels = {one.levels.back()};
    std::vector<PipelineLane> lanes;
    lanes.push_back(laneOf(s, one));
    RuntimeManager manager(lanes[0].model->levelTable(), Targets{},
                           std::make_unique<ReactivePolicy>());
    InferencePipeline pipe(std::move(lanes), manager);
    std::vector<FrameRecord> r;
    for (int f = 0; f < 220; ++f) {
        pipe.step(r);
    }
    std::vector<double> ms;
    for (size_t f = 20; f < r.size(); ++f) {
        ms.push_back(r[f].latencyMs);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

struct Outcome
{
    double within = 0, withinLoaded = 0, top1 = 0, top1Loaded = 0, liveTop1 = 0;
    int changes = 0, moves = 0, loadedFramesOnA = 0;
};

Outcome runOnce(const Setup& s, bool mapping, double targetMs, int loadThreads)
{
    const Profile profile =
        mapping ? pinnedTo(s.profile, {s.coreA, s.coreB}) : pinnedTo(s.profile, {s.coreA});
    std::vector<PipelineLane> lanes;
    lanes.push_back(laneOf(s, profile));
    const LevelTable table = lanes[0].model->levelTable();
    Targets targets;
    targets.latencyMs = targetMs;
    RuntimeManager manager(table, targets, std::make_unique<ReactivePolicy>());
    const auto library = [&] { return table.libraryOf(manager.level(), manager.operatingPoint()); };
    const int libraryA = library();  // equal libraries: the manager starts on the first, core A
    InferencePipeline pipe(std::move(lanes), manager);
    std::vector<FrameRecord> r;
    std::vector<int> libraries;
    const auto run = [&](int frames) {
        for (int f = 0; f < frames && pipe.step(r); ++f) {
            libraries.push_back(library());
        }
    };
    run(kAloneFrames);
    pipe.apply(RunCommand::parse("load cpu " + std::to_string(loadThreads) + " on " + s.coreA));
    run(kLoadedFrames);
    pipe.apply(RunCommand::parse("load off"));
    run(kAfterFrames);

    Outcome o;
    int within = 0, withinLoaded = 0, correct = 0, labelled = 0;
    const size_t loadFrom = kAloneFrames, loadTo = kAloneFrames + kLoadedFrames;
    for (size_t f = 0; f < r.size(); ++f) {
        const bool loaded = f >= loadFrom && f < loadTo;
        const double top1 = s.profile.levels[static_cast<size_t>(r[f].level)].top1;
        within += r[f].withinTarget() ? 1 : 0;
        o.top1 += top1;
        if (loaded) {
            withinLoaded += r[f].withinTarget() ? 1 : 0;
            o.top1Loaded += top1;
            o.loadedFramesOnA += libraries[f] == libraryA ? 1 : 0;
        }
        o.changes += r[f].nextLevel != r[f].level ? 1 : 0;
        o.moves += f > 0 && libraries[f] != libraries[f - 1] ? 1 : 0;
        labelled += r[f].hasLabel() ? 1 : 0;
        correct += r[f].correct() ? 1 : 0;
    }
    const double n = static_cast<double>(r.size());
    o.within = 100.0 * within / n;
    o.withinLoaded = 100.0 * withinLoaded / kLoadedFrames;
    o.top1 /= n;
    o.top1Loaded /= kLoadedFrames;
    o.liveTop1 = labelled ? 100.0 * correct / labelled : 0;
    return o;
}

}  // namespace

int main(int argc, char** argv)
{
    int runs = 3;
    int loadThreads = 4;
    std::string profilePath = DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json";
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (std::strcmp(argv[i], "--threads-on-core") == 0 && i + 1 < argc) {
            loadThreads = std::max(1, std::atoi(argv[++i]));
        } else {
            profilePath = argv[i];
        }
    }
    const std::string affinity = AffinityKnob().get().value();
    const std::vector<int> cpus = AffinityKnob::parseCpuList(affinity).value();
    if (cpus.size() < 2) {
        std::fprintf(stderr, "mapping_bench: needs two CPUs this process may use (has %s)\n",
                     affinity.c_str());
        return 2;
    }
    setInferenceThreads(1);
    torch::NoGradGuard noGrad;
    Setup s;
    const std::string modelPath = DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
    const ModelFile file = ModelFile::load(modelPath);
    s.supernet = file.buildSupernet(modelPath);
    s.supernet->eval();
    s.profile = Profile::load(profilePath, file.spec);
    s.images = FashionMnist::load(FashionMnist::defaultDir(), FashionMnist::Split::Test);
    s.coreA = std::to_string(cpus[0]);
    s.coreB = std::to_string(cpus[1]);

    const double topMs = topLevelMedianMs(s);
    const double targetMs = 1.25 * topMs;
    std::printf("# mapping_bench: %s, %s, 1 thread, frames back to back, reactive policy\n",
                modelPath.c_str(), profilePath.c_str());
    std::printf(
        "# %d frames alone, %d with %d busy threads pinned to core %s (the model's), %d "
        "after; top level median alone on core %s %.3f ms, target %.3f ms\n",
        kAloneFrames, kLoadedFrames, loadThreads, s.coreA.c_str(), kAfterFrames, s.coreA.c_str(),
        topMs, targetMs);
    std::printf("%-10s %4s %8s %8s %8s %8s %9s %8s %6s %9s\n", "config", "run", "within", "w/ load",
                "top-1", "w/ load", "live top1", "changes", "moves", "on A/load");
    for (int k = 0; k < runs; ++k) {
        for (const bool mapping : {false, true}) {
            const Outcome o = runOnce(s, mapping, targetMs, loadThreads);
            std::printf("%-10s %4d %7.1f%% %7.1f%% %8.2f %8.2f %8.2f%% %8d %6d %5d/%d\n",
                        mapping ? "mapping" : "fixed core", k + 1, o.within, o.withinLoaded, o.top1,
                        o.top1Loaded, o.liveTop1, o.changes, o.moves, o.loadedFramesOnA,
                        kLoadedFrames);
            std::fflush(stdout);
        }
    }
    return 0;
}
