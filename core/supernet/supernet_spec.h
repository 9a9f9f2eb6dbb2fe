// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <string>
#include <vector>

namespace dofa {

enum class Activation { ReLU, HSwish };

/// One stage of the elastic part: `maxDepth` MBConv blocks of the same output width.
struct StageSpec
{
    int width = 0;   ///< output channels of every block in the stage
    int stride = 1;  ///< stride of the stage's first block
    Activation act = Activation::ReLU;
    bool se = false;  ///< squeeze-and-excitation after the depthwise conv
};

/// Shape of an OFA MobileNetV3 super-network: fixed stem and tail, elastic stages.
/// The OFA presets reproduce the published ImageNet supernets exactly (key names too);
/// `fmnist-mbv3` is dofa's own small preset for the shipped Fashion-MNIST model.
struct SupernetSpec
{
    std::string name;
    int inChannels = 3;
    int numClasses = 1000;
    int stemWidth = 16;
    int stemStride = 2;
    int firstBlockWidth = 16;  ///< blocks.0: DW3x3 + PW, ReLU, no expansion
    std::vector<StageSpec> stages;
    int finalExpandWidth = 960;
    int lastChannel = 1280;
    std::vector<int> kernelSizes;   ///< ascending, odd
    std::vector<int> expandRatios;  ///< ascending
    std::vector<int> depths;        ///< ascending, each <= maxDepth()
    std::vector<int> resolutions;   ///< ascending input sizes (square)
    std::vector<float> mean;        ///< per input channel normalisation
    std::vector<float> std;
    double bnEps = 1e-5;
    double bnMomentum = 0.1;

    [[nodiscard]] int numStages() const { return static_cast<int>(stages.size()); }
    [[nodiscard]] int maxDepth() const { return depths.empty() ? 0 : depths.back(); }
    [[nodiscard]] int maxKernel() const { return kernelSizes.empty() ? 0 : kernelSizes.back(); }
    [[nodiscard]] int maxExpand() const { return expandRatios.empty() ? 0 : expandRatios.back(); }
    /// Number of elastic blocks (blocks.1 .. blocks.N); blocks.0 is fixed.
    [[nodiscard]] int numElasticBlocks() const { return numStages() * maxDepth(); }

    /// Input channels of elastic block `i` (0-based over elastic blocks).
    [[nodiscard]] int blockInChannels(int i) const;
    [[nodiscard]] int blockOutChannels(int i) const { return stages[stageOf(i)].width; }
    [[nodiscard]] int blockStride(int i) const;
    [[nodiscard]] int stageOf(int i) const { return i / maxDepth(); }
    [[nodiscard]] bool blockHasShortcut(int i) const;
    /// Inverted-bottleneck width for input width `inChannels` and expand ratio `e`.
    [[nodiscard]] static int midChannels(int inChannels, int e);
    /// Hidden width of the SE module for a `mid`-channel block.
    [[nodiscard]] static int seMidChannels(int mid);

    /// Empty when the spec is consistent, else a message naming the problem.
    [[nodiscard]] std::string validate() const;

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming the bad field.
    static SupernetSpec fromJson(const QJsonObject& json);

    /// Throws std::invalid_argument listing the known presets.
    static SupernetSpec preset(const std::string& name);
    static std::vector<std::string> presetNames();
};

/// OFA's make_divisible: round to a multiple of `divisor`, never below 90 % of `v`.
int makeDivisible(double v, int divisor = 8);

const char* activationName(Activation a);

}  // namespace dofa
