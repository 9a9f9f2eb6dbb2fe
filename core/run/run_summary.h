// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run/frame_record.h"

namespace dofa {

/// What `dofa run` prints at the end, per model: frames, mean/p90 latency, share of frames
/// within the latency target, top-1 where labels exist, level changes.
class RunSummary
{
public:
    struct PerModel
    {
        std::int64_t frames = 0;
        std::int64_t withinTarget = 0;
        std::int64_t labelled = 0;
        std::int64_t correct = 0;
        std::int64_t levelChanges = 0;
        std::vector<double> latencies;  ///< every frame's, for percentiles at the end
        std::vector<std::int64_t> framesAtLevel;

        [[nodiscard]] double meanLatencyMs() const;
        [[nodiscard]] double p90LatencyMs() const;
        [[nodiscard]] double withinTargetShare() const;
        /// % of labelled frames; negative when no frame had a label.
        [[nodiscard]] double top1() const;
    };

    void add(const FrameRecord& record);
    [[nodiscard]] const PerModel& model(int index) const { return m_models.at(index); }
    [[nodiscard]] int modelCount() const { return static_cast<int>(m_models.size()); }
    /// Multi-line text, one block per model.
    [[nodiscard]] std::string text(double seconds) const;

private:
    std::vector<PerModel> m_models;
};

}  // namespace dofa
