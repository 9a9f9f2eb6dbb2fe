// SPDX-License-Identifier: MIT
#include "runtime/level_latency_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "runtime/text_format.h"

namespace dofa {

namespace {

constexpr std::int64_t kNsPerMs = 1000000;

}  // namespace

const char* latencySourceName(LatencySource source)
{
    switch (source) {
        case LatencySource::Own:
            return "learned";
        case LatencySource::Scaled:
            return "scaled";
        case LatencySource::Prior:
            break;
    }
    return "profile";
}

LevelLatencyModel::LevelLatencyModel(const LevelTable& table, Config config)
    : m_config(config), m_maxAgeNs(config.maxAgeMs * kNsPerMs)
{
    if (config.windowFrames < 1 || config.minSamples < 1 || config.minSamples > config.windowFrames)
        throw std::invalid_argument("latency model: minSamples must be in 1..windowFrames");
    if (config.maxAgeMs < 1 || !(config.changeThreshold > 0))
        throw std::invalid_argument("latency model: maxAgeMs and changeThreshold must be > 0");
    for (const LevelLibrary& library : table.libraries())
        m_libraries.push_back(library);
    for (int l = 0; l < table.size(); ++l) {
        const RuntimeLevel& level = table.level(l);
        m_first.push_back(static_cast<int>(m_records.size()));
        m_pointNames.emplace_back();
        const int points = static_cast<int>(level.operatingPoints.size());
        for (int p = -1; p < points; ++p) {
            Record r{SampleWindow(config.windowFrames)};
            r.priorMs = p >= 0 ? level.operatingPoints[p].latencyMs
                        : config.statistic == WindowStatistic::P90 && level.latencyP90Ms > 0
                            ? level.latencyP90Ms
                            : level.latencyMeanMs;
            r.level = l;
            r.point = p;
            r.library = table.libraryOf(l, p);
            m_records.push_back(std::move(r));
            if (p >= 0)
                m_pointNames.back().push_back(level.operatingPoints[p].name);
        }
    }
}

int LevelLatencyModel::indexOf(int level, int operatingPoint) const
{
    if (level < 0 || level >= static_cast<int>(m_first.size()) || operatingPoint < -1 ||
        operatingPoint >= static_cast<int>(m_pointNames[level].size()))
        return -1;
    return m_first[level] + operatingPoint + 1;
}

bool LevelLatencyModel::known(const Record& r, std::int64_t nowNs) const
{
    return r.window.size() >= m_config.minSamples && nowNs - r.newestNs <= m_maxAgeNs;
}

void LevelLatencyModel::observe(int level, int operatingPoint, double latencyMs, std::int64_t nowNs)
{
    const int index = indexOf(level, operatingPoint);
    if (index < 0 || !(latencyMs > 0))
        return;
    Record& r = m_records[index];
    if (r.window.size() > 0 && nowNs - r.newestNs > m_maxAgeNs)
        r.window.clear();  // stale: what it says is about other times
    r.window.push(latencyMs);
    r.newestNs = nowNs;
    const int k = m_config.minSamples;
    if (r.window.size() >= 2 * k) {
        // Medians: a change of conditions moves the typical frame; one slow frame is not one.
        const double after = r.window.recentStatistic(WindowStatistic::Median, k);
        const double before = r.window.olderStatistic(WindowStatistic::Median, k);
        const double ratio = before > 0 ? after / before : 1.0;
        if (std::max(ratio, 1 / ratio) > 1 + m_config.changeThreshold) {
            // Conditions changed under the running level: what the others said is from before,
            // where they share its cores (a program on core 1 says nothing about core 0).
            for (Record& other : m_records)
                if (&other != &r && contend(other, r)) {
                    other.window.clear();
                    other.statMs = 0;
                }
            // The record restarts from its newest frames that belong to the new conditions
            // (closer to them than to the old), so that its statistic is not dragged back.
            int keep = 1;
            while (keep < k) {
                const double x = r.window.newest(keep);
                if (std::abs(std::log(x / after)) >= std::abs(std::log(x / before)))
                    break;
                ++keep;
            }
            r.window.keepNewest(keep);
            ++m_changeCount;
            m_lastChange = LatencyChange{nowNs, level, operatingPoint, before, after};
        }
    }
    r.statMs = r.window.statistic(m_config.statistic);
}

LatencyPrediction LevelLatencyModel::predict(int level, int operatingPoint,
                                             std::int64_t nowNs) const
{
    LatencyPrediction p;
    const int index = indexOf(level, operatingPoint);
    if (index < 0)
        return p;
    const Record& target = m_records[index];
    p.priorMs = p.ms = target.priorMs;
    if (known(target, nowNs)) {
        p.source = LatencySource::Own;
        p.ms = target.statMs;
        p.scale = p.ms / p.priorMs;
        p.samples = target.window.size();
        return p;
    }
    // The nearest known records below and above in profiled latency.
    const Record* below = nullptr;
    const Record* above = nullptr;
    // The same mapping scales first: another one has other threads, and what slows this one (a
    // program on its core) need not touch a mapping on other cores. Without records here, a
    // mapping that shares a core with this one tells more than the profile alone.
    for (int pass = 0; pass < 2 && !below && !above; ++pass)
        for (const Record& r : m_records) {
            const bool usable = pass == 0 ? r.library == target.library
                                          : r.library != target.library && contend(r, target);
            if (&r == &target || !usable || !known(r, nowNs))
                continue;
            if (r.priorMs <= target.priorMs && (!below || r.priorMs > below->priorMs))
                below = &r;
            if (r.priorMs >= target.priorMs && (!above || r.priorMs < above->priorMs))
                above = &r;
        }
    if (!below && !above)
        return p;
    p.source = LatencySource::Scaled;
    const Record* one = below ? below : above;
    p.scale = one->statMs / one->priorMs;
    p.fromLevel[0] = one->level;
    p.fromPoint[0] = one->point;
    if (below && above && above->priorMs > below->priorMs) {
        const double w =
            std::log(target.priorMs / below->priorMs) / std::log(above->priorMs / below->priorMs);
        const double low = below->statMs / below->priorMs, high = above->statMs / above->priorMs;
        p.scale = low + w * (high - low);
        p.fromLevel[1] = above->level;
        p.fromPoint[1] = above->point;
    }
    p.ms = p.priorMs * p.scale;
    return p;
}

bool LevelLatencyModel::contend(const Record& a, const Record& b) const
{
    return a.library == b.library || m_libraries[a.library].contends(m_libraries[b.library]);
}

std::string LevelLatencyModel::pairName(int level, int operatingPoint) const
{
    std::string out = formatText("level %d", level);
    if (operatingPoint >= 0 && indexOf(level, operatingPoint) >= 0)
        out += " @ " + m_pointNames[level][operatingPoint];
    return out;
}

std::string LevelLatencyModel::describe(int level, int operatingPoint,
                                        const LatencyPrediction& p) const
{
    std::string out = pairName(level, operatingPoint) + ": ";
    switch (p.source) {
        case LatencySource::Own:
            return out +
                   formatText("learned %s %.1f ms (%d frames)",
                              statisticName(effectiveStatistic(m_config.statistic, p.samples)),
                              p.ms, p.samples);
        case LatencySource::Prior:
            return out + formatText("profile %.1f ms", p.ms);
        case LatencySource::Scaled:
            break;
    }
    out +=
        formatText("profile %.1f ms × %.2f = %.1f ms (scale learned at ", p.priorMs, p.scale, p.ms);
    const bool samePoints = p.fromLevel[1] >= 0 && p.fromPoint[0] == p.fromPoint[1];
    if (samePoints && p.fromPoint[0] < 0)
        return out + formatText("levels %d, %d)", p.fromLevel[0], p.fromLevel[1]);
    out += pairName(p.fromLevel[0], p.fromPoint[0]);
    if (p.fromLevel[1] >= 0)
        out += ", " + pairName(p.fromLevel[1], p.fromPoint[1]);
    return out + ")";
}

void LevelLatencyModel::clear()
{
    for (Record& r : m_records) {
        r.window.clear();
        r.statMs = 0;
        r.newestNs = 0;
    }
}

int LevelLatencyModel::samples(int level, int operatingPoint) const
{
    const int index = indexOf(level, operatingPoint);
    return index < 0 ? 0 : m_records[index].window.size();
}

int LevelLatencyModel::knownCount(std::int64_t nowNs) const
{
    int n = 0;
    for (const Record& r : m_records)
        n += known(r, nowNs);
    return n;
}

}  // namespace dofa
