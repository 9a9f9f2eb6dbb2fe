// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "runtime/lookup_table_policy.h"
#include "runtime/policy.h"

namespace dofa {

/// No management: each model's level is chosen once, when the policy first evaluates, as the
/// lookup table would for the targets then (the most accurate level meeting them), and never
/// changes after: not on frames, not on new targets. No operating point is chosen (-1), so the
/// knobs stay where something else put them. This is the baseline of `dofa run --governor`,
/// where the clocks belong to a Linux governor and the comparison is the manager against it.
class FixedLevelPolicy : public Policy
{
public:
    /// `why` ends every reason ("the clocks are left to the ondemand governor").
    explicit FixedLevelPolicy(std::string why);

    [[nodiscard]] const char* name() const override { return "fixed"; }
    [[nodiscard]] int maxModels() const override { return 8; }
    void evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out) override;
    bool observe(const PolicyInput& in, const FrameObservation& frame,
                 std::vector<Selection>& out) override;

private:
    std::string m_why;
    LookupTablePolicy m_first;  ///< the one choice
    std::vector<int> m_levels;  ///< per model, once chosen
};

}  // namespace dofa
