// SPDX-License-Identifier: MIT
#include "run/simulated_operating_points.h"

#include <cstdio>
#include <stdexcept>

#include "platform/simulated_board.h"

namespace dofa {

LevelTable withSimulatedOperatingPoints(const LevelTable& table,
                                        const std::vector<std::int64_t>& cpuKhz)
{
    using P = SimulatedBoard::Processor;
    const std::int64_t fMax = SimulatedBoard::cpuTableKhz().back();
    // A scratch board answers "what would the model say at f": the live one is not touched.
    SimulatedBoard scratch;
    scratch.setLoad(P::Cpu, 1000);
    std::vector<RuntimeLevel> levels = table.levels();
    for (RuntimeLevel& level : levels) {
        level.operatingPoints.clear();
        for (const std::int64_t f : cpuKhz) {
            if (f <= 0 || f > fMax) {
                throw std::invalid_argument("simulated CPU frequency " + std::to_string(f) +
                                            " kHz outside the board's table");
            }
            scratch.setRange(P::Cpu, SimulatedBoard::cpuTableKhz().front(), f);
            OperatingPoint op;
            char name[64];
            std::snprintf(name, sizeof name, "SIMULATED CPU %lld MHz",
                          static_cast<long long>(scratch.frequencyKhz(P::Cpu) / 1000));
            op.name = name;
            op.knobs = {
                KnobSetting{"cpu.policy0.max_khz", std::to_string(scratch.frequencyKhz(P::Cpu))}};
            op.latencyMs = level.latencyMeanMs * scratch.delayFactor(P::Cpu);
            op.powerMw = scratch.totalMw();
            level.operatingPoints.push_back(std::move(op));
        }
    }
    return LevelTable(std::move(levels));
}

std::vector<std::int64_t> simulatedCpuSteps(int step)
{
    const std::vector<std::int64_t>& t = SimulatedBoard::cpuTableKhz();
    std::vector<std::int64_t> out;
    for (size_t i = t.size() - 1;; i -= static_cast<size_t>(step)) {
        out.insert(out.begin(), t[i]);
        if (i < static_cast<size_t>(step)) {
            break;
        }
    }
    return out;
}

}  // namespace dofa
