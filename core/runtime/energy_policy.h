// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/candidate.h"
#include "runtime/policy.h"
#include "runtime/sample_window.h"

namespace dofa {

/// Knobs of the energy policy's feedback.
struct EnergyConfig
{
    int windowFrames = 10;  ///< latencies at the current (level, operating point)
    WindowStatistic statistic = WindowStatistic::Median;
    int minFrames = 5;  ///< frames at a choice before a violation is judged
};

/// Level and operating point chosen together for the least energy per inference (power ×
/// latency) that meets the latency target, the power target and the accuracy floor (the targets'
/// objective is not used: this policy's objective is energy). A slower clock can win: less power
/// for longer. Pairs without a power profile rank after those with one. When nothing meets the
/// targets, the same fallback as the lookup table, said so in the reason.
///
/// Latencies: every pair's is what the manager's latency model predicts (ModelState::latency): its
/// own learnt record, else its profile scaled by the pairs with records, else the profile; its
/// energy scales with it (same power for longer). Reasons name which numbers the choice used.
///
/// Feedback: when the latency statistic of the current choice exceeds its target, or the observed
/// board power exceeds the power target, the choice is re-made on those latencies and with every
/// pair's power scaled by the observed / profiled power ratio. It does not step back up on slack:
/// new targets, or a policy switch, re-evaluate (on the learnt latencies, profiled power). One
/// model only.
class EnergyPolicy : public Policy
{
public:
    explicit EnergyPolicy(EnergyConfig config = {});

    [[nodiscard]] const char* name() const override { return "energy"; }
    void evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out) override;
    bool observe(const PolicyInput& in, const FrameObservation& frame,
                 std::vector<Selection>& out) override;

private:
    /// Index into m_scaled of the minimum-energy pair meeting the targets, or the fallback;
    /// `met` says which. Allocation-free.
    int choose(const ModelState& model, std::int64_t nowNs, double powerScale, bool& met);
    [[nodiscard]] int indexOf(int level, int operatingPoint) const;

    EnergyConfig m_config;
    SampleWindow m_window;
    std::vector<Candidate> m_candidates;  ///< from the profile (evaluate)
    std::vector<Candidate> m_scaled;      ///< same size, re-predicted in place when deciding
    int m_current = -1;                   ///< index of the pair the window measures
    int m_framesAtCurrent = 0;
};

}  // namespace dofa
