// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>

#include "platform/monitor.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// A RAPL powercap zone (/sys/class/powercap/intel-rapl:Z[:S]). energy_uj is a counter in µJ that
/// wraps at max_energy_range_uj, so both modes work on differences:
/// - Energy: µJ accumulated since the monitor was created, wraps undone (monotonic);
/// - Power: mW over the interval since the previous read (the first interval starts at creation).
/// A wrap between two reads is undone as (max_energy_range_uj - last) + now; more than one wrap
/// between reads cannot be seen, so sample faster than half the wrap period (minutes at most).
class RaplMonitor : public Monitor
{
public:
    enum class Mode { Energy, Power };

    /// `zoneSysPath` is the zone directory. `clockNs` is injectable for tests.
    RaplMonitor(SysfsRoot root, MonitorInfo info, std::string zoneSysPath, Mode mode,
                std::function<std::int64_t()> clockNs = monotonicNs);

    [[nodiscard]] const MonitorInfo& info() const override { return m_info; }
    Result<Sample> read() override;

    /// Counter difference with one wrap undone.
    static std::uint64_t counterDelta(std::uint64_t last, std::uint64_t now, std::uint64_t maxRange)
    {
        return now >= last ? now - last : (maxRange - last) + now;
    }

private:
    SysfsRoot m_root;
    MonitorInfo m_info;
    std::string m_energyPath;
    Mode m_mode;
    std::function<std::int64_t()> m_clock;
    std::uint64_t m_maxRange = 0;  ///< 0: unknown, a counter going back is then an error
    bool m_primed = false;
    std::uint64_t m_lastUj = 0;
    std::int64_t m_lastNs = 0;
    double m_totalUj = 0;
};

}  // namespace dofa
