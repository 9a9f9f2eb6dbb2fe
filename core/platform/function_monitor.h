// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

#include "platform/monitor.h"

namespace dofa {

/// A monitor whose value comes from a callable: derived values (the sum of rails), NVML queries,
/// the simulated board. The callable returns the value in the canonical unit or an error.
class FunctionMonitor : public Monitor
{
public:
    FunctionMonitor(MonitorInfo info, std::function<Result<double>()> read);

    [[nodiscard]] const MonitorInfo& info() const override { return m_info; }
    Result<Sample> read() override;

private:
    MonitorInfo m_info;
    std::function<Result<double>()> m_read;
};

}  // namespace dofa
