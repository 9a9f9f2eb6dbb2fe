// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "runtime/decision.h"

namespace dofa {

/// What happened to one frame of one model, as InferencePipeline::step returns it: the
/// telemetry row (CSV, GUI ring buffers), the frame's image and the manager's decisions on it.
struct FrameRecord
{
    std::int64_t frame = 0;  ///< round index of the run (all models share it)
    int model = 0;
    double tSeconds = 0;  ///< since the start of the run, at the end of the inference
    int level = 0;        ///< level the frame ran at
    double latencyMs = 0;
    int label = -1;  ///< -1: the source has no labels
    int predicted = -1;
    /// The three most probable classes, best first (-1 where the model has fewer classes),
    /// and their softmax probabilities: the GUI's classification overlay.
    std::array<int, 3> topClass{{-1, -1, -1}};
    std::array<float, 3> topScore{{0.f, 0.f, 0.f}};
    std::optional<double> targetLatencyMs;  ///< in force for this frame
    std::optional<double> powerMw;          ///< board total, where a sensor exists
    std::optional<double> cpuFreqKhz;       ///< first CPU policy, where readable
    std::string load;                       ///< competing load running, empty: none
    /// What the manager decided after this frame, for this frame's model (most often nothing):
    /// a decision made between frames (a new policy) comes with the next frame.
    std::vector<Decision> decisions;
    int nextLevel = 0;    ///< level after the decision (== level otherwise)
    double switchMs = 0;  ///< time of the level switch this frame caused
    bool switchCached = false;
    /// The frame as its source delivered it, for the live view. Frames own their pixels, so the
    /// Mat is shared and read-only; whoever keeps records for long (a telemetry ring) drops it.
    cv::Mat image;

    /// The decisions' reasons, "; " between two (the telemetry CSV's decision column).
    [[nodiscard]] std::string decisionText() const
    {
        std::string text;
        for (const Decision& d : decisions) {
            text += (text.empty() ? "" : "; ") + d.reason;
        }
        return text;
    }
    [[nodiscard]] bool hasLabel() const { return label >= 0; }
    [[nodiscard]] bool correct() const { return label >= 0 && label == predicted; }
    /// Within the latency target (true when there is none).
    [[nodiscard]] bool withinTarget() const
    {
        return !targetLatencyMs || latencyMs <= *targetLatencyMs;
    }
};

}  // namespace dofa
