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

double JointPolicy::predictedMs(const std::vector<int>& combo, int m) const
{
    const Choice& c = m_choices[m][combo[m]];
    double factor = m_choiceBase[m][combo[m]];
    for (int k = 0; k < static_cast<int>(combo.size()); ++k) {
        if (k == m)
            continue;
        const Choice& other = m_choices[k][combo[k]];
        if (contends(m, c.library, k, other.library))
            factor += m_config.interference * other.load;
    }
    return c.profiledMs * factor;
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
        const Choice& c = m_choices[m][combo[m]];
        const bool up =
            withMargin && (c.level > models[m].level || c.library != m_currentLibrary[m]);
        if (up)
            for (int j = 0; j <= c.level; ++j)
                if (m_nowNs < m_blockUntilNs[m][blockIndex(m, c.library, j)])
                    return false;
        if (predictedMs(combo, m) > *target * (up ? 1 - m_config.upMargin : 1.0))
            return false;
    }
    return true;
}

double JointPolicy::score(const std::vector<ModelState>& models,
                          const std::vector<int>& combo) const
{
    double total = 0;
    for (int m = 0; m < static_cast<int>(models.size()); ++m)
        total += models[m].table->level(m_choices[m][combo[m]].level).top1;
    return total;
}

double JointPolicy::totalPredictedMs(const std::vector<int>& combo) const
{
    double total = 0;
    for (int m = 0; m < static_cast<int>(combo.size()); ++m)
        total += predictedMs(combo, m);
    return total;
}

int JointPolicy::moves(const std::vector<int>& combo) const
{
    int count = 0;
    for (int m = 0; m < static_cast<int>(combo.size()); ++m)
        count += m_choices[m][combo[m]].library != m_currentLibrary[m];
    return count;
}

std::string JointPolicy::where(const std::vector<ModelState>& models, int m, int library,
                               int level) const
{
    const LevelTable& table = *models[m].table;
    if (!table.hasMappings())
        return formatText("level %d", level);
    return formatText("level %d @ %s", level, table.library(library).name.c_str());
}

bool JointPolicy::search(const std::vector<ModelState>& models, bool withMargin)
{
    std::int64_t combinations = 1;
    for (int m = 0; m < static_cast<int>(models.size()); ++m) {
        combinations *= static_cast<std::int64_t>(m_choices[m].size());
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
    int bestMoves = 0;
    while (true) {
        if (feasible(models, m_combo, withMargin)) {
            const double s = score(models, m_combo);
            const int mv = moves(m_combo);
            const double l = totalPredictedMs(m_combo);
            if (!found || s > bestScore ||
                (s == bestScore && (mv < bestMoves || (mv == bestMoves && l < bestLatency)))) {
                found = true;
                bestScore = s;
                bestMoves = mv;
                bestLatency = l;
                m_best = m_combo;  // same size: no allocation
            }
        }
        int m = 0;
        while (m < n && ++m_combo[m] == static_cast<int>(m_choices[m].size()))
            m_combo[m++] = 0;
        if (m == n)
            break;
    }
    return found;
}

bool JointPolicy::searchGreedy(const std::vector<ModelState>& models, bool withMargin)
{
    const int n = static_cast<int>(models.size());
    m_combo = m_fastest;  // same size: no allocation
    if (!feasible(models, m_combo, withMargin))
        return false;
    while (true) {
        int bestModel = -1, bestChoice = -1, bestMoves = 0;
        double bestGain = 0, bestLatency = 0;
        for (int m = 0; m < n; ++m) {
            const int keep = m_combo[m];
            const Choice& from = m_choices[m][keep];
            const double base = models[m].table->level(from.level).top1;
            for (int c = 0; c < static_cast<int>(m_choices[m].size()); ++c) {
                const Choice& to = m_choices[m][c];
                // Within a library up the ladder only; into another library at any level.
                if (c == keep || (to.library == from.library && to.level <= from.level))
                    continue;
                m_combo[m] = c;
                const double gain = models[m].table->level(to.level).top1 - base;
                if (gain <= 0 || !feasible(models, m_combo, withMargin))
                    continue;
                const int mv = moves(m_combo);
                const double l = totalPredictedMs(m_combo);
                if (bestModel < 0 || gain > bestGain ||
                    (gain == bestGain &&
                     (mv < bestMoves || (mv == bestMoves && l < bestLatency)))) {
                    bestModel = m;
                    bestChoice = c;
                    bestGain = gain;
                    bestMoves = mv;
                    bestLatency = l;
                }
            }
            m_combo[m] = keep;
        }
        if (bestModel < 0)
            break;
        m_combo[bestModel] = bestChoice;
    }
    m_best = m_combo;
    return true;
}

void JointPolicy::refreshBases(const std::vector<ModelState>& models)
{
    const int n = static_cast<int>(models.size());
    for (int m = 0; m < n; ++m) {
        const ModelState& model = models[m];
        m_currentLibrary[m] =
            model.level >= 0
                ? std::max(0, model.table->libraryOf(model.level, model.operatingPoint))
                : -1;
    }
    for (int m = 0; m < n; ++m) {
        for (int c = 0; c < static_cast<int>(m_choices[m].size()); ++c) {
            const Choice& choice = m_choices[m][c];
            // Interference the learnt numbers were measured under: the others' current levels,
            // where they share a core with this choice's library.
            double current = 0;
            for (int k = 0; k < n; ++k)
                if (k != m && models[k].level >= 0 &&
                    contends(m, choice.library, k, m_currentLibrary[k]))
                    current += m_config.interference * load(*models[k].table, models[k].level);
            const LatencyPrediction p =
                predictLatency(models[m], choice.level, choice.point, m_nowNs);
            m_choiceSource[m][c] = p.source;
            m_choiceBase[m][c] =
                p.source == LatencySource::Prior ? 1.0 : std::max(kMinBase, p.scale - current);
            if (choice.level == models[m].level && choice.library == m_currentLibrary[m])
                m_base[m] = m_choiceBase[m][c];
        }
    }
}

void JointPolicy::placeFastest()
{
    const int n = static_cast<int>(m_choices.size());
    for (int m = 0; m < n; ++m) {
        int best = -1;
        double bestMs = 0;
        for (int c = 0; c < static_cast<int>(m_choices[m].size()); ++c) {
            if (!m_allowed[m][c])
                continue;
            const Choice& choice = m_choices[m][c];
            double factor = 1;
            for (int k = 0; k < m; ++k)
                if (contends(m, choice.library, k, m_choices[k][m_fastest[k]].library))
                    factor += m_config.interference * m_choices[k][m_fastest[k]].load;
            const double ms = choice.profiledMs * factor;
            if (best < 0 || ms < bestMs) {
                best = c;
                bestMs = ms;
            }
        }
        m_fastest[m] = best;
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
        m_windowPoint.assign(static_cast<std::size_t>(n), -1);
        m_framesAtLevel.assign(static_cast<std::size_t>(n), 0);
        m_base.assign(static_cast<std::size_t>(n), 1.0);
        m_stat.assign(static_cast<std::size_t>(n), 0.0);
        m_combo.assign(static_cast<std::size_t>(n), 0);
        m_best.assign(static_cast<std::size_t>(n), 0);
        m_fastest.assign(static_cast<std::size_t>(n), 0);
        m_currentLibrary.assign(static_cast<std::size_t>(n), -1);
    }

    // The choices: with mappings, each mapping library's front at its fastest points; without,
    // every level's own profile.
    m_choices.assign(static_cast<std::size_t>(n), {});
    m_libraryCount.assign(static_cast<std::size_t>(n), 0);
    m_levelCount.assign(static_cast<std::size_t>(n), 0);
    for (int m = 0; m < n; ++m) {
        const LevelTable& table = *in.models[m].table;
        m_libraryCount[m] = table.libraryCount();
        m_levelCount[m] = table.size();
        for (int k = 0; k < table.libraryCount(); ++k) {
            if ((k == 0) == table.hasMappings())
                continue;
            const LevelLibrary& library = table.library(k);
            for (int j = 0; j < table.size(); ++j) {
                if (k > 0 && !library.member[j])
                    continue;
                Choice c;
                c.library = k;
                c.level = j;
                c.point = k == 0 ? -1 : library.fastestPoint[j];
                c.profiledMs = c.point < 0 ? table.latencyMs(j)
                                           : table.level(j).operatingPoints[c.point].latencyMs;
                c.load = load(table, j);
                m_choices[m].push_back(c);
            }
        }
    }
    m_contends.assign(static_cast<std::size_t>(n * kMaxModels), {});
    for (int m = 0; m < n; ++m)
        for (int k = 0; k < n; ++k) {
            const LevelTable& a = *in.models[m].table;
            const LevelTable& b = *in.models[k].table;
            auto& shared = m_contends[static_cast<std::size_t>(m * kMaxModels + k)];
            shared.assign(static_cast<std::size_t>(a.libraryCount() * b.libraryCount()), 0);
            for (int x = 0; x < a.libraryCount(); ++x)
                for (int y = 0; y < b.libraryCount(); ++y)
                    shared[static_cast<std::size_t>(x * b.libraryCount() + y)] =
                        a.library(x).contends(b.library(y));
        }
    m_choiceBase.assign(static_cast<std::size_t>(n), {});
    m_choiceSource.assign(static_cast<std::size_t>(n), {});
    for (int m = 0; m < n; ++m) {
        m_choiceBase[m].assign(m_choices[m].size(), 1.0);
        m_choiceSource[m].assign(m_choices[m].size(), LatencySource::Prior);
    }
    // New targets or a new start: what failed before says nothing about them.
    m_blockUntilNs.assign(static_cast<std::size_t>(n), {});
    m_coolDownNs.assign(static_cast<std::size_t>(n), {});
    for (int m = 0; m < n; ++m) {
        const auto blocks = static_cast<std::size_t>(m_libraryCount[m] * m_levelCount[m]);
        m_blockUntilNs[m].assign(blocks, 0);
        m_coolDownNs[m].assign(blocks, 0);
    }
    m_allowed.assign(static_cast<std::size_t>(n), {});
    std::string notes;
    for (int m = 0; m < n; ++m) {
        const LevelTable& table = *in.models[m].table;
        const auto& floor = in.models[m].targets.minAccuracy;
        auto& allowed = m_allowed[m];
        allowed.assign(m_choices[m].size(), 0);
        for (std::size_t c = 0; c < allowed.size(); ++c)
            allowed[c] = !floor || table.level(m_choices[m][c].level).top1 >= *floor;
        if (std::find(allowed.begin(), allowed.end(), 1) == allowed.end()) {
            std::fill(allowed.begin(), allowed.end(), 1);
            notes += formatText(" (model %d: no level reaches accuracy ≥ %.4g %%: floor ignored)",
                                m, *floor);
        }
    }
    placeFastest();
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
    if (m_windowLevel[m] != frame.level || m_windowPoint[m] != in.models[m].operatingPoint) {
        m_windows[m].clear();
        m_windowLevel[m] = frame.level;
        m_windowPoint[m] = in.models[m].operatingPoint;
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
    // Fallback only matters when it moves something.
    const std::vector<int>& pick = found ? m_best : m_fastest;
    bool changed = false;
    for (int k = 0; k < n; ++k) {
        const Choice& c = m_choices[k][pick[k]];
        changed =
            changed || c.level != in.models[k].level || c.point != in.models[k].operatingPoint;
    }
    if (!changed)
        return false;
    std::string why =
        violated
            ? formatText("model %d: %s %.1f ms > target %.4g ms; joint search", m,
                         statisticName(effectiveStatistic(m_config.statistic, m_windows[m].size())),
                         m_stat[m], *in.models[m].targets.latencyMs)
            : formatText("periodic joint search (every %d frames)", m_config.evaluateEveryFrames);
    const int from = in.models[m].level;
    const int fromLibrary = std::max(0, m_currentLibrary[m]);
    const Choice& to = m_choices[m][found ? m_best[m] : m_fastest[m]];
    if (violated && found && (to.level < from || to.library != fromLibrary)) {
        // Block the level that failed, in its library; a level failing again soon waits twice
        // as long.
        const std::int64_t base = m_config.coolDownMs * kNsPerMs;
        const int b = blockIndex(m, fromLibrary, from);
        std::int64_t& coolDown = m_coolDownNs[m][b];
        std::int64_t& until = m_blockUntilNs[m][b];
        coolDown = coolDown > 0 && in.nowNs < until + coolDown
                       ? std::min(2 * coolDown, m_config.maxCoolDownMs * kNsPerMs)
                       : base;
        until = in.nowNs + coolDown;
        why += formatText(" (model %d: %s blocked for %.1f s)", m,
                          where(in.models, m, fromLibrary, from).c_str(), coolDown / 1e9);
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
    const std::vector<int>& pick = found ? m_best : m_fastest;
    std::string summary =
        formatText(" (%s, %lld combinations)", m_lastExhaustive ? "exhaustive" : "greedy",
                   static_cast<long long>(m_combinations));
    summary += found ? formatText(": best total top-1 %.1f %% with", score(models, pick))
                     : std::string(
                           ": no combination meets every target; all at their fastest "
                           "allowed levels:");
    for (int m = 0; m < n; ++m) {
        const Choice& c = m_choices[m][pick[m]];
        const auto& target = models[m].targets.latencyMs;
        summary +=
            formatText("%s model %d ", m ? "," : "", m) + where(models, m, c.library, c.level) +
            formatText(" (%.1f %%, predicted %.1f ms from %s", models[m].table->level(c.level).top1,
                       predictedMs(pick, m), latencySourceName(m_choiceSource[m][pick[m]]));
        summary += target ? formatText(", target %.4g ms)", *target) : std::string(")");
    }
    for (int m = 0; m < n; ++m) {
        const Choice& c = m_choices[m][pick[m]];
        out[m].level = c.level;
        out[m].operatingPoint = c.point;
        out[m].reason = why + summary + formatText(" → model %d: ", m) +
                        describeTransition(*models[m].table, models[m].level,
                                           models[m].operatingPoint, c.level, c.point);
    }
}

}  // namespace dofa
