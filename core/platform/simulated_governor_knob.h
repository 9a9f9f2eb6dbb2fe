// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "platform/knob.h"
#include "platform/simulated_board.h"

namespace dofa {

/// The SIMULATED board's CPU governor (cpu.policy0.governor), the stand-in for cpufreq's
/// scaling_governor: one of SimulatedGovernor::names(); another word is refused and nothing
/// changes. In-process, so KnobGuard restores it with set(original).
class SimulatedGovernorKnob : public Knob
{
public:
    explicit SimulatedGovernorKnob(std::shared_ptr<SimulatedBoard> board);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override { return {}; }

private:
    std::shared_ptr<SimulatedBoard> m_board;
    KnobInfo m_info;
};

}  // namespace dofa
