// SPDX-License-Identifier: MIT
#pragma once

#include "platform/monitor.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// Power of a rail that reports only voltage and current: the mainline hwmon ina3221 driver (JP5+)
/// has inK_input (mV) and currK_input (mA) but no power file, so P[mW] = V[mV] * I[mA] / 1000.
class VoltAmpPowerMonitor : public Monitor
{
public:
    VoltAmpPowerMonitor(SysfsRoot root, MonitorInfo info, std::string voltagePath,
                        std::string currentPath);

    [[nodiscard]] const MonitorInfo& info() const override { return m_info; }
    Result<Sample> read() override;

private:
    SysfsRoot m_root;
    MonitorInfo m_info;
    std::string m_voltagePath;
    std::string m_currentPath;
};

}  // namespace dofa
