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
    /// > 0: timed runs start at this rate (frames per second) and the thread sleeps in between,
    /// as under a camera; 0: back to back.
    double paceFps = 0;
};

/// Times `fn` (warm-up back to back, then timed runs). `sync` runs before each clock read, so
/// asynchronous devices are timed to completion (torch::cuda::synchronize on CUDA). With
/// `paceFps` > 0 run i starts at start + i / paceFps (a run longer than the period starts the
/// next one late, as a frame source would drop a frame, not queue it).
LatencyStats timeRuns(const std::function<void()>& fn, int warmup, int runs,
                      const std::function<void()>& sync = {}, double paceFps = 0);

/// End-to-end latency of one forward pass of `net` at its own resolution, input already
/// preprocessed (what the engine times per frame, minus capture and preprocessing).
LatencyStats measureLatency(const StaticSubnet& net, int inChannels,
                            const LatencyOptions& options = {});

}  // namespace dofa
