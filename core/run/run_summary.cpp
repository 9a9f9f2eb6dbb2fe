// SPDX-License-Identifier: MIT
#include "run/run_summary.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace dofa {

double RunSummary::PerModel::meanLatencyMs() const
{
    return latencies.empty() ? 0.0
                             : std::accumulate(latencies.begin(), latencies.end(), 0.0) /
                                   static_cast<double>(latencies.size());
}

double RunSummary::PerModel::p90LatencyMs() const
{
    if (latencies.empty()) {
        return 0.0;
    }
    std::vector<double> v = latencies;
    std::sort(v.begin(), v.end());
    // Linear interpolation between closest ranks, as numpy's default.
    const double pos = 0.9 * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<size_t>(pos);
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

double RunSummary::PerModel::withinTargetShare() const
{
    return frames == 0 ? 0.0 : static_cast<double>(withinTarget) / static_cast<double>(frames);
}

double RunSummary::PerModel::top1() const
{
    return labelled == 0 ? -1.0
                         : 100.0 * static_cast<double>(correct) / static_cast<double>(labelled);
}

void RunSummary::add(const FrameRecord& r)
{
    if (r.model >= static_cast<int>(m_models.size())) {
        m_models.resize(static_cast<size_t>(r.model) + 1);
    }
    PerModel& m = m_models[static_cast<size_t>(r.model)];
    ++m.frames;
    m.latencies.push_back(r.latencyMs);
    m.withinTarget += r.withinTarget() ? 1 : 0;
    if (r.hasLabel()) {
        ++m.labelled;
        m.correct += r.correct() ? 1 : 0;
    }
    m.levelChanges += r.nextLevel != r.level ? 1 : 0;
    if (r.level >= static_cast<int>(m.framesAtLevel.size())) {
        m.framesAtLevel.resize(static_cast<size_t>(r.level) + 1);
    }
    ++m.framesAtLevel[static_cast<size_t>(r.level)];
}

std::string RunSummary::text(double seconds) const
{
    std::string out;
    char buf[256];
    for (size_t i = 0; i < m_models.size(); ++i) {
        const PerModel& m = m_models[i];
        if (m_models.size() > 1) {
            std::snprintf(buf, sizeof buf, "model %zu\n", i);
            out += buf;
        }
        std::snprintf(buf, sizeof buf,
                      "  frames          %lld in %.1f s (%.1f frames/s)\n"
                      "  latency         mean %.2f ms, p90 %.2f ms\n"
                      "  within target   %.1f %% of frames\n",
                      static_cast<long long>(m.frames), seconds,
                      seconds > 0 ? static_cast<double>(m.frames) / seconds : 0.0,
                      m.meanLatencyMs(), m.p90LatencyMs(), 100.0 * m.withinTargetShare());
        out += buf;
        if (m.labelled > 0) {
            std::snprintf(buf, sizeof buf, "  top-1           %.2f %% (%lld of %lld labelled)\n",
                          m.top1(), static_cast<long long>(m.correct),
                          static_cast<long long>(m.labelled));
        } else {
            std::snprintf(buf, sizeof buf, "  top-1           n/a (no labels)\n");
        }
        out += buf;
        std::snprintf(buf, sizeof buf, "  level changes   %lld\n  frames by level",
                      static_cast<long long>(m.levelChanges));
        out += buf;
        for (size_t l = 0; l < m.framesAtLevel.size(); ++l) {
            std::snprintf(buf, sizeof buf, " %zu:%lld", l,
                          static_cast<long long>(m.framesAtLevel[l]));
            out += buf;
        }
        out += '\n';
    }
    return out;
}

}  // namespace dofa
