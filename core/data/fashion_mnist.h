// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

namespace dofa {

/// Fashion-MNIST (or MNIST) in IDX format, gzip-compressed or raw, as shipped by Debian's
/// dataset-fashion-mnist in /usr/share/datasets/fashion-mnist.
struct FashionMnist
{
    enum class Split { Train, Test };

    torch::Tensor images;  ///< (N, 28, 28) uint8
    torch::Tensor labels;  ///< (N) int64

    [[nodiscard]] int64_t size() const { return labels.defined() ? labels.size(0) : 0; }

    /// Loads `train-*` or `t10k-*` files from `dir`. Throws std::runtime_error naming the
    /// file and the problem (missing, not IDX, truncated, counts that disagree).
    static FashionMnist load(const std::string& dir, Split split);

    /// Reads one IDX file (magic 0x0801 labels or 0x0803 images), .gz or raw.
    static torch::Tensor readIdx(const std::string& path);

    /// The default directory: $DOFA_FASHION_MNIST_DIR, else Debian's location.
    static std::string defaultDir();

    static const std::vector<std::string>& classNames();
};

}  // namespace dofa
