// SPDX-License-Identifier: MIT
#include "platform/sysfs_value_monitor.h"

namespace dofa {

SysfsValueMonitor::SysfsValueMonitor(SysfsRoot root, MonitorInfo info, std::string sysPath,
                                     std::int64_t divisor, std::optional<std::int64_t> offline)
    : m_root(std::move(root)),
      m_info(std::move(info)),
      m_path(std::move(sysPath)),
      m_divisor(divisor > 0 ? divisor : 1),
      m_offline(offline)
{
    m_info.source = m_root.path(m_path);
}

Result<Sample> SysfsValueMonitor::read()
{
    const Result<std::int64_t> raw = m_root.readInt(m_path);
    if (!raw)
        return Result<Sample>::fail(raw.error());
    if (m_offline && raw.value() <= *m_offline)
        return Result<Sample>::fail(m_info.source + ": sensor offline (reads " +
                                    std::to_string(raw.value()) + ")");
    return Result<Sample>::ok(
        {monotonicNs(), static_cast<double>(raw.value()) / static_cast<double>(m_divisor)});
}

}  // namespace dofa
