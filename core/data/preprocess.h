// SPDX-License-Identifier: MIT
#pragma once

#include <random>
#include <vector>

#include <torch/types.h>

namespace dofa {

/// Pure image-to-tensor functions shared by training, evaluation and the live engine, so
/// that every path feeds the network exactly the same way.
namespace preprocess {

/// uint8 (N, H, W) or (N, C, H, W) -> float (N, C, r, r): scale to [0,1], bilinear resize to
/// `resolution` (no-op when equal), normalise per channel.
torch::Tensor toInput(const torch::Tensor& images, int resolution, const std::vector<float>& mean,
                      const std::vector<float>& std);

/// Training augmentation on uint8 (N, H, W): random translation by up to `pad` pixels (zero
/// fill) and random horizontal flip, per image.
torch::Tensor augment(const torch::Tensor& images, int pad, std::mt19937& rng);

}  // namespace preprocess
}  // namespace dofa
