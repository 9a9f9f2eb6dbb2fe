// SPDX-License-Identifier: MIT
#include "platform/function_monitor.h"

namespace dofa {

FunctionMonitor::FunctionMonitor(MonitorInfo info, std::function<Result<double>()> read)
    : m_info(std::move(info)), m_read(std::move(read))
{}

Result<Sample> FunctionMonitor::read()
{
    const Result<double> v = m_read ? m_read() : Result<double>::fail(m_info.id + ": no reader");
    if (!v)
        return Result<Sample>::fail(v.error());
    return Result<Sample>::ok({monotonicNs(), v.value()});
}

std::shared_ptr<FunctionMonitor> FunctionMonitor::sumOf(MonitorInfo info,
                                                        std::vector<std::shared_ptr<Monitor>> parts)
{
    return std::make_shared<FunctionMonitor>(std::move(info), [parts = std::move(parts)]() {
        double sum = 0;
        for (const auto& part : parts) {
            const Result<Sample> s = part->read();
            if (!s)
                return Result<double>::fail(part->info().id + ": " + s.error());
            sum += s.value().value;
        }
        return Result<double>::ok(sum);
    });
}

}  // namespace dofa
