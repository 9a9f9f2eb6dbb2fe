// SPDX-License-Identifier: MIT
#pragma once

#include "platform/discovery.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// What every Linux box has, Jetson included: cpufreq policies (frequency monitor, min/max and
/// governor knobs), thermal zones, and RAPL powercap zones (energy and power, x86).
class LinuxBackend
{
public:
    static void discover(const SysfsRoot& root, Discovery& out);

    /// /sys/devices/system/cpu/cpufreq/policy* (or cpuN/cpufreq on kernels without policies):
    /// freq.cpu.<policy> (kHz), knobs cpu.<policy>.min_khz / max_khz / governor.
    static void discoverCpufreq(const SysfsRoot& root, Discovery& out);
    /// /sys/class/thermal/thermal_zone*: temp.<type> (m°C); the PMIC zone (a constant 100 °C) is
    /// skipped, -256 °C reads as "offline".
    static void discoverThermal(const SysfsRoot& root, Discovery& out);
    /// /sys/class/powercap/intel-rapl:*: energy.rapl.<zone> (µJ), power.rapl.<zone> (mW), and
    /// power.total = psys when present, else the sum of the package zones and their DRAM zones.
    static void discoverRapl(const SysfsRoot& root, Discovery& out);
};

}  // namespace dofa
