// SPDX-License-Identifier: MIT
#include "preprocess.h"

#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/nn/functional/upsampling.h>

namespace dofa::preprocess {

torch::Tensor toInput(const torch::Tensor& images, int resolution, const std::vector<float>& mean,
                      const std::vector<float>& std)
{
    torch::Tensor x = images.dim() == 3 ? images.unsqueeze(1) : images;
    if (x.dim() != 4) {
        throw std::invalid_argument("preprocess: images must be (N,H,W) or (N,C,H,W)");
    }
    if (x.size(1) != static_cast<int64_t>(mean.size())) {
        throw std::invalid_argument("preprocess: " + std::to_string(x.size(1)) +
                                    " channels, the model expects " + std::to_string(mean.size()));
    }
    x = x.to(torch::kFloat32).div_(255.0);
    if (x.size(2) != resolution || x.size(3) != resolution) {
        namespace F = torch::nn::functional;
        x = F::interpolate(x, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{resolution, resolution})
                                  .mode(torch::kBilinear)
                                  .align_corners(false));
    }
    const torch::Tensor m = torch::tensor(mean).view({1, -1, 1, 1});
    const torch::Tensor s = torch::tensor(std).view({1, -1, 1, 1});
    return x.sub_(m).div_(s).contiguous();
}

torch::Tensor augment(const torch::Tensor& images, int pad, std::mt19937& rng)
{
    const int64_t n = images.size(0), h = images.size(1), w = images.size(2);
    torch::Tensor padded = at::constant_pad_nd(images, {pad, pad, pad, pad}, 0);
    torch::Tensor out = torch::empty_like(images);
    std::uniform_int_distribution<int> shift(0, 2 * pad);
    std::bernoulli_distribution flip(0.5);
    for (int64_t i = 0; i < n; ++i) {
        const int dy = shift(rng), dx = shift(rng);
        torch::Tensor crop = padded[i].narrow(0, dy, h).narrow(1, dx, w);
        out[i].copy_(flip(rng) ? crop.flip({1}) : crop);
    }
    return out;
}

}  // namespace dofa::preprocess
