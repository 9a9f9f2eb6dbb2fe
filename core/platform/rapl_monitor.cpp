// SPDX-License-Identifier: MIT
#include "platform/rapl_monitor.h"

namespace dofa {

RaplMonitor::RaplMonitor(SysfsRoot root, MonitorInfo info, std::string zoneSysPath, Mode mode,
                         std::function<std::int64_t()> clockNs)
    : m_root(std::move(root)),
      m_info(std::move(info)),
      m_energyPath(zoneSysPath + "/energy_uj"),
      m_mode(mode),
      m_clock(std::move(clockNs))
{
    m_info.unit = mode == Mode::Energy ? Unit::MicroJoule : Unit::MilliWatt;
    m_info.source = m_root.path(m_energyPath);
    const Result<std::int64_t> range = m_root.readInt(zoneSysPath + "/max_energy_range_uj");
    if (range && range.value() > 0)
        m_maxRange = static_cast<std::uint64_t>(range.value());
    const Result<std::int64_t> first = m_root.readInt(m_energyPath);
    if (first && first.value() >= 0) {
        m_primed = true;
        m_lastUj = static_cast<std::uint64_t>(first.value());
        m_lastNs = m_clock();
    }
}

Result<Sample> RaplMonitor::read()
{
    const Result<std::int64_t> counter = m_root.readInt(m_energyPath);
    const std::int64_t now = m_clock();
    if (!counter)
        return Result<Sample>::fail(counter.error() +
                                    (counter.error().find("EACCES") != std::string::npos
                                         ? " (energy_uj is root-only since Linux 5.10)"
                                         : ""));
    if (counter.value() < 0)
        return Result<Sample>::fail(m_info.source + ": negative energy counter");
    const auto uj = static_cast<std::uint64_t>(counter.value());
    if (!m_primed) {
        m_primed = true;
        m_lastUj = uj;
        m_lastNs = now;
        if (m_mode == Mode::Energy)
            return Result<Sample>::ok({now, 0.0});
        return Result<Sample>::fail(m_info.source +
                                    ": first readable sample; power needs two readings");
    }
    if (uj < m_lastUj && m_maxRange == 0)
        return Result<Sample>::fail(m_info.source +
                                    ": counter went back and max_energy_range_uj is unknown");
    if (m_maxRange != 0 && (uj > m_maxRange || m_lastUj > m_maxRange))
        return Result<Sample>::fail(m_info.source + ": counter above max_energy_range_uj");
    const std::uint64_t delta = counterDelta(m_lastUj, uj, m_maxRange);
    const std::int64_t dtNs = now - m_lastNs;
    if (m_mode == Mode::Power && dtNs <= 0)
        return Result<Sample>::fail(m_info.source + ": no time between two readings");
    m_lastUj = uj;
    m_lastNs = now;
    m_totalUj += static_cast<double>(delta);
    if (m_mode == Mode::Energy)
        return Result<Sample>::ok({now, m_totalUj});
    // µJ per ns is kW: x 1e6 gives mW.
    return Result<Sample>::ok({now, static_cast<double>(delta) / static_cast<double>(dtNs) * 1e6});
}

}  // namespace dofa
