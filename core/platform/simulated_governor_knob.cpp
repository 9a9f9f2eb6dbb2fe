// SPDX-License-Identifier: MIT
#include "platform/simulated_governor_knob.h"

namespace dofa {

SimulatedGovernorKnob::SimulatedGovernorKnob(std::shared_ptr<SimulatedBoard> board)
    : m_board(std::move(board))
{
    m_info.id = "cpu.policy0.governor";
    m_info.unit = Unit::None;
    m_info.source = "simulated";
    m_info.description = "SIMULATED CPU cpufreq governor (a documented model, not the kernel's)";
    m_info.choices = SimulatedGovernor::names();
    m_info.simulated = true;
}

Result<std::string> SimulatedGovernorKnob::get() const
{
    return Result<std::string>::ok(SimulatedGovernor::name(m_board->governor()));
}

Result<std::string> SimulatedGovernorKnob::set(const std::string& value)
{
    const auto kind = SimulatedGovernor::fromName(value);
    if (!kind) {
        std::string all;
        for (const std::string& n : m_info.choices) {
            all += (all.empty() ? "" : ", ") + n;
        }
        return Result<std::string>::fail(m_info.id + ": '" + value + "' is not one of " + all);
    }
    m_board->setGovernor(*kind);
    return get();
}

}  // namespace dofa
