// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/level_table.h"

namespace dofa {

/// The levels of `table` with operating points on the SIMULATED board's CPU clock: for each
/// frequency f in `cpuKhz` (kHz, from SimulatedBoard::cpuTableKhz()), the level's profiled
/// latency × f_max / f and the board's modelled total power at f under full CPU load. This is
/// what lets the energy policy trade clock against level on a machine without DVFS; every point
/// is named SIMULATED, since both numbers come from the board's model, not from a measurement.
/// The knob of each point is `cpu.policy0.max_khz` (the board runs at its max bound).
LevelTable withSimulatedOperatingPoints(const LevelTable& table,
                                        const std::vector<std::int64_t>& cpuKhz);

/// Every `step`-th frequency of the simulated CPU table, always including the top one.
std::vector<std::int64_t> simulatedCpuSteps(int step);

}  // namespace dofa
