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

int ReactivePolicy::pointOf(const LevelTable& table, int library, int level)
{
    return library == 0 ? -1 : table.library(library).fastestPoint[level];
}

bool ReactivePolicy::usable(const LevelTable& table, int library, int level) const
{
    return m_allowed[level] && table.library(library).member[level];
}

double ReactivePolicy::predicted(const ModelState& model, int library, int level,
                                 std::int64_t nowNs) const
{
    return predictLatency(model, level, pointOf(*model.table, library, level), nowNs).ms;
}

int ReactivePolicy::bestFitting(const ModelState& model, int library, int first, int last,
                                double limitMs, std::int64_t nowNs) const
{
    const LevelTable& table = *model.table;
    int best = -1;
    for (int j = std::max(first, 0); j <= last && j < table.size(); ++j) {
        if (!usable(table, library, j) || predicted(model, library, j, nowNs) > limitMs)
            continue;
        if (best < 0 || table.level(j).top1 > table.level(best).top1)
            best = j;
    }
    return best;
}

int ReactivePolicy::fastestAllowed(const LevelTable& table, int library) const
{
    for (int j = 0; j < static_cast<int>(m_allowed.size()); ++j)
        if (usable(table, library, j))
            return j;
    return 0;
}

bool ReactivePolicy::choosable(const LevelTable& table, int library)
{
    // With mappings the model is placed by them; "as configured" is whatever the knobs are now,
    // which overlaps every mapping.
    return (library > 0 || !table.hasMappings()) && table.library(library).memberCount() > 0;
}

std::string ReactivePolicy::where(const LevelTable& table, int library, int level)
{
    const int point = pointOf(table, library, level);
    return point < 0 ? formatText("level %d", level)
                     : formatText("level %d @ %s", level,
                                  table.level(level).operatingPoints[point].name.c_str());
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

    // Current library: where the model runs now, else the first one to choose from.
    std::vector<int> libraries;
    for (int k = 0; k < table.libraryCount(); ++k)
        if (choosable(table, k))
            libraries.push_back(k);
    if (libraries.empty())
        libraries.push_back(0);
    int current = model.level >= 0 ? table.libraryOf(model.level, model.operatingPoint) : -1;
    if (std::find(libraries.begin(), libraries.end(), current) == libraries.end())
        current = libraries.front();
    const double limit = targets.latencyMs ? *targets.latencyMs : 1e300;
    // The most accurate level predicted to fit in any library; ties: where it runs now, then the
    // faster prediction.
    int pickLibrary = -1, pick = -1;
    double pickMs = 0;
    for (int k : libraries) {
        const int j = bestFitting(model, k, 0, n - 1, limit, in.nowNs);
        if (j < 0)
            continue;
        const double ms = predicted(model, k, j, in.nowNs);
        const bool better = pick < 0 || table.level(j).top1 > table.level(pick).top1 ||
                            (table.level(j).top1 == table.level(pick).top1 &&
                             pickLibrary != current && (k == current || ms < pickMs));
        if (better) {
            pickLibrary = k;
            pick = j;
            pickMs = ms;
        }
    }
    std::string why;
    if (pick >= 0 && targets.latencyMs) {
        why = formatText("level %d (%.1f %%) is the most accurate predicted to fit: ", pick,
                         table.level(pick).top1) +
              describeLatency(model, pick, pointOf(table, pickLibrary, pick), in.nowNs) +
              formatText(" ≤ %.4g ms", *targets.latencyMs);
    } else if (pick >= 0) {
        why = formatText("no latency target: most accurate allowed level %d (%.1f %%)", pick,
                         table.level(pick).top1);
    } else {
        // Nothing fits: the fastest prediction among each library's fastest allowed level.
        for (int k : libraries) {
            const int j = fastestAllowed(table, k);
            const double ms = predicted(model, k, j, in.nowNs);
            if (pick < 0 || ms < pickMs || (ms == pickMs && k == current)) {
                pickLibrary = k;
                pick = j;
                pickMs = ms;
            }
        }
        why = formatText("no level is predicted to fit %.4g ms (fastest allowed: ",
                         *targets.latencyMs) +
              describeLatency(model, pick, pointOf(table, pickLibrary, pick), in.nowNs) +
              formatText("): fastest allowed level %d", pick);
    }
    if (table.hasMappings())
        why += formatText(" (library %s of %d)", table.library(pickLibrary).name.c_str(),
                          static_cast<int>(libraries.size()));
    const int point = pointOf(table, pickLibrary, pick);
    const char* what = cause == DecisionCause::Targets ? "targets " : "";
    out[0].level = pick;
    out[0].operatingPoint = point;
    out[0].reason = std::string(what) + targets.describe() + ": " + why + changeNote(model) +
                    m_allowedNote + " → " +
                    describeTransition(table, model.level, model.operatingPoint, pick, point);
}

bool ReactivePolicy::observe(const PolicyInput& in, const FrameObservation& frame,
                             std::vector<Selection>& out)
{
    const ModelState& model = in.models[0];
    if (frame.model != 0 || frame.level != model.level || m_allowed.empty()) {
        ++m_ignoredFrames;
        return false;
    }
    if (model.level != m_windowLevel || model.operatingPoint != m_windowPoint) {
        m_window.clear();
        m_windowLevel = model.level;
        m_windowPoint = model.operatingPoint;
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
    const LevelTable& table = *model.table;
    const int from = model.level;
    const int library = std::max(0, table.libraryOf(from, model.operatingPoint));
    int toLibrary = library;
    int to = bestFitting(model, library, 0, from - 1, target, in.nowNs);
    // Another mapping may hold a more accurate level that fits: a program on this mapping's
    // cores slows it, not those of a mapping on other cores. Its prediction comes from its own
    // records (kept: they are about other cores) or its profile. The mapping left behind keeps
    // its slow record, so the model is not moved back while that record holds, and it never
    // moves up into another mapping: no ping-pong.
    if (table.hasMappings())
        for (int k = 0; k < table.libraryCount(); ++k) {
            if (k == library || !choosable(table, k))
                continue;
            const int j = bestFitting(model, k, 0, table.size() - 1, target, in.nowNs);
            if (j >= 0 && (to < 0 || table.level(j).top1 > table.level(to).top1)) {
                toLibrary = k;
                to = j;
            }
        }
    const bool fits = to >= 0;
    if (!fits)
        to = fastestAllowed(table, library);
    if (toLibrary == library && to >= from)
        return false;  // already as fast as allowed: nothing to do until something changes
    m_slackWindows = 0;

    // What the newest frames say, when worse than the window: the size of a sudden change.
    const double recent = m_window.recentStatistic(m_config.statistic, m_config.minFrames);
    const int toPoint = pointOf(table, toLibrary, to);
    out.level = to;
    out.operatingPoint = toPoint;
    out.reason = formatText("%s %.1f ms > target %.4g ms over %d frames at ",
                            statisticName(effectiveStatistic(m_config.statistic, m_window.size())),
                            stat, target, m_window.size()) +
                 where(table, library, from);
    if (recent > stat)
        out.reason += formatText(" (newest %d: %.1f ms)",
                                 std::min(m_config.minFrames, m_window.size()), recent);
    if (toLibrary != library) {
        out.reason +=
            formatText(" → moves from library %s to %s: ", table.library(library).name.c_str(),
                       table.library(toLibrary).name.c_str()) +
            where(table, toLibrary, to) +
            " is more accurate than any level predicted to fit here: ";
    } else {
        out.reason += formatText(" → level %d to %d, ", from, to);
        out.reason += fits ? "the most accurate predicted to fit: "
                           : "the fastest allowed, none is predicted to fit: ";
    }
    out.reason += describeLatency(model, to, toPoint, in.nowNs);
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
    const int library = std::max(0, table.libraryOf(from, model.operatingPoint));
    int next = -1;
    for (int j = from + 1; j < table.size() && next < 0; ++j)
        if (usable(table, library, j))
            next = j;
    const double limit = target * (1 - m_config.upMargin);
    // Judged on the next level's own record when it has one: a level that failed stays out.
    if (next < 0 || predicted(model, library, next, in.nowNs) > limit) {
        m_slackWindows = 0;
        return false;
    }
    if (++m_slackWindows < m_config.upWindows)
        return false;
    const int to = bestFitting(model, library, from + 1, table.size() - 1, limit, in.nowNs);
    const int toPoint = pointOf(table, library, to);
    m_slackWindows = 0;
    out.level = to;
    out.operatingPoint = toPoint;
    out.reason = formatText("%s %.1f ms ≤ target %.4g ms for %d windows: ",
                            statisticName(effectiveStatistic(m_config.statistic, m_window.size())),
                            stat, target, m_config.upWindows) +
                 describeLatency(model, to, toPoint, in.nowNs) +
                 formatText(" ≤ %.1f ms (target − %.0f %%), the most accurate predicted to fit",
                            limit, m_config.upMargin * 100) +
                 changeNote(model) + m_allowedNote + formatText(" → level %d to %d", from, to);
    return true;
}

}  // namespace dofa
