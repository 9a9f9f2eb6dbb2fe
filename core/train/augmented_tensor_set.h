// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "bn_calibration.h"
#include "data/image_set.h"

namespace dofa {

/// The BN calibration set of an in-memory training set (Fashion-MNIST): a fixed, seeded subset
/// of `options.images` images with the training augmentation (random shift by up to
/// `options.augmentPad` pixels, horizontal flip), the same subset and draws on every pass.
/// One std::mt19937(seed) picks the subset and then draws the augmentation batch after batch,
/// so a pass depends on the batch size too (which the calibration protocol records).
class AugmentedTensorSet : public ImageSet
{
public:
    /// `images`: uint8 (N, H, W). `identity`, when the images are not Fashion-MNIST's training
    /// set (an image folder's), names them in describe() as "calibration_set", so that an
    /// accuracy cache made on other images is not reused. Throws std::invalid_argument when
    /// there are none.
    AugmentedTensorSet(torch::Tensor images, BnCalibrationOptions options,
                       std::string identity = {});

    [[nodiscard]] std::int64_t size() const override;
    [[nodiscard]] QJsonObject describe() const override;
    /// Labels are not used by calibration: an empty tensor.
    void forEachBatch(int resolution, int batchSize, const BatchFn& fn) const override;

private:
    torch::Tensor m_images;
    BnCalibrationOptions m_options;
    std::string m_identity;
};

}  // namespace dofa
