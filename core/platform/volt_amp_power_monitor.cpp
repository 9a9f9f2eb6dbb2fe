// SPDX-License-Identifier: MIT
#include "platform/volt_amp_power_monitor.h"

namespace dofa {

VoltAmpPowerMonitor::VoltAmpPowerMonitor(SysfsRoot root, MonitorInfo info, std::string voltagePath,
                                         std::string currentPath)
    : m_root(std::move(root)),
      m_info(std::move(info)),
      m_voltagePath(std::move(voltagePath)),
      m_currentPath(std::move(currentPath))
{
    m_info.source = m_root.path(m_voltagePath) + " x " + m_root.path(m_currentPath);
}

Result<Sample> VoltAmpPowerMonitor::read()
{
    const Result<std::int64_t> mv = m_root.readInt(m_voltagePath);
    if (!mv)
        return Result<Sample>::fail(mv.error());
    const Result<std::int64_t> ma = m_root.readInt(m_currentPath);
    if (!ma)
        return Result<Sample>::fail(ma.error());
    return Result<Sample>::ok({monotonicNs(), static_cast<double>(mv.value()) *
                                                  static_cast<double>(ma.value()) / 1000.0});
}

}  // namespace dofa
