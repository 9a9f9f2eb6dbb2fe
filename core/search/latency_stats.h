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

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming a missing or negative field.
    static LatencyStats fromJson(const QJsonObject& json);
};

}  // namespace dofa
