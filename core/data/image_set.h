// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <cstdint>
#include <functional>

#include <torch/types.h>

namespace dofa {

/// Labelled images that an accuracy measurement or a BN calibration runs over, at whatever
/// resolution the sub-network takes: the Fashion-MNIST tensors or an image folder. One
/// interface, so that `eval`, `calibrate`, `levels`, `search` and `profile` work on any model's
/// data the same way.
///
/// Batches are uint8 images ready for preprocess::toInput (which scales, resizes when needed and
/// normalises by the model's mean and std): (N, H, W) gray or (N, C, r, r), with int64 labels.
class ImageSet
{
public:
    using BatchFn = std::function<void(const torch::Tensor& images, const torch::Tensor& labels)>;

    virtual ~ImageSet() = default;

    /// Images one pass delivers at most (images that fail to decode are skipped).
    [[nodiscard]] virtual std::int64_t size() const = 0;
    /// What the set is, as protocol fields of profiles and accuracy caches: an evaluation set
    /// gives "evaluation_set" and "evaluation_images", a calibration set the "calibration_*"
    /// fields. A cache made under other fields is not reused.
    [[nodiscard]] virtual QJsonObject describe() const = 0;
    /// Every image once, in a fixed order (and, for a calibration set, with a fixed seeded
    /// augmentation), prepared for `resolution`, in batches of at most `batchSize`.
    virtual void forEachBatch(int resolution, int batchSize, const BatchFn& fn) const = 0;
};

}  // namespace dofa
