// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>

#include <torch/types.h>

#include "supernet/static_subnet.h"

namespace dofa {

/// One extracted level run by OpenCV DNN instead of LibTorch: the level (BN already folded
/// with its own statistics) is exported to ONNX in memory with OnnxWriter and loaded with
/// cv::dnn::readNetFromONNX. Input and output are torch tensors, so the caller's
/// preprocessing and post-processing stay those of the LibTorch path.
///
/// Not thread-safe (cv::dnn::Net::forward mutates the net): it belongs to the thread that
/// owns the DynamicModel.
class OpenCvDnnLevel
{
public:
    /// Throws std::runtime_error with the reason when the export or OpenCV's import fails.
    explicit OpenCvDnnLevel(const StaticSubnet& net);
    ~OpenCvDnnLevel();
    OpenCvDnnLevel(const OpenCvDnnLevel&) = delete;
    OpenCvDnnLevel& operator=(const OpenCvDnnLevel&) = delete;

    /// Logits (N, classes) for a preprocessed float input (N, C, r, r) on the CPU. Sets
    /// OpenCV's thread count to LibTorch's first when they differ, so a thread knob turned
    /// through torch::set_num_threads applies to both backends.
    [[nodiscard]] torch::Tensor forward(const torch::Tensor& x);

    /// Bytes of the serialised ONNX model (about the weights' size: OpenCV keeps its own copy).
    [[nodiscard]] std::int64_t onnxBytes() const { return m_onnxBytes; }

private:
    struct Impl;  ///< holds the cv::dnn::Net: OpenCV's DNN header stays out of this one
    std::unique_ptr<Impl> m_impl;
    std::int64_t m_classes = 0;
    std::int64_t m_onnxBytes = 0;
};

}  // namespace dofa
