// SPDX-License-Identifier: MIT
#include "runtime/reactive_policy.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/candidate.h"
#include "runtime/text_format.h"

namespace dofa {

namespace {

constexpr std::int64_t kNsPerMs = 1000000;

}  // namespace

ReactivePolicy::ReactivePolicy(ReactiveConfig config)
    : m_config(config), m_window(config.windowFrames)
{
    if (config.minFrames < 1 || config.minFrames > config.windowFrames)
        throw std::invalid_argument("reactive policy: minFrames must be in 1..windowFrames");
    if (config.upWindows < 1)
        throw std::invalid_argument("reactive policy: upWindows must be >= 1");
    if (config.upMargin < 0 || config.upMargin >= 1 || config.clearChange < 0 ||
        config.clearChange >= 1 || config.violationTolerance < 0)
        throw std::invalid_argument("reactive policy: margins must be in [0, 1)");
    m_coolDownNs = config.coolDownMs * kNsPerMs;
}

int ReactivePolicy::bestFitting(const LevelTable& table, int first, int last, double limitMs,
                                std::int64_t nowNs, bool respectBlock) const
{
    int best = -1;
    for (int j = std::max(first, 0); j <= last && j < table.size(); ++j) {
        if (!m_allowed[j] || table.latencyMs(j) * m_slowdown > limitMs)
            continue;
        if (respectBlock && blocked(j, nowNs))
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

bool ReactivePolicy::blocked(int level, std::int64_t nowNs) const
{
    return m_blockedLevel >= 0 && level >= m_blockedLevel && nowNs < m_blockUntilNs;
}

void ReactivePolicy::evaluate(const PolicyInput& in, DecisionCause cause,
                              std::vector<Selection>& out)
{
    if (in.models.size() != 1)
        throw std::invalid_argument("reactive policy: manages exactly one model");
    const ModelState& model = in.models[0];
    const LevelTable& table = *model.table;
    const Targets& targets = model.targets;

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

    // New conditions: forget blocks and slack, keep the slowdown estimate.
    m_blockedLevel = -1;
    m_coolDownNs = m_config.coolDownMs * kNsPerMs;
    m_slackWindows = 0;
    m_liftNote.clear();

    std::string why;
    int pick = -1;
    if (targets.latencyMs) {
        pick = bestFitting(table, 0, n - 1, *targets.latencyMs, in.nowNs, false);
        if (pick >= 0) {
            why = formatText(
                "level %d (%.1f %%) is the most accurate predicted to fit: "
                "%.1f ms × slowdown %.2f = %.1f ms ≤ %.4g ms",
                pick, table.level(pick).top1, table.latencyMs(pick), m_slowdown,
                table.latencyMs(pick) * m_slowdown, *targets.latencyMs);
        } else {
            pick = fastestAllowed();
            why = formatText(
                "no level is predicted to fit %.4g ms (slowdown %.2f, fastest "
                "allowed predicted %.1f ms): fastest allowed level %d",
                *targets.latencyMs, m_slowdown, table.latencyMs(pick) * m_slowdown, pick);
        }
    } else {
        pick = bestFitting(table, 0, n - 1, 1e300, in.nowNs, false);
        why = formatText("no latency target: most accurate allowed level %d (%.1f %%)", pick,
                         table.level(pick).top1);
    }
    const char* what = cause == DecisionCause::Targets ? "targets " : "";
    out[0].level = pick;
    out[0].operatingPoint = -1;
    out[0].reason = std::string(what) + targets.describe() + ": " + why + m_allowedNote + " → " +
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
    if (m_framesAtLevel < m_config.minFrames)
        return false;
    const LevelTable& table = *model.table;
    const double stat = m_window.statistic(m_config.statistic);
    m_slowdown = stat / table.latencyMs(model.level);
    const bool windowEnds = m_window.full() && m_framesAtLevel % m_config.windowFrames == 0;
    if (windowEnds && m_blockedLevel >= 0 && m_blockBaseline == 0)
        m_blockBaseline = m_slowdown;  // the first full window after stepping down
    if (!model.targets.latencyMs)
        return false;
    const double target = *model.targets.latencyMs;
    if (stat > target * (1 + m_config.violationTolerance))
        return stepDown(in, stat, target, out[0]);
    if (!windowEnds)
        return false;
    return stepUp(in, stat, target, out[0]);
}

bool ReactivePolicy::stepDown(const PolicyInput& in, double stat, double target, Selection& out)
{
    const ModelState& model = in.models[0];
    const LevelTable& table = *model.table;
    const int from = model.level;
    // How far to step: the newer half of the window, when worse, tells the size of a sudden
    // change better than a median that still straddles it.
    const double recent = m_window.recentStatistic(m_config.statistic, m_config.minFrames);
    m_slowdown = std::max(stat, recent) / table.latencyMs(from);
    int to = bestFitting(table, 0, from - 1, target, in.nowNs, false);
    const bool fits = to >= 0;
    if (!fits)
        to = fastestAllowed();
    if (to >= from)
        return false;  // already as fast as allowed: nothing to do until something changes

    // Block `from`; a level that keeps failing waits twice as long each time.
    m_coolDownNs = from == m_blockedLevel
                       ? std::min(2 * m_coolDownNs, m_config.maxCoolDownMs * kNsPerMs)
                       : m_config.coolDownMs * kNsPerMs;
    m_blockedLevel = from;
    m_blockUntilNs = in.nowNs + m_coolDownNs;
    m_blockBaseline = 0;
    m_slackWindows = 0;

    out.level = to;
    out.operatingPoint = -1;
    out.reason = formatText("%s %.1f ms > target %.4g ms over %d frames at level %d (",
                            statisticName(m_config.statistic), stat, target, m_window.size(), from);
    if (recent > stat)
        out.reason += formatText("newest %d: %.1f ms; ",
                                 std::min(m_config.minFrames, m_window.size()), recent);
    out.reason += formatText("slowdown ×%.2f) → level %d to %d", m_slowdown, from, to);
    out.reason += fits ? formatText(", the most accurate predicted to fit (%.1f ms)",
                                    table.latencyMs(to) * m_slowdown)
                       : formatText(
                             ", the fastest allowed: none is predicted to fit "
                             "(%.1f ms)",
                             table.latencyMs(to) * m_slowdown);
    out.reason += formatText("; level %d blocked for %.1f s", from, m_coolDownNs / 1e9);
    out.reason += m_allowedNote;
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
    if (next < 0) {
        m_slackWindows = 0;
        return false;
    }
    // Conditions clearly changed since the step down: lift the block (rare: may allocate).
    if (m_blockedLevel >= 0 && m_blockBaseline > 0 && in.nowNs < m_blockUntilNs &&
        m_slowdown <= m_blockBaseline * (1 - m_config.clearChange)) {
        m_liftNote = formatText(
            "; block on level %d lifted early: slowdown fell from ×%.2f to "
            "×%.2f",
            m_blockedLevel, m_blockBaseline, m_slowdown);
        m_blockedLevel = -1;
    }
    const double limit = target * (1 - m_config.upMargin);
    if (blocked(next, in.nowNs) || table.latencyMs(next) * m_slowdown > limit) {
        m_slackWindows = 0;
        return false;
    }
    if (++m_slackWindows < m_config.upWindows)
        return false;
    const int to = bestFitting(table, from + 1, table.size() - 1, limit, in.nowNs, true);
    m_slackWindows = 0;
    out.level = to;
    out.operatingPoint = -1;
    out.reason = formatText(
        "%s %.1f ms ≤ target %.4g ms for %d windows (slowdown ×%.2f): "
        "level %d predicted %.1f ms ≤ %.1f ms (target − %.0f %%) → level %d "
        "to %d",
        statisticName(m_config.statistic), stat, target, m_config.upWindows, m_slowdown, to,
        table.latencyMs(to) * m_slowdown, limit, m_config.upMargin * 100, from, to);
    out.reason += m_liftNote + m_allowedNote;
    m_liftNote.clear();
    return true;
}

}  // namespace dofa
