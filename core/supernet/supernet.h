// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "bn_stats.h"
#include "subnet_arch.h"
#include "supernet_spec.h"

namespace dofa {

class StaticSubnet;

/// The elastic OFA MobileNetV3 super-network. Parameter and buffer names are exactly those
/// of OFA's `OFAMobileNetV3` state dict (`blocks.5.conv.depth_conv.conv.7to5_matrix`, ...), so
/// official checkpoints load key for key.
///
/// forward(x, arch) runs the active sub-network by prefix slicing, in train or eval mode.
/// Not thread-safe: one forward at a time (training and calibration mutate BN state).
class SupernetImpl : public torch::nn::Module
{
public:
    explicit SupernetImpl(SupernetSpec spec);

    /// x: (N, inChannels, r, r) normalised input; returns logits (N, numClasses).
    torch::Tensor forward(const torch::Tensor& x, const SubnetArch& arch);

    /// Static, BN-folded sub-network with its own copies of the sliced weights. BN statistics
    /// come from `stats` where given (a calibration), else from the supernet's running stats.
    [[nodiscard]] StaticSubnet extract(const SubnetArch& arch,
                                       const BnStats* stats = nullptr) const;

    /// BN recalibration (OFA's set_running_statistics): between begin and end, forward()
    /// normalises with batch statistics and accumulates batch-size-weighted means of the
    /// per-batch mean and biased variance. end returns them; the supernet is unchanged.
    void beginBnCalibration();
    BnStats endBnCalibration();

    /// Use `stats` instead of the running statistics in eval-mode forwards (nullptr: off).
    void setBnOverride(const BnStats* stats) { m_bnOverride = stats; }

    /// Sorts the inverted-bottleneck channels of every elastic block by importance (L1 of
    /// point_linear) so that smaller expand ratios keep the most important ones; for
    /// `expandStage` > 0 the groups of earlier, larger widths keep their order (OFA's
    /// re_organize_middle_weights).
    void reorganizeChannels(int expandStage);

    /// All parameters and buffers by OFA key, in registration order.
    [[nodiscard]] std::vector<std::pair<std::string, torch::Tensor>> stateDict() const;
    /// Copies tensors into the matching keys. Throws std::runtime_error on a shape mismatch;
    /// returns the keys of the supernet that `values` did not contain.
    std::vector<std::string> loadStateDict(const std::map<std::string, torch::Tensor>& values);

    [[nodiscard]] const SupernetSpec& spec() const { return m_spec; }
    /// Number of trainable parameters (OFA's count includes the transform matrices).
    [[nodiscard]] std::int64_t parameterCount() const;

private:
    struct ConvBn
    {
        torch::nn::Conv2d conv{nullptr};
        torch::nn::BatchNorm2d bn{nullptr};
    };
    struct Block
    {
        ConvBn ib;  ///< absent for blocks.0
        ConvBn dw;
        ConvBn pl;
        torch::nn::Conv2d seReduce{nullptr};
        torch::nn::Conv2d seExpand{nullptr};
        /// transforms[j] maps kernelSizes[j+1] -> kernelSizes[j] ("7to5_matrix", "5to3_matrix").
        std::vector<torch::Tensor> transforms;
        int inC = 0, outC = 0, stride = 1;
        bool shortcut = false, se = false;
        Activation act = Activation::ReLU;
    };

    ConvBn makeConvBn(torch::nn::Module& parent, const std::string& name, int in, int out, int k,
                      int stride, int groups, bool nestedNames);
    torch::Tensor batchNorm(const torch::Tensor& x, const torch::nn::BatchNorm2d& bn);
    torch::Tensor blockForward(const torch::Tensor& x, const Block& b, int k, int e);
    /// Depthwise kernel of size k for the first C channels, transformed 7 -> 5 -> 3 in order.
    torch::Tensor activeFilter(const Block& b, int channels, int k) const;
    BnMoments momentsFor(const torch::nn::BatchNorm2d& bn, int channels,
                         const BnStats* stats) const;

    SupernetSpec m_spec;
    ConvBn m_firstConv;
    Block m_block0;
    std::vector<Block> m_blocks;
    ConvBn m_finalExpand;
    torch::nn::Conv2d m_featureMix{nullptr};
    torch::nn::Linear m_classifier{nullptr};
    std::map<const torch::nn::BatchNorm2dImpl*, std::string> m_bnNames;

    struct CalibrationSum
    {
        torch::Tensor mean, var;
        std::int64_t count = 0;
    };
    bool m_calibrating = false;
    std::map<const torch::nn::BatchNorm2dImpl*, CalibrationSum> m_calibration;
    const BnStats* m_bnOverride = nullptr;
};
TORCH_MODULE(Supernet);

}  // namespace dofa
