// SPDX-License-Identifier: MIT
// Shared set-up of the model and run tests: a small profile of the default preset whose latencies
// are measured on this machine when the test runs (so the runtime's predictions hold here), and
// synthetic labelled images. The weights are random: these tests are about timing and
// switching, not accuracy, so the top-1 of each level is a declared fixture value.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/fashion_mnist.h"
#include "model/dynamic_model.h"
#include "search/latency_meter.h"
#include "search/profile.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

namespace dofa::test {

/// Level archs of the fmnist-mbv3 preset from small to large: resolution, depth, kernel and
/// expand grow together, so their latencies are well apart even at batch 1.
/// `resolutions` (four) replaces the default 24/28/28/32.
inline std::vector<std::string> levelArchTexts(std::vector<int> resolutions = {24, 28, 28, 32})
{
    const std::vector<std::string> blocks = {"-k3.3.3.3-e2.2.2.2", "-k33.33.33.33-e33.33.33.33",
                                             "-k555.555.555.555-e333.333.333.333",
                                             "-k555.555.555.555-e444.444.444.444"};
    std::vector<std::string> out;
    for (size_t i = 0; i < blocks.size(); ++i) {
        out.push_back("r" + std::to_string(resolutions.at(i)) + blocks[i]);
    }
    return out;
}

/// A profile over `archs` with latency measured here (batch 1, current torch threads), levels
/// sorted by measured mean and given ascending fixture top-1 values.
inline Profile measuredProfile(const Supernet& net, const std::vector<std::string>& archs,
                               int runs = 40)
{
    const SupernetSpec& spec = net->spec();
    Profile p;
    p.modelName = spec.name;
    p.modelChecksum = "test";
    LatencyOptions o;
    o.runs = runs;
    o.warmup = 10;
    for (const std::string& text : archs) {
        ProfileLevel l;
        l.arch = SubnetArch::parse(text, spec);
        const StaticSubnet sub = net->extract(l.arch);
        l.latency = measureLatency(sub, spec.inChannels, o);
        l.macs = l.arch.macs(spec);
        p.levels.push_back(std::move(l));
    }
    std::sort(p.levels.begin(), p.levels.end(), [](const ProfileLevel& a, const ProfileLevel& b) {
        return a.latency.mean < b.latency.mean;
    });
    for (size_t i = 0; i < p.levels.size(); ++i) {
        p.levels[i].top1 = 80.0 + 3.0 * static_cast<double>(i);
    }
    return p;
}

/// Gives every level of `profile` one operating point per core in `cores`: 1 thread pinned
/// there, with the level's profiled latency (the cores are alike when nothing else runs).
inline void pinPerCore(Profile& profile, const std::vector<std::string>& cores)
{
    for (ProfileLevel& l : profile.levels) {
        l.operatingPoints.clear();
        for (const std::string& core : cores) {
            ProfileOperatingPoint point;
            point.knobs = {{"app.threads", "1"}, {"app.affinity", core}};
            point.latency = l.latency;
            l.operatingPoints.push_back(point);
        }
    }
}

/// A profile of levelArchTexts() with declared latencies (2, 3, 4, 5 ms) and top-1 (82..85 %):
/// for tests about the cache and the backends, not about timing.
inline Profile declaredProfile(const SupernetSpec& spec)
{
    Profile p;
    p.modelName = spec.name;
    p.modelChecksum = "test";
    double ms = 1.0;
    for (const std::string& text : levelArchTexts()) {
        ProfileLevel l;
        l.arch = SubnetArch::parse(text, spec);
        l.latency.mean = l.latency.p50 = l.latency.p90 = (ms += 1.0);
        l.top1 = 80 + ms;
        p.levels.push_back(l);
    }
    return p;
}

/// `n` random 28x28 images with labels 0..9.
inline FashionMnist syntheticImages(int n)
{
    torch::manual_seed(5);
    FashionMnist d;
    d.images = torch::randint(0, 256, {n, 28, 28}, torch::kUInt8);
    d.labels = torch::arange(n).remainder(10).to(torch::kInt64);
    return d;
}

}  // namespace dofa::test
