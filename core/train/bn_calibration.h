// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "data/image_set.h"
#include "supernet/bn_stats.h"
#include "supernet/subnet_arch.h"
#include "supernet/supernet.h"

namespace dofa {

/// How BN statistics of a sub-network are re-estimated (OFA's set_running_statistics,
/// scaled to Fashion-MNIST): a fixed, seeded subset of training images with the training
/// augmentation, batch statistics, batch-size-weighted averages of mean and biased variance.
struct BnCalibrationOptions
{
    int images = 2000;
    int batchSize = 200;
    std::uint32_t seed = 937162211;  ///< OFA's SUB_SEED: same subset and augmentation every run
    int augmentPad = 2;
};

/// BN statistics of `arch` from one pass over a calibration set (its images at arch.r) in
/// batches of `batchSize`: batch statistics, batch-size-weighted averages of mean and biased
/// variance. The supernet is left unchanged (training mode restored).
BnStats calibrateBn(Supernet& net, const SubnetArch& arch, const ImageSet& images, int batchSize);

/// The same on in-memory training images (uint8 (N, H, W)) through an AugmentedTensorSet.
/// Deterministic for a given (supernet, arch, images, options).
BnStats calibrateBn(Supernet& net, const SubnetArch& arch, const torch::Tensor& images,
                    const BnCalibrationOptions& options = {});

}  // namespace dofa
