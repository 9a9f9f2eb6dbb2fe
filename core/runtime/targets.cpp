// SPDX-License-Identifier: MIT
#include "runtime/targets.h"

#include "runtime/text_format.h"

namespace dofa {

const char* objectiveName(Objective objective)
{
    switch (objective) {
        case Objective::MostAccurate:
            return "most accurate";
        case Objective::LowestEnergy:
            return "lowest energy";
        case Objective::LowestLatency:
            return "lowest latency";
    }
    return "?";
}

std::string Targets::describe() const
{
    std::string out;
    auto add = [&out](const std::string& part) {
        if (!out.empty())
            out += ", ";
        out += part;
    };
    if (latencyMs)
        add(formatText("latency ≤ %.4g ms", *latencyMs));
    if (powerW)
        add(formatText("power ≤ %.4g W", *powerW));
    if (minAccuracy)
        add(formatText("accuracy ≥ %.4g %%", *minAccuracy));
    return out.empty() ? std::string("no targets") : out;
}

bool Targets::operator==(const Targets& other) const
{
    return latencyMs == other.latencyMs && powerW == other.powerW &&
           minAccuracy == other.minAccuracy && objective == other.objective;
}

}  // namespace dofa
