// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "platform/monitor.h"

namespace dofa {

/// A monitor whose value comes from a callable: derived values (the sum of rails), NVML queries,
/// the simulated board. The callable returns the value in the canonical unit or an error.
class FunctionMonitor : public Monitor
{
public:
    FunctionMonitor(MonitorInfo info, std::function<Result<double>()> read);
    /// The sum of `parts` (a board total made of rails or RAPL zones); fails, naming the part by
    /// its id, when any part cannot be read: a sum with a missing term is not a total.
    static std::shared_ptr<FunctionMonitor> sumOf(MonitorInfo info,
                                                  std::vector<std::shared_ptr<Monitor>> parts);

    [[nodiscard]] const MonitorInfo& info() const override { return m_info; }
    Result<Sample> read() override;

private:
    MonitorInfo m_info;
    std::function<Result<double>()> m_read;
};

}  // namespace dofa
