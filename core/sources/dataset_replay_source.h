// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

#include "data/fashion_mnist.h"
#include "sources/frame_source.h"

namespace dofa {

/// How a DatasetReplaySource plays its images.
struct DatasetReplayOptions
{
    bool loop = true;              ///< wrap to image 0 after the last one
    std::int64_t start = 0;        ///< first image to play, in [0, size)
    double fps = 0.0;              ///< pacing; 0: as fast as next() is called
    std::int64_t limit = 0;        ///< frames in total before the end of stream; 0: no limit
    std::string name = "dataset";  ///< for description(), e.g. "Fashion-MNIST test set"
};

/// Replays a FashionMnist split as 8-bit single-channel frames with their labels: the default
/// source, because it needs no camera and makes live accuracy measurable.
class DatasetReplaySource : public FrameSource
{
public:
    /// Takes the data by value (tensors share storage, so this is cheap). Throws
    /// std::invalid_argument when images are not (N, H, W) uint8, labels do not match N, N is
    /// 0, or an option is out of range.
    explicit DatasetReplaySource(FashionMnist data, DatasetReplayOptions options = {});

    bool next(Frame& out) override;
    [[nodiscard]] std::string description() const override;
    [[nodiscard]] bool hasLabels() const override { return m_hasLabels; }
    [[nodiscard]] bool isLive() const override { return false; }

    [[nodiscard]] std::int64_t size() const { return m_size; }
    /// Dataset index of the image the next call to next() will deliver.
    [[nodiscard]] std::int64_t position() const { return m_position; }

private:
    FashionMnist m_data;
    DatasetReplayOptions m_options;
    std::int64_t m_size = 0;
    std::int64_t m_position = 0;
    bool m_hasLabels = false;
    bool m_finished = false;
};

}  // namespace dofa
