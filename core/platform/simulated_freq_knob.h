// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "platform/knob.h"
#include "platform/simulated_board.h"

namespace dofa {

/// The min or max frequency bound of a SimulatedBoard processor, in kHz, with the semantics of
/// DvfsBoundKnob (snap to the table; a bound set past the other moves it along).
class SimulatedFreqKnob : public Knob
{
public:
    enum class Bound { Min, Max };

    SimulatedFreqKnob(std::shared_ptr<SimulatedBoard> board, SimulatedBoard::Processor processor,
                      Bound bound, std::string id);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override { return {}; }

private:
    std::shared_ptr<SimulatedBoard> m_board;
    SimulatedBoard::Processor m_processor;
    Bound m_bound;
    KnobInfo m_info;
};

}  // namespace dofa
