// SPDX-License-Identifier: MIT
#include "runtime/reactive_policy.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/candidate.h"
#include "runtime/text_format.h"

namespace dofa {

ReactivePolicy::ReactivePolicy(ReactiveConfig config)
    : m_config(config), m_window(config.windowFrames)
{
    if (config.minFrames < 1 || config.minFrames > config.windowFrames)
        throw std::invalid_argument("reactive policy: minFrames must be in 1..windowFrames");
    if (config.upWindows < 1)
        throw std::invalid_argument("reactive policy: upWindows must be >= 1");
    if (config.upMargin < 0 || config.upMargin >= 1 || config.violationTolerance < 0)
        throw std::invalid_argument("reactive policy: margins must be in [0, 1)");
}

int ReactivePolicy::bestFitting(const ModelState& model, int first, int last, double limitMs,
                                std::int64_t nowNs) const
{
    const LevelTable& table = *model.table;
    int best = -1;
    for (int j = std::max(first, 0); j <= last && j < table.size(); ++j) {
        if (!m_allowed[j] || predictLatency(model, j, -1, nowNs).ms > limitMs)
            continue;
        if (best < 0 || table.level(j).top1 > table.level(best).top1)
            best = j;
    }
    return best;
}

int ReactivePolicy::fastestAllowed() const
{
    for (int j = 0; j < static_cast<int>(m_allowed.size()); ++j)
        if (m_allowed[j])
            return j;
    return 0;
}

std::string ReactivePolicy::changeNote(const ModelState& model)
{
    if (!model.latency || model.latency->changeCount() == m_changesTold)
        return {};
    m_changesTold = model.latency->changeCount();
    const LatencyChange& c = model.latency->lastChange();
    std::string where = formatText("level %d", c.level);
    if (c.operatingPoint >= 0)
        where += " @ " + model.table->level(c.level).operatingPoints.at(c.operatingPoint).name;
    return formatText(
        "; conditions changed at %s (%s %.1f → %.1f ms): records of the other "
        "levels dropped",
        where.c_str(), statisticName(WindowStatistic::Median), c.beforeMs, c.afterMs);
}

void ReactivePolicy::evaluate(const PolicyInput& in, DecisionCause cause,
                              std::vector<Selection>& out)
{
    if (in.models.size() != 1)
        throw std::invalid_argument("reactive policy: manages exactly one model");
    const ModelState& model = in.models[0];
    const LevelTable& table = *model.table;
    const Targets& targets = model.targets;
    if (m_allowed.empty() && model.latency)  // taking over: older load changes are not news
        m_changesTold = model.latency->changeCount();

    // Allowed levels: the accuracy floor and the power target, each dropped when nothing is left.
    const int n = table.size();
    std::vector<char> floorOk(n), allowed(n);
    for (int j = 0; j < n; ++j)
        floorOk[j] = !targets.minAccuracy || table.level(j).top1 >= *targets.minAccuracy;
    m_allowedNote.clear();
    if (std::find(floorOk.begin(), floorOk.end(), 1) == floorOk.end()) {
        std::fill(floorOk.begin(), floorOk.end(), 1);
        m_allowedNote = formatText(" (no level reaches accuracy ≥ %.4g %%: floor ignored)",
                                   *targets.minAccuracy);
    }
    for (int j = 0; j < n; ++j) {
        const auto& power = table.level(j).powerMw;
        allowed[j] = floorOk[j] && (!targets.powerW || !power || *power <= *targets.powerW * 1000);
    }
    if (std::find(allowed.begin(), allowed.end(), 1) == allowed.end()) {
        allowed = floorOk;
        m_allowedNote +=
            formatText(" (no allowed level within power ≤ %.4g W: power ignored)", *targets.powerW);
    }
    m_allowed = std::move(allowed);
    m_slackWindows = 0;

    std::string why;
    int pick = -1;
    if (targets.latencyMs) {
        pick = bestFitting(model, 0, n - 1, *targets.latencyMs, in.nowNs);
        if (pick >= 0) {
            why = formatText("level %d (%.1f %%) is the most accurate predicted to fit: ", pick,
                             table.level(pick).top1) +
                  describeLatency(model, pick, -1, in.nowNs) +
                  formatText(" ≤ %.4g ms", *targets.latencyMs);
        } else {
            pick = fastestAllowed();
            why = formatText("no level is predicted to fit %.4g ms (fastest allowed: ",
                             *targets.latencyMs) +
                  describeLatency(model, pick, -1, in.nowNs) +
                  formatText("): fastest allowed level %d", pick);
        }
    } else {
        pick = bestFitting(model, 0, n - 1, 1e300, in.nowNs);
        why = formatText("no latency target: most accurate allowed level %d (%.1f %%)", pick,
                         table.level(pick).top1);
    }
    const char* what = cause == DecisionCause::Targets ? "targets " : "";
    out[0].level = pick;
    out[0].operatingPoint = -1;
    out[0].reason = std::string(what) + targets.describe() + ": " + why + changeNote(model) +
                    m_allowedNote + " → " +
                    describeTransition(table, model.level, model.operatingPoint, pick, -1);
}

bool ReactivePolicy::observe(const PolicyInput& in, const FrameObservation& frame,
                             std::vector<Selection>& out)
{
    const ModelState& model = in.models[0];
    if (frame.model != 0 || frame.level != model.level || m_allowed.empty()) {
        ++m_ignoredFrames;
        return false;
    }
    if (model.level != m_windowLevel) {
        m_window.clear();
        m_windowLevel = model.level;
        m_framesAtLevel = 0;
        m_slackWindows = 0;
    }
    m_window.push(frame.latencyMs);
    ++m_framesAtLevel;
    m_slowdown = predictLatency(model, model.level, model.operatingPoint, in.nowNs).scale;
    if (m_framesAtLevel < m_config.minFrames || !model.targets.latencyMs)
        return false;
    const double stat = m_window.statistic(m_config.statistic);
    const double target = *model.targets.latencyMs;
    if (stat > target * (1 + m_config.violationTolerance))
        return stepDown(in, stat, target, out[0]);
    if (!m_window.full() || m_framesAtLevel % m_config.windowFrames != 0)
        return false;
    return stepUp(in, stat, target, out[0]);
}

bool ReactivePolicy::stepDown(const PolicyInput& in, double stat, double target, Selection& out)
{
    const ModelState& model = in.models[0];
    const int from = model.level;
    int to = bestFitting(model, 0, from - 1, target, in.nowNs);
    const bool fits = to >= 0;
    if (!fits)
        to = fastestAllowed();
    if (to >= from)
        return false;  // already as fast as allowed: nothing to do until something changes
    m_slackWindows = 0;

    // What the newest frames say, when worse than the window: the size of a sudden change.
    const double recent = m_window.recentStatistic(m_config.statistic, m_config.minFrames);
    out.level = to;
    out.operatingPoint = -1;
    out.reason = formatText("%s %.1f ms > target %.4g ms over %d frames at level %d",
                            statisticName(effectiveStatistic(m_config.statistic, m_window.size())),
                            stat, target, m_window.size(), from);
    if (recent > stat)
        out.reason += formatText(" (newest %d: %.1f ms)",
                                 std::min(m_config.minFrames, m_window.size()), recent);
    out.reason += formatText(" → level %d to %d, ", from, to);
    out.reason += fits ? "the most accurate predicted to fit: "
                       : "the fastest allowed, none is predicted to fit: ";
    out.reason += describeLatency(model, to, -1, in.nowNs);
    out.reason += "; not back up while its own record holds (" +
                  describeLatency(model, from, model.operatingPoint, in.nowNs) + ")";
    out.reason += changeNote(model) + m_allowedNote;
    return true;
}

bool ReactivePolicy::stepUp(const PolicyInput& in, double stat, double target, Selection& out)
{
    const ModelState& model = in.models[0];
    const LevelTable& table = *model.table;
    const int from = model.level;
    int next = -1;
    for (int j = from + 1; j < table.size() && next < 0; ++j)
        if (m_allowed[j])
            next = j;
    const double limit = target * (1 - m_config.upMargin);
    // Judged on the next level's own record when it has one: a level that failed stays out.
    if (next < 0 || predictLatency(model, next, -1, in.nowNs).ms > limit) {
        m_slackWindows = 0;
        return false;
    }
    if (++m_slackWindows < m_config.upWindows)
        return false;
    const int to = bestFitting(model, from + 1, table.size() - 1, limit, in.nowNs);
    m_slackWindows = 0;
    out.level = to;
    out.operatingPoint = -1;
    out.reason = formatText("%s %.1f ms ≤ target %.4g ms for %d windows: ",
                            statisticName(effectiveStatistic(m_config.statistic, m_window.size())),
                            stat, target, m_config.upWindows) +
                 describeLatency(model, to, -1, in.nowNs) +
                 formatText(" ≤ %.1f ms (target − %.0f %%), the most accurate predicted to fit",
                            limit, m_config.upMargin * 100) +
                 changeNote(model) + m_allowedNote + formatText(" → level %d to %d", from, to);
    return true;
}

}  // namespace dofa
