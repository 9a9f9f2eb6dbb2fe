// SPDX-License-Identifier: MIT
#include "runtime/policy.h"

namespace dofa {

LatencyPrediction predictLatency(const ModelState& model, int level, int operatingPoint,
                                 std::int64_t nowNs)
{
    if (model.latency)
        return model.latency->predict(level, operatingPoint, nowNs);
    LatencyPrediction p;
    const RuntimeLevel& l = model.table->level(level);
    p.priorMs = p.ms =
        operatingPoint >= 0
            ? l.operatingPoints.at(static_cast<std::size_t>(operatingPoint)).latencyMs
            : l.latencyMeanMs;
    return p;
}

std::string describeLatency(const ModelState& model, int level, int operatingPoint,
                            std::int64_t nowNs)
{
    if (model.latency)
        return model.latency->describe(level, operatingPoint, nowNs);
    LevelLatencyModel profileOnly(*model.table);  // rare (reasons only): nothing learnt
    return profileOnly.describe(level, operatingPoint, nowNs);
}

}  // namespace dofa
