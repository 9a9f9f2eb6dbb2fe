// SPDX-License-Identifier: MIT
#pragma once

#include "platform/discovery.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// NVIDIA Jetson sensors and the GPU, found by name and never by a hard-coded hwmonN, bus number
/// or GPU node (they change with board, L4T release and boot; reference/jetson-platform.md §1.3).
/// CPU frequency and thermal zones are plain Linux: see LinuxBackend.
class JetsonBackend
{
public:
    static void discover(const SysfsRoot& root, Discovery& out);

    /// INA3221 power monitors: every /sys/bus/i2c/devices/<dev> whose `name` contains ina3221.
    /// JP5+ hwmon (inK_label, inK_input mV x currK_input mA) or JP4 IIO (rail_name_K,
    /// in_powerK_input mW). Channels labelled NC and channel 7 (sum of shunt voltages) are
    /// skipped. Per rail: power.rail.<label> (mW), voltage.rail.<label> (mV), current.rail.<label>
    /// (mA). power.total is VDD_IN or POM_5V_IN when present (module input: adding the other rails
    /// would count them twice), else the sum of all rails (AGX Xavier, AGX Orin).
    static void discoverIna3221(const SysfsRoot& root, Discovery& out);

    /// The integrated GPU's devfreq node: the /sys/class/devfreq entry whose
    /// device/of_node/name is gv11b, gp10b, ga10b, gb10b, gpu (or contains "gpu"). freq.gpu (kHz),
    /// load.gpu (‰, <device>/load), knobs gpu.min_khz / gpu.max_khz / gpu.governor.
    static void discoverGpu(const SysfsRoot& root, Discovery& out);
};

}  // namespace dofa
