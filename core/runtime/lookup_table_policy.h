// SPDX-License-Identifier: MIT
#pragma once

#include "runtime/policy.h"

namespace dofa {

/// The method's lookup table with the device to itself: the choice changes only when the targets
/// do. Picks the best (level, operating point) meeting every target under the targets' objective
/// (most accurate by default). When none meets them all it falls back, and says so: the fastest
/// pair meeting the accuracy floor and the power target, else the fastest meeting the floor, else
/// the fastest of all. Latencies are the manager's learnt ones where it has learnt something
/// (ModelState::latency: own records, else the profile scaled by them), the profile otherwise;
/// the reason names which. Observed frames do not trigger decisions: use the reactive policy when
/// other programs share the device.
class LookupTablePolicy : public Policy
{
public:
    [[nodiscard]] const char* name() const override { return "lookup"; }
    void evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out) override;
    bool observe(const PolicyInput& in, const FrameObservation& frame,
                 std::vector<Selection>& out) override;
};

}  // namespace dofa
