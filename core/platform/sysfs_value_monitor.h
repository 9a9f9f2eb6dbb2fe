// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>

#include "platform/monitor.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// One integer file scaled to the canonical unit: cpufreq scaling_cur_freq (kHz), devfreq cur_freq
/// (Hz / 1000), GPU load (‰), thermal temp (m°C), INA3221 voltage and current, IIO power (mW).
class SysfsValueMonitor : public Monitor
{
public:
    /// value = file / `divisor`. A reading at or below `offlineAtOrBelow` means "sensor offline"
    /// (thermal zones report -256000 when their block is powered down): unavailable, not a value.
    SysfsValueMonitor(SysfsRoot root, MonitorInfo info, std::string sysPath,
                      std::int64_t divisor = 1,
                      std::optional<std::int64_t> offlineAtOrBelow = std::nullopt);

    [[nodiscard]] const MonitorInfo& info() const override { return m_info; }
    Result<Sample> read() override;

private:
    SysfsRoot m_root;
    MonitorInfo m_info;
    std::string m_path;
    std::int64_t m_divisor;
    std::optional<std::int64_t> m_offline;
};

}  // namespace dofa
