// SPDX-License-Identifier: MIT
#include "runtime/joint_policy.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/candidate.h"
#include "runtime/text_format.h"

namespace dofa {

namespace {

constexpr std::int64_t kNsPerMs = 1000000;

/// Base slowdowns below this are measurement noise (or a γ that is too large), not a device that
/// got 10× faster than its profile.
constexpr double kMinBase = 0.1;

double load(const LevelTable& table, int level)
{
    return table.latencyMs(level) / table.latencyMs(0);
}

}  // namespace

JointPolicy::JointPolicy(JointConfig config) : m_config(config)
{
    if (config.minFrames < 1 || config.minFrames > config.windowFrames)
        throw std::invalid_argument("joint policy: minFrames must be in 1..windowFrames");
    if (config.interference < 0 || config.upMargin < 0 || config.upMargin >= 1)
        throw std::invalid_argument("joint policy: interference >= 0, upMargin in [0, 1)");
    if (config.evaluateEveryFrames < 1 || config.exhaustiveLimit < 1)
        throw std::invalid_argument("joint policy: evaluateEveryFrames, exhaustiveLimit >= 1");
}

double JointPolicy::predictedMs(const std::vector<ModelState>& models,
                                const std::vector<int>& combo, int m) const
{
    double factor = m_levelBase[m][combo[m]];
    for (int k = 0; k < static_cast<int>(models.size()); ++k)
        if (k != m)
            factor += m_config.interference * load(*models[k].table, combo[k]);
    return models[m].table->latencyMs(combo[m]) * factor;
}

bool JointPolicy::feasible(const std::vector<ModelState>& models, const std::vector<int>& combo,
                           bool withMargin) const
{
    for (int m = 0; m < static_cast<int>(models.size()); ++m) {
        if (!m_allowed[m][combo[m]])
            return false;
        const auto& target = models[m].targets.latencyMs;
        if (!target)
            continue;
        const bool up = withMargin && combo[m] > models[m].level;
        if (up)
            for (int j = 0; j <= combo[m]; ++j)
                if (m_nowNs < m_blockUntilNs[m][j])
                    return false;
        if (predictedMs(models, combo, m) > *target * (up ? 1 - m_config.upMargin : 1.0))
            return false;
    }
    return true;
}

double JointPolicy::score(const std::vector<ModelState>& models,
                          const std::vector<int>& combo) const
{
    double total = 0;
    for (int m = 0; m < static_cast<int>(models.size()); ++m)
        total += models[m].table->level(combo[m]).top1;
    return total;
}

double JointPolicy::totalPredictedMs(const std::vector<ModelState>& models,
                                     const std::vector<int>& combo) const
{
    double total = 0;
    for (int m = 0; m < static_cast<int>(models.size()); ++m)
        total += predictedMs(models, combo, m);
    return total;
}

bool JointPolicy::search(const std::vector<ModelState>& models, bool withMargin)
{
    std::int64_t combinations = 1;
    for (const ModelState& model : models) {
        combinations *= model.table->size();
        if (combinations > m_config.exhaustiveLimit)
            break;
    }
    m_combinations = combinations;
    m_lastExhaustive = combinations <= m_config.exhaustiveLimit;
    return m_lastExhaustive ? searchExhaustive(models, withMargin)
                            : searchGreedy(models, withMargin);
}

bool JointPolicy::searchExhaustive(const std::vector<ModelState>& models, bool withMargin)
{
    const int n = static_cast<int>(models.size());
    std::fill(m_combo.begin(), m_combo.end(), 0);
    bool found = false;
    double bestScore = 0, bestLatency = 0;
    while (true) {
        if (feasible(models, m_combo, withMargin)) {
            const double s = score(models, m_combo);
            const double l = totalPredictedMs(models, m_combo);
            if (!found || s > bestScore || (s == bestScore && l < bestLatency)) {
                found = true;
                bestScore = s;
                bestLatency = l;
                m_best = m_combo;  // same size: no allocation
            }
        }
        int m = 0;
        while (m < n && ++m_combo[m] == models[m].table->size())
            m_combo[m++] = 0;
        if (m == n)
            break;
    }
    return found;
}

bool JointPolicy::searchGreedy(const std::vector<ModelState>& models, bool withMargin)
{
    const int n = static_cast<int>(models.size());
    for (int m = 0; m < n; ++m) {
        const auto& allowed = m_allowed[m];
        m_combo[m] =
            static_cast<int>(std::find(allowed.begin(), allowed.end(), 1) - allowed.begin());
    }
    if (!feasible(models, m_combo, withMargin))
        return false;
    while (true) {
        int bestModel = -1, bestLevel = -1;
        double bestGain = 0, bestLatency = 0;
        for (int m = 0; m < n; ++m) {
            const int keep = m_combo[m];
            const double base = models[m].table->level(keep).top1;
            for (int j = keep + 1; j < models[m].table->size(); ++j) {
                m_combo[m] = j;
                const double gain = models[m].table->level(j).top1 - base;
                if (gain <= 0 || !feasible(models, m_combo, withMargin))
                    continue;
                const double l = totalPredictedMs(models, m_combo);
                if (bestModel < 0 || gain > bestGain || (gain == bestGain && l < bestLatency)) {
                    bestModel = m;
                    bestLevel = j;
                    bestGain = gain;
                    bestLatency = l;
                }
            }
            m_combo[m] = keep;
        }
        if (bestModel < 0)
            break;
        m_combo[bestModel] = bestLevel;
    }
    m_best = m_combo;
    return true;
}

void JointPolicy::refreshBases(const std::vector<ModelState>& models)
{
    const int n = static_cast<int>(models.size());
    for (int m = 0; m < n; ++m) {
        // Interference the learnt numbers were measured under: the others' current levels.
        double current = 0;
        for (int k = 0; k < n; ++k)
            if (k != m && models[k].level >= 0)
                current += m_config.interference * load(*models[k].table, models[k].level);
        for (int j = 0; j < models[m].table->size(); ++j) {
            const LatencyPrediction p = predictLatency(models[m], j, -1, m_nowNs);
            m_levelSource[m][j] = p.source;
            m_levelBase[m][j] =
                p.source == LatencySource::Prior ? 1.0 : std::max(kMinBase, p.scale - current);
        }
        if (models[m].level >= 0)
            m_base[m] = m_levelBase[m][models[m].level];
    }
}

void JointPolicy::evaluate(const PolicyInput& in, DecisionCause cause, std::vector<Selection>& out)
{
    const int n = static_cast<int>(in.models.size());
    if (n < 1 || n > kMaxModels)
        throw std::invalid_argument("joint policy: 1 to 8 models");
    if (static_cast<int>(m_windows.size()) != n) {
        m_windows.assign(static_cast<std::size_t>(n), SampleWindow(m_config.windowFrames));
        m_windowLevel.assign(static_cast<std::size_t>(n), -1);
        m_framesAtLevel.assign(static_cast<std::size_t>(n), 0);
        m_base.assign(static_cast<std::size_t>(n), 1.0);
        m_stat.assign(static_cast<std::size_t>(n), 0.0);
        m_combo.assign(static_cast<std::size_t>(n), 0);
        m_best.assign(static_cast<std::size_t>(n), 0);
    }
    m_levelBase.assign(static_cast<std::size_t>(n), {});
    m_levelSource.assign(static_cast<std::size_t>(n), {});
    for (int m = 0; m < n; ++m) {
        m_levelBase[m].assign(static_cast<std::size_t>(in.models[m].table->size()), 1.0);
        m_levelSource[m].assign(static_cast<std::size_t>(in.models[m].table->size()),
                                LatencySource::Prior);
    }
    // New targets or a new start: what failed before says nothing about them.
    m_blockUntilNs.assign(static_cast<std::size_t>(n), {});
    m_coolDownNs.assign(static_cast<std::size_t>(n), {});
    for (int m = 0; m < n; ++m) {
        m_blockUntilNs[m].assign(static_cast<std::size_t>(in.models[m].table->size()), 0);
        m_coolDownNs[m].assign(static_cast<std::size_t>(in.models[m].table->size()), 0);
    }
    m_allowed.assign(static_cast<std::size_t>(n), {});
    std::string notes;
    for (int m = 0; m < n; ++m) {
        const LevelTable& table = *in.models[m].table;
        const auto& floor = in.models[m].targets.minAccuracy;
        auto& allowed = m_allowed[m];
        allowed.assign(static_cast<std::size_t>(table.size()), 0);
        for (int j = 0; j < table.size(); ++j)
            allowed[j] = !floor || table.level(j).top1 >= *floor;
        if (std::find(allowed.begin(), allowed.end(), 1) == allowed.end()) {
            std::fill(allowed.begin(), allowed.end(), 1);
            notes += formatText(" (model %d: no level reaches accuracy ≥ %.4g %%: floor ignored)",
                                m, *floor);
        }
    }
    m_framesSinceSearch = 0;
    m_nowNs = in.nowNs;
    refreshBases(in.models);
    const bool found = search(in.models, false);
    const char* what = cause == DecisionCause::Targets ? "targets changed: " : "";
    writeDecision(in.models, found, what + std::string("joint search") + notes, out);
}

bool JointPolicy::observe(const PolicyInput& in, const FrameObservation& frame,
                          std::vector<Selection>& out)
{
    const int n = static_cast<int>(in.models.size());
    const int m = frame.model;
    if (m < 0 || m >= n || static_cast<int>(m_windows.size()) != n ||
        frame.level != in.models[m].level)
        return false;
    if (m_windowLevel[m] != frame.level) {
        m_windows[m].clear();
        m_windowLevel[m] = frame.level;
        m_framesAtLevel[m] = 0;
    }
    m_windows[m].push(frame.latencyMs);
    ++m_framesAtLevel[m];
    ++m_framesSinceSearch;
    bool violated = false;
    if (m_framesAtLevel[m] >= m_config.minFrames) {
        double stat = m_windows[m].statistic(m_config.statistic);
        const auto& target = in.models[m].targets.latencyMs;
        if (target && stat > *target)  // tell a sudden change by the newer frames, if worse
            stat = std::max(stat,
                            m_windows[m].recentStatistic(m_config.statistic, m_config.minFrames));
        m_stat[m] = stat;
        violated = target && stat > *target && m_framesSinceSearch >= m_config.minFrames;
    }
    if (!violated && m_framesSinceSearch < m_config.evaluateEveryFrames)
        return false;
    m_framesSinceSearch = 0;
    m_nowNs = in.nowNs;
    refreshBases(in.models);
    const bool found = search(in.models, true);
    bool changed = !found;
    for (int k = 0; found && k < n; ++k)
        changed = changed || m_best[k] != in.models[k].level;
    if (!found) {
        // Fallback only matters when it moves something.
        changed = false;
        for (int k = 0; k < n; ++k) {
            const auto& allowed = m_allowed[k];
            const int fastest =
                static_cast<int>(std::find(allowed.begin(), allowed.end(), 1) - allowed.begin());
            changed = changed || fastest != in.models[k].level;
        }
    }
    if (!changed)
        return false;
    std::string why =
        violated
            ? formatText("model %d: %s %.1f ms > target %.4g ms; joint search", m,
                         statisticName(effectiveStatistic(m_config.statistic, m_windows[m].size())),
                         m_stat[m], *in.models[m].targets.latencyMs)
            : formatText("periodic joint search (every %d frames)", m_config.evaluateEveryFrames);
    if (violated && found && m_best[m] < in.models[m].level) {
        // Block the level that failed; a level failing again soon waits twice as long.
        const int from = in.models[m].level;
        const std::int64_t base = m_config.coolDownMs * kNsPerMs;
        std::int64_t& coolDown = m_coolDownNs[m][from];
        std::int64_t& until = m_blockUntilNs[m][from];
        coolDown = coolDown > 0 && in.nowNs < until + coolDown
                       ? std::min(2 * coolDown, m_config.maxCoolDownMs * kNsPerMs)
                       : base;
        until = in.nowNs + coolDown;
        why += formatText(" (model %d: level %d blocked for %.1f s)", m, from, coolDown / 1e9);
    }
    writeDecision(in.models, found, why, out);
    // Contention changed for every model: start all windows afresh.
    std::fill(m_windowLevel.begin(), m_windowLevel.end(), -1);
    return true;
}

void JointPolicy::writeDecision(const std::vector<ModelState>& models, bool found,
                                const std::string& why, std::vector<Selection>& out) const
{
    const int n = static_cast<int>(models.size());
    std::vector<int> pick = m_best;
    if (!found)
        for (int m = 0; m < n; ++m) {
            const auto& allowed = m_allowed[m];
            pick[m] =
                static_cast<int>(std::find(allowed.begin(), allowed.end(), 1) - allowed.begin());
        }
    std::string summary =
        formatText(" (%s, %lld combinations)", m_lastExhaustive ? "exhaustive" : "greedy",
                   static_cast<long long>(m_combinations));
    summary += found ? formatText(": best total top-1 %.1f %% with", score(models, pick))
                     : std::string(
                           ": no combination meets every target; all at their fastest "
                           "allowed levels:");
    for (int m = 0; m < n; ++m) {
        const auto& target = models[m].targets.latencyMs;
        summary +=
            formatText("%s model %d level %d (%.1f %%, predicted %.1f ms from %s", m ? "," : "", m,
                       pick[m], models[m].table->level(pick[m]).top1, predictedMs(models, pick, m),
                       latencySourceName(m_levelSource[m][pick[m]]));
        summary += target ? formatText(", target %.4g ms)", *target) : std::string(")");
    }
    for (int m = 0; m < n; ++m) {
        out[m].level = pick[m];
        out[m].operatingPoint = -1;
        out[m].reason = why + summary + formatText(" → model %d: ", m) +
                        describeTransition(*models[m].table, models[m].level,
                                           models[m].operatingPoint, pick[m], -1);
    }
}

}  // namespace dofa
