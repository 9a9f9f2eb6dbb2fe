// SPDX-License-Identifier: MIT
#include "platform/thread_count_knob.h"

#include <algorithm>
#include <thread>

namespace dofa {

ThreadCountKnob::ThreadCountKnob(std::function<int()> getter, std::function<void(int)> setter,
                                 int maxThreads)
    : m_getter(std::move(getter)), m_setter(std::move(setter))
{
    if (maxThreads <= 0)
        maxThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    m_info.id = kId;
    m_info.unit = Unit::Count;
    m_info.source = "in-process";
    m_info.description = "intra-op threads of the inference library";
    for (int n = 1; n <= maxThreads; ++n)
        m_info.allowed.push_back(n);
}

Result<std::string> ThreadCountKnob::get() const
{
    if (!m_getter)
        return Result<std::string>::fail("app.threads: no getter was given");
    return Result<std::string>::ok(std::to_string(m_getter()));
}

Result<std::string> ThreadCountKnob::set(const std::string& value)
{
    if (!m_setter)
        return Result<std::string>::fail("app.threads: " + readOnlyReason());
    const Result<std::int64_t> want = parseInteger(value, m_info.id);
    if (!want)
        return Result<std::string>::fail(want.error());
    m_setter(static_cast<int>(snapToAllowed(m_info.allowed, want.value())));
    return get();
}

std::string ThreadCountKnob::readOnlyReason() const
{
    return m_setter ? std::string() : std::string("read-only: no setter was given");
}

}  // namespace dofa
