// SPDX-License-Identifier: MIT
#include "runtime/level_table.h"

#include <stdexcept>

#include "runtime/text_format.h"

namespace dofa {

namespace {

void require(bool condition, int level, const char* what)
{
    if (!condition)
        throw std::invalid_argument(formatText("level table: level %d: %s", level, what));
}

}  // namespace

LevelTable::LevelTable(std::vector<RuntimeLevel> levels) : m_levels(std::move(levels))
{
    if (m_levels.empty())
        throw std::invalid_argument("level table: no levels");
    for (int i = 0; i < size(); ++i) {
        const RuntimeLevel& l = m_levels[i];
        require(l.latencyMeanMs > 0, i, "latency mean must be > 0 ms");
        require(l.latencyP90Ms >= 0, i, "latency p90 must be >= 0 ms");
        require(!l.powerMw || *l.powerMw > 0, i, "power must be > 0 mW");
        require(!l.energyMj || *l.energyMj > 0, i, "energy must be > 0 mJ");
        require(i == 0 || l.latencyMeanMs >= m_levels[i - 1].latencyMeanMs, i,
                "levels must be in ascending mean latency");
        for (const OperatingPoint& op : l.operatingPoints) {
            require(op.latencyMs > 0, i, "operating point latency must be > 0 ms");
            require(!op.powerMw || *op.powerMw > 0, i, "operating point power must be > 0 mW");
            require(!op.energyMj || *op.energyMj > 0, i, "operating point energy must be > 0 mJ");
        }
    }
}

bool LevelTable::hasOperatingPoints() const
{
    for (const RuntimeLevel& l : m_levels)
        if (!l.operatingPoints.empty())
            return true;
    return false;
}

std::optional<double> energyPerInferenceMj(const RuntimeLevel& level, int operatingPoint)
{
    if (operatingPoint >= 0) {
        const OperatingPoint& op = level.operatingPoints.at(operatingPoint);
        if (op.energyMj)
            return op.energyMj;
        if (op.powerMw)
            return *op.powerMw * op.latencyMs / 1000.0;
        return std::nullopt;
    }
    if (level.energyMj)
        return level.energyMj;
    if (level.powerMw)
        return *level.powerMw * level.latencyMeanMs / 1000.0;
    return std::nullopt;
}

}  // namespace dofa
