// SPDX-License-Identifier: MIT
#include "platform/platform.h"

#include <algorithm>

#include "platform/affinity_knob.h"
#include "platform/jetson_backend.h"
#include "platform/linux_backend.h"
#include "platform/nvml_backend.h"
#include "platform/platform_log.h"
#include "platform/simulated_board.h"
#include "platform/sysfs_root.h"
#include "platform/thread_count_knob.h"

namespace dofa {

namespace {

bool isAppKnob(const Knob& knob)
{
    return knob.info().id.rfind("app.", 0) == 0;
}

}  // namespace

Platform Platform::discover(const Options& options)
{
    Platform p;
    p.m_root = options.root.empty() ? std::string("/") : options.root;
    const SysfsRoot root(p.m_root, options.readOnly);
    JetsonBackend::discover(root, p.m_parts);
    LinuxBackend::discover(root, p.m_parts);
    NvmlBackend::discover(options.nvmlLibrary, p.m_parts);
    p.addAppKnobs(options);
    for (const std::string& line : p.m_parts.found)
        qCInfo(lcPlatform, "found under %s: %s", p.m_root.c_str(), line.c_str());
    for (const std::string& line : p.m_parts.problems)
        qCInfo(lcPlatform, "not used: %s", line.c_str());
    return p;
}

Platform Platform::simulated(std::shared_ptr<SimulatedBoard> board, const Options& options)
{
    Platform p;
    p.m_root = "(simulated)";
    p.m_board = board ? std::move(board) : std::make_shared<SimulatedBoard>();
    SimulatedBoard::addTo(p.m_board, p.m_parts);
    p.addAppKnobs(options);
    return p;
}

void Platform::addAppKnobs(const Options& options)
{
    if (options.threadCountGetter && options.threadCountSetter)
        m_parts.knobs.push_back(std::make_shared<ThreadCountKnob>(options.threadCountGetter,
                                                                  options.threadCountSetter));
    if (options.affinityOfCallingThread)
        m_parts.knobs.push_back(std::make_shared<AffinityKnob>());
}

std::shared_ptr<Monitor> Platform::monitor(const std::string& id) const
{
    const auto it = std::find_if(m_parts.monitors.begin(), m_parts.monitors.end(),
                                 [&](const auto& m) { return m->info().id == id; });
    return it == m_parts.monitors.end() ? nullptr : *it;
}

std::shared_ptr<Knob> Platform::knob(const std::string& id) const
{
    const auto it = std::find_if(m_parts.knobs.begin(), m_parts.knobs.end(),
                                 [&](const auto& k) { return k->info().id == id; });
    return it == m_parts.knobs.end() ? nullptr : *it;
}

std::shared_ptr<Monitor> Platform::totalPower() const
{
    const auto it = std::find_if(m_parts.monitors.begin(), m_parts.monitors.end(),
                                 [](const auto& m) { return m->info().isTotal; });
    return it == m_parts.monitors.end() ? nullptr : *it;
}

bool Platform::hasHardware() const
{
    if (isSimulated())
        return false;
    return !m_parts.monitors.empty() || std::any_of(m_parts.knobs.begin(), m_parts.knobs.end(),
                                                    [](const auto& k) { return !isAppKnob(*k); });
}

std::string Platform::description() const
{
    std::string text;
    if (isSimulated()) {
        text = std::string(SimulatedBoard::name()) +
               ": not real hardware; frequencies, power and temperature come from a model.\n";
    } else if (!hasHardware()) {
        text = "No hardware monitors or knobs found under " + m_root +
               " (looked for cpufreq, thermal zones, INA3221 rails, a devfreq GPU, RAPL and "
               "NVML). Only app-level knobs are available; the SIMULATED board can stand in.\n";
    } else {
        text = "Platform under " + m_root + ":\n";
    }
    for (const std::string& line : m_parts.found)
        text += "  found: " + line + "\n";
    if (const auto total = totalPower())
        text += "  " + total->info().description + "\n";
    std::size_t readOnly = 0;
    std::string firstReason;  // the reasons repeat per file; one example is enough
    for (const auto& k : m_parts.knobs) {
        const std::string reason = k->readOnlyReason();
        if (reason.empty())
            continue;
        if (readOnly++ == 0)
            firstReason = reason;
    }
    text += "  " + std::to_string(m_parts.monitors.size()) + " monitors, " +
            std::to_string(m_parts.knobs.size()) + " knobs";
    if (readOnly > 0)
        text += " (" + std::to_string(readOnly) + " read-only, e.g. " + firstReason + ")";
    text += "\n";
    for (const std::string& line : m_parts.problems)
        text += "  unavailable: " + line + "\n";
    return text;
}

}  // namespace dofa
