// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <vector>

#include <torch/types.h>

#include "subnet_arch.h"
#include "supernet_spec.h"

namespace dofa {

/// A convolution with batch norm folded into weight and bias, and its activation.
struct FusedConv
{
    enum class Act { None, ReLU, HSwish };
    torch::Tensor weight;  ///< (out, in/groups, k, k)
    torch::Tensor bias;    ///< (out) or undefined
    int stride = 1;
    int padding = 0;
    int groups = 1;
    Act act = Act::None;

    [[nodiscard]] torch::Tensor forward(const torch::Tensor& x) const;
    [[nodiscard]] FusedConv to(const torch::Device& device) const;
};

/// One MBConv block of an extracted sub-network.
struct StaticBlock
{
    std::optional<FusedConv> expand;  ///< inverted bottleneck (absent in blocks.0)
    FusedConv depthwise;
    bool se = false;
    torch::Tensor seReduceW, seReduceB, seExpandW, seExpandB;
    FusedConv project;  ///< point_linear, no activation
    bool shortcut = false;

    [[nodiscard]] torch::Tensor forward(const torch::Tensor& x) const;
    [[nodiscard]] StaticBlock to(const torch::Device& device) const;
};

/// A static sub-network extracted from a supernet: own, contiguous weights, BN folded.
/// Immutable after construction, so forward() may run on several threads at once.
class StaticSubnet
{
public:
    StaticSubnet() = default;

    [[nodiscard]] torch::Tensor forward(const torch::Tensor& x) const;
    /// A copy with every weight on `device` (a level can run on a GPU; CPU is the default).
    [[nodiscard]] StaticSubnet to(const torch::Device& device) const;

    [[nodiscard]] const SubnetArch& arch() const { return m_arch; }
    [[nodiscard]] int resolution() const { return m_arch.r; }
    /// After the last block: final expand, global pool, feature mix, classifier. Shared with
    /// the latency table, which times exactly this. The feature mix is a 1x1 convolution on a
    /// 1x1 map, run as a matrix product: LibTorch's conv2d takes about 7x as long for that shape
    /// (0.47 vs 0.06 ms for 256->512 on the development CPU), a fixed cost that dwarfed the small
    /// levels.
    static torch::Tensor head(const torch::Tensor& features, const FusedConv& finalExpand,
                              const torch::Tensor& featureMixW, const torch::Tensor& classifierW,
                              const torch::Tensor& classifierB);

    /// Bytes held by the weights of this sub-network.
    [[nodiscard]] std::int64_t weightBytes() const;

    // Layers, public for the exporters (ONNX) and the benchmarks.
    FusedConv stem;
    std::vector<StaticBlock> blocks;  ///< blocks.0 first, then the active elastic blocks
    FusedConv finalExpand;
    torch::Tensor featureMixW;  ///< (lastChannel, finalExpand, 1, 1), no bias, h_swish
    torch::Tensor classifierW, classifierB;

private:
    friend class SupernetImpl;
    SubnetArch m_arch;
};

}  // namespace dofa
