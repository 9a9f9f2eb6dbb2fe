// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <vector>

namespace dofa {

/// Summary of repeated latency measurements, in milliseconds.
struct LatencyStats
{
    double mean = 0, p50 = 0, p90 = 0, std = 0, min = 0;
    int runs = 0;

    /// Population statistics of `ms`; percentiles by linear interpolation (numpy's default).
    static LatencyStats fromSamples(std::vector<double> ms);

    /// Every time multiplied by `factor` (a modelled slowdown, e.g. a SIMULATED clock).
    [[nodiscard]] LatencyStats scaled(double factor) const
    {
        LatencyStats s = *this;
        s.mean *= factor;
        s.p50 *= factor;
        s.p90 *= factor;
        s.std *= factor;
        s.min *= factor;
        return s;
    }

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming a missing or negative field.
    static LatencyStats fromJson(const QJsonObject& json);
};

}  // namespace dofa
