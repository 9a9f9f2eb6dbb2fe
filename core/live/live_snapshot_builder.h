// SPDX-License-Identifier: MIT
#pragma once

#include "live/live_run_data.h"
#include "live/live_snapshot.h"

namespace dofa {

/// What the views draw on one GUI tick, as a pure function of the run's buffers and the state
/// the controller copied once this tick: the newest frame and its classification, fps over the
/// last 2 s, median latency over the last 30 frames, and every time series over the last
/// `windowSeconds` (min/max per column, at most 1500 points each, so no spike is lost).
/// Reads the rings (each under its own lock) and nothing else: tested without inference.
LiveSnapshot makeLiveSnapshot(const LiveRunData& data, const LiveRunState& state,
                              double windowSeconds);

}  // namespace dofa
