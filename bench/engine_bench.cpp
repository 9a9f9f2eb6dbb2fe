// SPDX-License-Identifier: MIT
// Benchmark of the engine and runtime manager (issue "Device layer and runtime manager"):
// - decision overhead per frame: RuntimeManager::observe with the reactive policy on a steady
//   stream (goal <= 10 us; the method's reference reports about 15 ms per switch decision), next
//   to the forward of the smallest level as the peer it is paid beside;
// - level switch time p50/p99 when cached (goal <= 1 ms; the reference reports 73 ms) and when
//   not cached (an extraction), and their ratio;
// - memory of a cache holding every level versus the supernet's weights.
// Prints numbers and ratios; asserts nothing. Usage: engine_bench [model.dofa profile.json]
// (default: the shipped model and its 1-thread profile, else a random supernet and a
// 4-level profile of the default preset).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <numeric>
#include <vector>

#include <torch/torch.h>

#include "model/dynamic_model.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "search/latency_meter.h"
#include "supernet/model_file.h"

using namespace dofa;
using SteadyClock = std::chrono::steady_clock;

namespace {

double ms(SteadyClock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

Profile fallbackProfile(const SupernetSpec& spec)
{
    Profile p;
    p.modelName = spec.name;
    double lat = 0.5;
    for (const char* text :
         {"r24-k3.3.3.3-e2.2.2.2", "r28-k33.33.33.33-e33.33.33.33",
          "r28-k555.555.555.555-e333.333.333.333", "r32-k555.555.555.555-e444.444.444.444"}) {
        ProfileLevel l;
        l.arch = SubnetArch::parse(text, spec);
        l.latency.mean = l.latency.p50 = l.latency.p90 = (lat *= 1.5);
        l.top1 = 80 + lat;
        p.levels.push_back(l);
    }
    return p;
}

}  // namespace

double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<size_t>(pos);
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

int main(int argc, char** argv)
{
    torch::set_num_threads(1);
    const std::string modelPath =
        argc > 2 ? argv[1] : DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
    const std::string profilePath =
        argc > 2 ? argv[2] : DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json";
    std::function<std::unique_ptr<DynamicModel>(int)> make;
    std::string what;
    try {
        DynamicModel::open(modelPath, profilePath, 1);
        make = [&](int capacity) { return DynamicModel::open(modelPath, profilePath, capacity); };
        what = modelPath + " with " + profilePath;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "engine_bench: %s; using a random supernet\n", e.what());
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const Supernet net(spec);
        make = [net, spec](int capacity) {
            return std::make_unique<DynamicModel>(net, fallbackProfile(spec), capacity);
        };
        what = "random fmnist-mbv3 supernet, 4 levels";
    }
    std::unique_ptr<DynamicModel> model = make(0);
    const int n = model->levelCount();
    std::printf("# engine_bench: %s, %d levels, 1 torch thread\n", what.c_str(), n);

    // Level switches. Cached: every level preloaded, then switches cycle through all of them.
    // Uncached: capacity 1, so every switch to another level is an extraction.
    for (int l = 0; l < n; ++l) {
        model->preload(l);
    }
    std::vector<double> cached, uncached;
    for (int i = 0; i < 20000; ++i) {
        cached.push_back(model->setLevel((i * 7 + 3) % n).ms);
    }
    auto single = make(1);
    for (int i = 0; i < 60; ++i) {
        const LevelSwitch s = single->setLevel(i % n);
        if (!s.cached) {
            uncached.push_back(s.ms);
        }
    }
    const double c50 = percentile(cached, 0.5), c99 = percentile(cached, 0.99);
    const double u50 = percentile(uncached, 0.5), u99 = percentile(uncached, 0.99);
    std::printf("switch_cached_ms    p50 %.6f  p99 %.6f  (goal <= 1 ms; %zu switches)\n", c50, c99,
                cached.size());
    std::printf("switch_uncached_ms  p50 %.3f  p99 %.3f  (%zu extractions)\n", u50, u99,
                uncached.size());
    std::printf("switch_uncached_over_cached_p50 %.0f\n", u50 / c50);

    // Decision overhead: the reactive policy fed a steady stream at the current level (the
    // per-frame path), with the latency target just above it so nothing changes.
    const LevelTable table = model->levelTable();
    Targets targets;
    targets.latencyMs = table.latencyMs(n - 1) * 1.2;
    std::int64_t fakeNs = 0;
    RuntimeManagerOptions options;
    options.clock = [&] { return fakeNs; };
    RuntimeManager manager(table, targets, std::make_unique<ReactivePolicy>(), options);
    const int frames = 200000;
    const double lat = table.latencyMs(n - 1);
    const auto t0 = SteadyClock::now();
    int changes = 0;
    for (int i = 0; i < frames; ++i) {
        fakeNs += 1'000'000;
        // A little jitter so the window statistics do real work.
        changes += manager.observe(
            FrameObservation{fakeNs, lat * (1.0 + 0.01 * (i % 7)), manager.level(), 0});
    }
    const double perFrameUs = ms(SteadyClock::now() - t0) * 1000.0 / frames;

    // Peer: a forward of the smallest level (batch 1), the cheapest thing paid per frame.
    model->setLevel(0);
    const LatencyStats fwd = measureLatency(model->current(), model->spec().inChannels, {});
    std::printf("decision_us_per_frame %.3f  (goal <= 10 us; %d frames, %d changes)\n", perFrameUs,
                frames, changes);
    std::printf("forward_smallest_level_us %.1f  decision_over_forward %.5f\n", fwd.p50 * 1000.0,
                perFrameUs / (fwd.p50 * 1000.0));

    // Memory: every level extracted versus the supernet they are cut from.
    std::printf(
        "cache_bytes_all_levels %lld  supernet_bytes %lld  ratio %.3f\n",
        static_cast<long long>(model->cacheBytes()), static_cast<long long>(model->supernetBytes()),
        static_cast<double>(model->cacheBytes()) / static_cast<double>(model->supernetBytes()));
    return 0;
}
