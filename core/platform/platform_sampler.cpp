// SPDX-License-Identifier: MIT
#include "platform/platform_sampler.h"

#include "platform/monitor.h"
#include "platform/platform.h"

namespace dofa {

namespace {

std::optional<double> readValue(Monitor* m)
{
    if (!m) {
        return std::nullopt;
    }
    const auto s = m->read();
    return s.isOk() ? std::optional<double>(s.value().value) : std::nullopt;
}

}  // namespace

PlatformSampler::PlatformSampler(const Platform& platform, std::int64_t periodNs)
    : m_periodNs(periodNs)
{
    for (const auto& m : platform.monitors()) {
        const MonitorInfo& info = m->info();
        if (info.unit == Unit::MilliWatt && info.isTotal && !m_total) {
            m_total = m;
        } else if (info.unit == Unit::MilliWatt && info.id.rfind("power.", 0) == 0) {
            m_rails.push_back(m);
            m_railIds.push_back(info.id);
        } else if (info.unit == Unit::KiloHertz && info.id.rfind("freq.cpu", 0) == 0 &&
                   !m_cpuClock) {
            m_cpuClock = m;
        } else if (info.unit == Unit::KiloHertz && info.id.rfind("freq.gpu", 0) == 0 &&
                   !m_gpuClock) {
            m_gpuClock = m;
        }
    }
    if (!m_total) {
        m_total = platform.totalPower();
    }
}

bool PlatformSampler::sampleIfDue(std::int64_t nowNs)
{
    if (m_count > 0 && nowNs - m_latest.tNs < m_periodNs) {
        return false;
    }
    PlatformSample s;
    s.tNs = nowNs;
    s.totalMw = readValue(m_total.get());
    s.railsMw.reserve(m_rails.size());
    for (const auto& rail : m_rails) {
        s.railsMw.push_back(readValue(rail.get()));
    }
    s.cpuKhz = readValue(m_cpuClock.get());
    s.gpuKhz = readValue(m_gpuClock.get());
    m_latest = std::move(s);
    ++m_count;
    return true;
}

}  // namespace dofa
