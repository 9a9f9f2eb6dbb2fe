// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace dofa {

/// A value or the reason why there is none. Sensors and knobs fail for ordinary reasons (root-only
/// files, a driver that is not loaded, a transient EIO), and a missing reading must never look like
/// a reading of 0: callers see `isOk() == false` and a message that names the file or the API.
template <typename T>
class Result
{
public:
    static Result ok(T value)
    {
        Result r;
        r.m_value = std::move(value);
        return r;
    }
    static Result fail(std::string error)
    {
        Result r;
        r.m_error = error.empty() ? std::string("unknown error") : std::move(error);
        return r;
    }

    [[nodiscard]] bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    /// Throws std::logic_error carrying the error text when there is no value: reading an
    /// unavailable value is a programming error, not a 0.
    [[nodiscard]] const T& value() const
    {
        if (!m_value)
            throw std::logic_error("no value: " + m_error);
        return *m_value;
    }
    [[nodiscard]] T valueOr(T fallback) const { return m_value ? *m_value : std::move(fallback); }
    [[nodiscard]] const std::optional<T>& optional() const { return m_value; }
    /// Empty when isOk().
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    Result() = default;
    std::optional<T> m_value;
    std::string m_error;
};

}  // namespace dofa
