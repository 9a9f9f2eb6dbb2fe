// SPDX-License-Identifier: MIT
#include "platform/knob.h"

#include <algorithm>
#include <charconv>

namespace dofa {

Result<std::vector<RestoreStep>> Knob::restoreSteps() const
{
    return Result<std::vector<RestoreStep>>::ok({});
}

Result<std::int64_t> Knob::getInt() const
{
    const Result<std::string> text = get();
    if (!text)
        return Result<std::int64_t>::fail(text.error());
    return parseInteger(text.value(), info().id);
}

std::int64_t snapToAllowed(const std::vector<std::int64_t>& allowed, std::int64_t value)
{
    if (allowed.empty())
        return value;
    const auto it = std::lower_bound(allowed.begin(), allowed.end(), value);
    if (it == allowed.begin())
        return *it;
    if (it == allowed.end())
        return allowed.back();
    const std::int64_t above = *it;
    const std::int64_t below = *(it - 1);
    return (above - value) < (value - below) ? above : below;
}

Result<std::int64_t> parseInteger(const std::string& text, const std::string& what)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    if (first == std::string::npos)
        return Result<std::int64_t>::fail(what + ": expected an integer, got an empty value");
    const char* begin = text.data() + first;
    const char* end = text.data() + last + 1;
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end)
        return Result<std::int64_t>::fail(what + ": expected an integer, got '" +
                                          std::string(begin, end) + "'");
    return Result<std::int64_t>::ok(value);
}

}  // namespace dofa
