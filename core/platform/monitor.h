// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

#include "platform/result.h"
#include "platform/unit.h"

namespace dofa {

/// What a monitor measures and where it reads it from.
struct MonitorInfo
{
    std::string id;           ///< stable name: power.rail.VDD_IN, power.total, freq.cpu.policy0,
                              ///< freq.gpu, load.gpu, temp.CPU-therm, power.rapl.package-0
    Unit unit = Unit::None;   ///< canonical unit of Sample::value
    std::string source;       ///< resolved path, "nvml:0" or "simulated"
    std::string description;  ///< one line for humans (what is summed, which rail is the total)
    bool isTotal = false;     ///< the board's total power (VDD_IN, POM_5V_IN, psys, sum of rails)
    bool simulated = false;   ///< value comes from the simulated board, not from hardware
};

/// One reading, stamped with CLOCK_MONOTONIC (std::chrono::steady_clock) nanoseconds so that
/// energy can be integrated over real time.
struct Sample
{
    std::int64_t tNs = 0;
    double value = 0;
};

/// A sensor. read() is cheap and may be called at ~10 Hz from a sampler thread; a monitor is not
/// thread-safe (counter-based monitors keep the previous reading), so one thread owns it.
class Monitor
{
public:
    virtual ~Monitor() = default;
    [[nodiscard]] virtual const MonitorInfo& info() const = 0;
    /// A fresh sample, or why there is none (file unreadable, unparseable, sensor offline).
    virtual Result<Sample> read() = 0;
};

/// CLOCK_MONOTONIC now, in nanoseconds.
std::int64_t monotonicNs();

}  // namespace dofa
