// SPDX-License-Identifier: MIT
#include "latency_meter.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <thread>

#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

namespace dofa {

LatencyStats timeRuns(const std::function<void()>& fn, int warmup, int runs,
                      const std::function<void()>& sync, double paceFps)
{
    using SteadyClock = std::chrono::steady_clock;
    if (runs < 1) {
        throw std::invalid_argument("latency: at least one timed run is needed");
    }
    if (paceFps < 0) {
        throw std::invalid_argument("latency: the pace must be >= 0 frames per second");
    }
    for (int i = 0; i < warmup; ++i) {
        fn();
    }
    if (sync) {
        sync();
    }
    std::vector<double> ms;
    ms.reserve(static_cast<size_t>(runs));
    const auto period = std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(paceFps > 0 ? 1.0 / paceFps : 0.0));
    auto due = SteadyClock::now() + period;
    for (int i = 0; i < runs; ++i) {
        if (paceFps > 0) {
            std::this_thread::sleep_until(due);
        }
        const auto start = SteadyClock::now();
        due = std::max(due + period, start);
        fn();
        if (sync) {
            sync();
        }
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    return LatencyStats::fromSamples(std::move(ms));
}

LatencyStats measureLatency(const StaticSubnet& net, int inChannels, const LatencyOptions& options)
{
    c10::InferenceMode inference;
    const bool cuda = options.device.is_cuda();
    const StaticSubnet onDevice = cuda ? net.to(options.device) : net;
    const torch::Tensor x =
        torch::randn({options.batch, inChannels, net.resolution(), net.resolution()})
            .to(options.device);
    std::function<void()> sync;
    if (cuda) {
        sync = [] { torch::cuda::synchronize(); };
    }
    return timeRuns([&] { (void)onDevice.forward(x); }, options.warmup, options.runs, sync,
                    options.paceFps);
}

}  // namespace dofa
