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

}  // namespace dofa
