// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "image_set.h"

namespace dofa {

/// An evaluation set held in memory: uint8 (N, H, W) or (N, C, H, W) images and int64 labels,
/// delivered in order (preprocess::toInput resizes them to the sub-network's resolution).
/// Fashion-MNIST's test set, its held-out training images, or any tensors a test makes.
class TensorImageSet : public ImageSet
{
public:
    /// Throws std::invalid_argument on an empty set or counts that differ.
    TensorImageSet(torch::Tensor images, torch::Tensor labels, std::string name);

    [[nodiscard]] std::int64_t size() const override { return m_labels.size(0); }
    [[nodiscard]] QJsonObject describe() const override;
    void forEachBatch(int resolution, int batchSize, const BatchFn& fn) const override;

    /// The first `limit` images (all when 0 or more than there are); the name says so.
    [[nodiscard]] TensorImageSet first(std::int64_t limit) const;

private:
    torch::Tensor m_images, m_labels;
    std::string m_name;
};

}  // namespace dofa
