// SPDX-License-Identifier: MIT
#include "runtime/fixed_level_policy.h"

namespace dofa {

FixedLevelPolicy::FixedLevelPolicy(std::string why) : m_why(std::move(why)) {}

void FixedLevelPolicy::evaluate(const PolicyInput& in, DecisionCause cause,
                                std::vector<Selection>& out)
{
    if (m_levels.size() != in.models.size()) {
        m_first.evaluate(in, cause, out);
        m_levels.clear();
        for (Selection& s : out) {
            m_levels.push_back(s.level);
            s.operatingPoint = -1;
            s.reason = "fixed at level " + std::to_string(s.level) + ", " + m_why +
                       " (lookup at start: " + s.reason + ")";
        }
        return;
    }
    for (std::size_t m = 0; m < out.size(); ++m) {
        out[m].level = m_levels[m];
        out[m].operatingPoint = -1;
        out[m].reason = "level " + std::to_string(m_levels[m]) + " stays fixed, " + m_why;
    }
}

bool FixedLevelPolicy::observe(const PolicyInput&, const FrameObservation&, std::vector<Selection>&)
{
    return false;
}

}  // namespace dofa
