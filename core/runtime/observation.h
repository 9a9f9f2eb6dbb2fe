// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace dofa {

/// One inference as the worker measured it.
struct FrameObservation
{
    std::int64_t tNs = 0;  ///< steady time at the end of the frame
    double latencyMs = 0;  ///< per-frame latency
    int level = 0;         ///< table index the frame ran at
    int model = 0;         ///< which model (joint policy); 0 for a single model
};

/// One board power reading (platform Monitor with isTotal, in mW).
struct PowerObservation
{
    std::int64_t tNs = 0;
    double powerMw = 0;
};

}  // namespace dofa
