// SPDX-License-Identifier: MIT
#include "platform/simulated_governor.h"

#include <algorithm>
#include <cmath>

#include "platform/knob.h"

namespace dofa {

namespace {

/// The lowest table frequency at or above `khz` (the table's top when none is).
std::int64_t lowestAtOrAbove(const std::vector<std::int64_t>& table, double khz)
{
    for (const std::int64_t f : table) {
        if (static_cast<double>(f) >= khz) {
            return f;
        }
    }
    return table.back();
}

}  // namespace

SimulatedGovernor::SimulatedGovernor(Kind kind, Tunables tunables)
    : m_kind(kind),
      m_tunables(tunables),
      m_decay(std::pow(0.5, static_cast<double>(tunables.periodNs) / tunables.utilHalfLifeNs))
{}

const std::vector<std::string>& SimulatedGovernor::names()
{
    static const std::vector<std::string> all = {"performance", "powersave", "ondemand",
                                                 "schedutil"};
    return all;
}

const char* SimulatedGovernor::name(Kind kind)
{
    return names()[static_cast<std::size_t>(kind)].c_str();
}

std::optional<SimulatedGovernor::Kind> SimulatedGovernor::fromName(const std::string& name)
{
    const auto& all = names();
    const auto it = std::find(all.begin(), all.end(), name);
    if (it == all.end()) {
        return std::nullopt;
    }
    return static_cast<Kind>(it - all.begin());
}

std::int64_t SimulatedGovernor::decide(double busy, std::int64_t curKhz, std::int64_t minKhz,
                                       std::int64_t maxKhz, const std::vector<std::int64_t>& table)
{
    busy = std::clamp(busy, 0.0, 1.0);
    const double lo = static_cast<double>(table.front());
    const double hi = static_cast<double>(table.back());
    std::int64_t f = maxKhz;
    switch (m_kind) {
        case Kind::Performance:
            f = maxKhz;
            break;
        case Kind::Powersave:
            f = minKhz;
            break;
        case Kind::Ondemand:
            // The kernel compares whole percent: load > up_threshold.
            f = busy > m_tunables.upThreshold
                    ? maxKhz
                    : snapToAllowed(table, static_cast<std::int64_t>(lo + busy * (hi - lo)));
            break;
        case Kind::Schedutil: {
            // Frequency invariance: a period fully busy at half the clock is half the work.
            const double invariant = busy * static_cast<double>(curKhz) / hi;
            m_util = m_util * m_decay + invariant * (1.0 - m_decay);
            f = lowestAtOrAbove(table, m_tunables.headroom * hi * m_util);
            break;
        }
    }
    return std::clamp(f, minKhz, maxKhz);
}

}  // namespace dofa
