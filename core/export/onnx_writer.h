// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

#include "supernet/static_subnet.h"

namespace dofa {

/// Writes an extracted sub-network as a static ONNX model, with dofa's own protobuf encoder
/// (LibTorch's C++ API has no ONNX exporter, and a hand-written encoder needs no new
/// dependency).
///
/// The graph mirrors StaticSubnet::forward op for op: batch norm is already folded into the
/// convolutions; h_swish is HardSigmoid(alpha 1/6, beta 1/2) times x, h_sigmoid is that
/// HardSigmoid alone, SE is GlobalAveragePool -> 1x1 Conv -> Relu -> 1x1 Conv -> HardSigmoid ->
/// Mul; the head is GlobalAveragePool -> 1x1 Conv (feature mix) -> h_swish -> Flatten -> Gemm.
/// Opset 13 (IR version 7): every op used exists since opset 6-13 and is supported by TensorRT
/// 8.x and OpenCV 4.6's importer; the HardSwish op (opset 14) is deliberately avoided.
///
/// Input "input": float (batch, channels, r, r), normalised as the spec says; output
/// "logits": float (batch, classes). Shapes are static.
class OnnxWriter
{
public:
    static constexpr int kOpset = 13;
    static constexpr int kIrVersion = 7;

    /// `batch` fixes the first dimension of input and output (static shapes suit TensorRT).
    explicit OnnxWriter(int batch = 1);

    /// The serialised ModelProto. Throws std::invalid_argument when `net` has no weights.
    [[nodiscard]] std::string serialize(const StaticSubnet& net,
                                        const std::string& docString = {}) const;
    /// serialize() written through AtomicFile, so a failed or killed export never
    /// leaves a truncated model under `path`. Throws std::runtime_error naming the file.
    void write(const StaticSubnet& net, const std::string& path,
               const std::string& docString = {}) const;

private:
    int m_batch = 1;
};

}  // namespace dofa
