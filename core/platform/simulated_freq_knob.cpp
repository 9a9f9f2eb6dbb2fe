// SPDX-License-Identifier: MIT
#include "platform/simulated_freq_knob.h"

#include <algorithm>

namespace dofa {

SimulatedFreqKnob::SimulatedFreqKnob(std::shared_ptr<SimulatedBoard> board,
                                     SimulatedBoard::Processor processor, Bound bound,
                                     std::string id)
    : m_board(std::move(board)), m_processor(processor), m_bound(bound)
{
    const bool cpu = processor == SimulatedBoard::Processor::Cpu;
    m_info.id = std::move(id);
    m_info.unit = Unit::KiloHertz;
    m_info.source = "simulated";
    m_info.description = std::string("SIMULATED ") + (cpu ? "CPU " : "GPU ") +
                         (bound == Bound::Min ? "minimum" : "maximum") + " frequency";
    m_info.allowed = cpu ? SimulatedBoard::cpuTableKhz() : SimulatedBoard::gpuTableKhz();
    m_info.simulated = true;
}

Result<std::string> SimulatedFreqKnob::get() const
{
    const auto [lo, hi] = m_board->range(m_processor);
    return Result<std::string>::ok(std::to_string(m_bound == Bound::Min ? lo : hi));
}

Result<std::string> SimulatedFreqKnob::set(const std::string& value)
{
    const Result<std::int64_t> want = parseInteger(value, m_info.id);
    if (!want)
        return Result<std::string>::fail(want.error());
    const std::int64_t f = snapToAllowed(m_info.allowed, want.value());
    const auto [lo, hi] = m_board->range(m_processor);
    if (m_bound == Bound::Min)
        m_board->setRange(m_processor, f, std::max(hi, f));
    else
        m_board->setRange(m_processor, std::min(lo, f), f);
    return get();
}

}  // namespace dofa
