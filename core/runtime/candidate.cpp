// SPDX-License-Identifier: MIT
#include "runtime/candidate.h"

#include "runtime/text_format.h"

namespace dofa {

namespace {

std::string levelName(const LevelTable& table, int level, int point)
{
    if (level < 0)
        return "none";
    std::string out = formatText("level %d", level);
    if (point >= 0)
        out += " @ " + table.level(level).operatingPoints.at(point).name;
    return out;
}

/// Lower energy wins; a known energy beats an unknown one. 0: tie.
int compareEnergy(const Candidate& a, const Candidate& b)
{
    if (a.energyMj && b.energyMj)
        return *a.energyMj < *b.energyMj ? 1 : (*b.energyMj < *a.energyMj ? -1 : 0);
    if (a.energyMj || b.energyMj)
        return a.energyMj ? 1 : -1;
    return 0;
}

int compareAccuracy(const Candidate& a, const Candidate& b)
{
    return a.top1 > b.top1 ? 1 : (b.top1 > a.top1 ? -1 : 0);
}

int compareLatency(const Candidate& a, const Candidate& b)
{
    return a.latencyMs < b.latencyMs ? 1 : (b.latencyMs < a.latencyMs ? -1 : 0);
}

template <typename Eligible>
int fastestWhere(const std::vector<Candidate>& candidates, Eligible eligible)
{
    int best = -1;
    for (int i = 0; i < static_cast<int>(candidates.size()); ++i)
        if (eligible(candidates[i]) &&
            (best < 0 || betterFor(Objective::LowestLatency, candidates[i], candidates[best])))
            best = i;
    return best;
}

}  // namespace

std::vector<Candidate> enumerateCandidates(const LevelTable& table)
{
    std::vector<Candidate> out;
    for (int i = 0; i < table.size(); ++i) {
        const RuntimeLevel& l = table.level(i);
        const int points = static_cast<int>(l.operatingPoints.size());
        for (int p = points > 0 ? 0 : -1; p < points; ++p) {
            if (!table.offered(i, p))
                continue;
            Candidate c;
            c.level = i;
            c.operatingPoint = p;
            c.library = table.libraryOf(i, p);
            c.top1 = l.top1;
            c.latencyMs = p >= 0 ? l.operatingPoints[p].latencyMs : l.latencyMeanMs;
            c.powerMw = p >= 0 ? l.operatingPoints[p].powerMw : l.powerMw;
            c.energyMj = energyPerInferenceMj(l, p);
            out.push_back(c);
        }
    }
    return out;
}

std::vector<Candidate> enumerateCandidates(const LevelTable& table,
                                           const LevelLatencyModel* latency, std::int64_t nowNs)
{
    std::vector<Candidate> out = enumerateCandidates(table);
    for (Candidate& c : out)
        applyLearnedLatency(c, latency, nowNs);
    return out;
}

void applyLearnedLatency(Candidate& c, const LevelLatencyModel* latency, std::int64_t nowNs)
{
    if (!latency)
        return;
    const LatencyPrediction p = latency->predict(c.level, c.operatingPoint, nowNs);
    if (p.source == LatencySource::Prior || !(c.latencyMs > 0))
        return;
    const double ratio = p.ms / c.latencyMs;
    c.latencyMs = p.ms;
    if (c.energyMj)
        *c.energyMj *= ratio;
    c.source = p.source;
}

TargetCheck checkTargets(const Candidate& candidate, const Targets& targets)
{
    TargetCheck check;
    check.accuracy = !targets.minAccuracy || candidate.top1 >= *targets.minAccuracy;
    check.latency = !targets.latencyMs || candidate.latencyMs <= *targets.latencyMs;
    check.power =
        !targets.powerW || !candidate.powerMw || *candidate.powerMw <= *targets.powerW * 1000.0;
    return check;
}

bool betterFor(Objective objective, const Candidate& a, const Candidate& b)
{
    int order[3] = {};
    switch (objective) {
        case Objective::MostAccurate:
            order[0] = compareAccuracy(a, b);
            order[1] = compareEnergy(a, b);
            order[2] = compareLatency(a, b);
            break;
        case Objective::LowestEnergy:
            order[0] = compareEnergy(a, b);
            order[1] = compareAccuracy(a, b);
            order[2] = compareLatency(a, b);
            break;
        case Objective::LowestLatency:
            order[0] = compareLatency(a, b);
            order[1] = compareAccuracy(a, b);
            order[2] = compareEnergy(a, b);
            break;
    }
    for (int o : order)
        if (o != 0)
            return o > 0;
    return false;
}

int bestMeetingTargets(const std::vector<Candidate>& candidates, const Targets& targets,
                       Objective objective)
{
    int best = -1;
    for (int i = 0; i < static_cast<int>(candidates.size()); ++i)
        if (checkTargets(candidates[i], targets).all() &&
            (best < 0 || betterFor(objective, candidates[i], candidates[best])))
            best = i;
    return best;
}

int fallbackCandidate(const std::vector<Candidate>& candidates, const Targets& targets,
                      std::string* rule)
{
    if (targets.powerW) {
        const int i = fastestWhere(candidates, [&targets](const Candidate& c) {
            const TargetCheck check = checkTargets(c, targets);
            return check.accuracy && check.power;
        });
        if (i >= 0) {
            if (rule) {
                Targets t;
                t.minAccuracy = targets.minAccuracy;
                t.powerW = targets.powerW;
                *rule = "fastest meeting " + t.describe();
            }
            return i;
        }
    }
    if (targets.minAccuracy) {
        const int i = fastestWhere(candidates, [&targets](const Candidate& c) {
            return checkTargets(c, targets).accuracy;
        });
        if (i >= 0) {
            if (rule)
                *rule = formatText("fastest meeting accuracy ≥ %.4g %%", *targets.minAccuracy);
            return i;
        }
    }
    if (rule)
        *rule = targets.minAccuracy ? formatText("no level reaches accuracy ≥ %.4g %%: fastest",
                                                 *targets.minAccuracy)
                                    : std::string("fastest");
    return fastestWhere(candidates, [](const Candidate&) { return true; });
}

std::string describeCandidate(const LevelTable& table, const Candidate& c)
{
    std::string out = levelName(table, c.level, c.operatingPoint);
    out += formatText(" (%.1f %%, %.1f ms", c.top1, c.latencyMs);
    if (c.powerMw)
        out += formatText(", %.2f W", *c.powerMw / 1000.0);
    if (c.energyMj)
        out += formatText(", %.1f mJ", *c.energyMj);
    out += ")";
    return out;
}

std::string describeTransition(const LevelTable& table, int fromLevel, int fromPoint, int toLevel,
                               int toPoint)
{
    if (fromLevel < 0)
        return "start at " + levelName(table, toLevel, toPoint);
    if (fromLevel == toLevel && fromPoint == toPoint)
        return "stays at " + levelName(table, toLevel, toPoint);
    if (fromLevel == toLevel)
        return levelName(table, fromLevel, fromPoint) + " to " +
               (toPoint >= 0 ? table.level(toLevel).operatingPoints.at(toPoint).name
                             : std::string("default knobs"));
    return formatText("level %d to %d", fromLevel, toLevel) +
           (toPoint >= 0 ? " @ " + table.level(toLevel).operatingPoints.at(toPoint).name
                         : std::string());
}

}  // namespace dofa
