// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "search/latency_stats.h"
#include "supernet/static_subnet.h"

namespace dofa {

/// How a latency is measured: warm-up runs first (allocator, caches, oneDNN primitives),
/// then timed runs, batch 1 unless told otherwise, on the CPU or a CUDA device.
struct LatencyOptions
{
    int warmup = 10;
    int runs = 50;
    int batch = 1;
    torch::Device device = torch::kCPU;
};

/// Times `fn` (warm-up, then timed runs). `sync` runs before each clock read, so asynchronous
/// devices are timed to completion (torch::cuda::synchronize on CUDA).
LatencyStats timeRuns(const std::function<void()>& fn, int warmup, int runs,
                      const std::function<void()>& sync = {});

/// End-to-end latency of one forward pass of `net` at its own resolution, input already
/// preprocessed (what the engine times per frame, minus capture and preprocessing).
LatencyStats measureLatency(const StaticSubnet& net, int inChannels,
                            const LatencyOptions& options = {});

}  // namespace dofa
