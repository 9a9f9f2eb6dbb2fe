// SPDX-License-Identifier: MIT
#include "runtime/lookup_table_policy.h"

#include "runtime/candidate.h"

namespace dofa {

void LookupTablePolicy::evaluate(const PolicyInput& in, DecisionCause cause,
                                 std::vector<Selection>& out)
{
    for (std::size_t m = 0; m < in.models.size(); ++m) {
        const ModelState& model = in.models[m];
        const LevelTable& table = *model.table;
        const Targets& targets = model.targets;
        const std::vector<Candidate> candidates =
            enumerateCandidates(table, model.latency, in.nowNs);
        std::string why;
        int pick = bestMeetingTargets(candidates, targets, targets.objective);
        if (pick >= 0) {
            why = describeCandidate(table, candidates[pick]) + " is the " +
                  objectiveName(targets.objective) + " meeting " + targets.describe();
            if (targets.powerW && !candidates[pick].powerMw)
                why += " (power not profiled, not checked)";
        } else {
            std::string rule;
            pick = fallbackCandidate(candidates, targets, &rule);
            why = "no level meets " + targets.describe() + "; fallback: " + rule + ", " +
                  describeCandidate(table, candidates[pick]);
        }
        const Candidate& c = candidates[pick];
        // Which numbers: the profile as measured, or what the manager learnt since.
        why += "; latency of " + describeLatency(model, c.level, c.operatingPoint, in.nowNs);
        out[m].level = c.level;
        out[m].operatingPoint = c.operatingPoint;
        out[m].reason =
            why + " → " +
            describeTransition(table, model.level, model.operatingPoint, c.level, c.operatingPoint);
    }
}

bool LookupTablePolicy::observe(const PolicyInput&, const FrameObservation&,
                                std::vector<Selection>&)
{
    return false;
}

}  // namespace dofa
