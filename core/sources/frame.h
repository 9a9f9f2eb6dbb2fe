// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

#include <opencv2/core/mat.hpp>

namespace dofa {

/// One frame as a FrameSource delivers it. The image owns its pixels (never a view into a
/// capture buffer that the next read reuses), so a Frame may cross threads by value.
struct Frame
{
    cv::Mat image;           ///< 8-bit gray (dataset) or BGR (captures), any size
    int label = -1;          ///< class index, -1: unknown (every source without labels)
    std::int64_t index = 0;  ///< sequence number within the source: 0, 1, 2, ...
    std::int64_t tNs = 0;    ///< steady clock (ns since its epoch) when captured
};

}  // namespace dofa
