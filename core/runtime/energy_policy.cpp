// SPDX-License-Identifier: MIT
#include "runtime/energy_policy.h"

#include <stdexcept>

#include "runtime/text_format.h"

namespace dofa {

EnergyPolicy::EnergyPolicy(EnergyConfig config) : m_config(config), m_window(config.windowFrames)
{
    if (config.minFrames < 1 || config.minFrames > config.windowFrames)
        throw std::invalid_argument("energy policy: minFrames must be in 1..windowFrames");
}

int EnergyPolicy::indexOf(int level, int operatingPoint) const
{
    for (int i = 0; i < static_cast<int>(m_candidates.size()); ++i)
        if (m_candidates[i].level == level && m_candidates[i].operatingPoint == operatingPoint)
            return i;
    return -1;
}

int EnergyPolicy::choose(const ModelState& model, std::int64_t nowNs, double powerScale, bool& met)
{
    const Targets& targets = model.targets;
    for (std::size_t i = 0; i < m_candidates.size(); ++i) {
        Candidate& c = m_scaled[i];
        c = m_candidates[i];
        applyLearnedLatency(c, model.latency, nowNs);
        if (c.powerMw)
            *c.powerMw *= powerScale;
        if (c.energyMj)
            *c.energyMj *= powerScale;
    }
    int pick = bestMeetingTargets(m_scaled, targets, Objective::LowestEnergy);
    met = pick >= 0;
    if (!met)
        pick = fallbackCandidate(m_scaled, targets);
    return pick;
}

void EnergyPolicy::evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out)
{
    if (in.models.size() != 1)
        throw std::invalid_argument("energy policy: manages exactly one model");
    const ModelState& model = in.models[0];
    const LevelTable& table = *model.table;
    m_candidates = enumerateCandidates(table);
    m_scaled = m_candidates;
    m_current = -1;
    bool met = false;
    const int pick = choose(model, in.nowNs, 1.0, met);
    const Candidate& c = m_scaled[pick];
    std::string why;
    if (met) {
        why = describeCandidate(table, c) +
              (c.energyMj ? " has the lowest energy per inference meeting "
                          : " is the most accurate meeting (no energy profile) ") +
              model.targets.describe();
    } else {
        std::string rule;
        fallbackCandidate(m_scaled, model.targets, &rule);
        why = "no pair meets " + model.targets.describe() + "; fallback: " + rule + ", " +
              describeCandidate(table, c);
    }
    why += "; latency of " + describeLatency(model, c.level, c.operatingPoint, in.nowNs);
    out[0].level = c.level;
    out[0].operatingPoint = c.operatingPoint;
    out[0].reason =
        why + " → " +
        describeTransition(table, model.level, model.operatingPoint, c.level, c.operatingPoint);
}

bool EnergyPolicy::observe(const PolicyInput& in, const FrameObservation& frame,
                           std::vector<Selection>& out)
{
    const ModelState& model = in.models[0];
    if (frame.model != 0 || frame.level != model.level || m_candidates.empty())
        return false;
    const int current = indexOf(model.level, model.operatingPoint);
    if (current < 0)
        return false;  // chosen by another policy with knobs this table does not list
    if (current != m_current) {
        m_window.clear();
        m_current = current;
        m_framesAtCurrent = 0;
    }
    m_window.push(frame.latencyMs);
    if (++m_framesAtCurrent < m_config.minFrames)
        return false;
    const Targets& targets = model.targets;
    const Candidate& profiled = m_candidates[current];
    const double stat = m_window.statistic(m_config.statistic);
    const bool latencyViolated = targets.latencyMs && stat > *targets.latencyMs;
    const bool powerViolated =
        targets.powerW && in.observedPowerMw && *in.observedPowerMw > *targets.powerW * 1000;
    if (!latencyViolated && !powerViolated)
        return false;
    // How the current pair is doing against its profile (its learnt record once it has one).
    const double slowdown =
        predictLatency(model, model.level, model.operatingPoint, in.nowNs).scale;
    const double powerScale =
        in.observedPowerMw && profiled.powerMw ? *in.observedPowerMw / *profiled.powerMw : 1.0;
    bool met = false;
    const int pick = choose(model, in.nowNs, powerScale, met);
    if (pick == current)
        return false;  // nothing better known; wait for new targets or conditions
    const LevelTable& table = *model.table;
    const Candidate& c = m_scaled[pick];
    std::string why =
        latencyViolated
            ? formatText("%s %.1f ms > target %.4g ms",
                         statisticName(effectiveStatistic(m_config.statistic, m_window.size())),
                         stat, *targets.latencyMs)
            : formatText("power %.2f W > target %.4g W", *in.observedPowerMw / 1000,
                         *targets.powerW);
    why += formatText(" (slowdown ×%.2f, power ×%.2f): ", slowdown, powerScale);
    why += describeCandidate(table, c);
    why += met ? " has the lowest predicted energy meeting " + targets.describe()
               : " is the fallback: nothing is predicted to meet " + targets.describe();
    why += "; latency of " + describeLatency(model, c.level, c.operatingPoint, in.nowNs);
    out[0].level = c.level;
    out[0].operatingPoint = c.operatingPoint;
    out[0].reason =
        why + " → " +
        describeTransition(table, model.level, model.operatingPoint, c.level, c.operatingPoint);
    return true;
}

}  // namespace dofa
