// SPDX-License-Identifier: MIT
#include "latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dofa {

namespace {

double percentile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty()) {
        return 0;
    }
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

LatencyStats LatencyStats::fromSamples(std::vector<double> ms)
{
    LatencyStats s;
    s.runs = static_cast<int>(ms.size());
    if (ms.empty()) {
        return s;
    }
    std::sort(ms.begin(), ms.end());
    s.mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
    double ss = 0;
    for (double v : ms) {
        ss += (v - s.mean) * (v - s.mean);
    }
    s.std = std::sqrt(ss / static_cast<double>(ms.size()));
    s.p50 = percentile(ms, 0.5);
    s.p90 = percentile(ms, 0.9);
    s.min = ms.front();
    return s;
}

QJsonObject LatencyStats::toJson() const
{
    return QJsonObject{{"mean_ms", mean}, {"p50_ms", p50}, {"p90_ms", p90},
                       {"std_ms", std},   {"min_ms", min}, {"runs", runs}};
}

LatencyStats LatencyStats::fromJson(const QJsonObject& json)
{
    auto need = [&](const char* key) {
        const QJsonValue v = json.value(key);
        if (!v.isDouble() || v.toDouble() < 0) {
            throw std::runtime_error(std::string("latency: field '") + key +
                                     "' must be a non-negative number");
        }
        return v.toDouble();
    };
    LatencyStats s;
    s.mean = need("mean_ms");
    s.p50 = need("p50_ms");
    s.p90 = need("p90_ms");
    s.std = need("std_ms");
    s.min = json.value("min_ms").toDouble(s.p50);
    s.runs = static_cast<int>(need("runs"));
    return s;
}

}  // namespace dofa
