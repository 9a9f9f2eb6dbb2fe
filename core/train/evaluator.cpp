// SPDX-License-Identifier: MIT
#include "evaluator.h"

#include <algorithm>

#include <torch/torch.h>

#include "data/preprocess.h"
#include "data/tensor_image_set.h"

namespace dofa {

int evaluationBatch(int resolution)
{
    const int r = std::max(resolution, 1);
    return std::clamp(200704 / (r * r), 1, 500);
}

Top1Result evaluateTop1(const StaticSubnet& net, const SupernetSpec& spec, const ImageSet& images,
                        int batchSize, const std::function<void(int64_t, int64_t)>& progress)
{
    torch::InferenceMode inference;
    Top1Result result;
    images.forEachBatch(
        net.resolution(), batchSize > 0 ? batchSize : evaluationBatch(net.resolution()),
        [&](const torch::Tensor& x, const torch::Tensor& labels) {
            const torch::Tensor pred =
                net.forward(preprocess::toInput(x, net.resolution(), spec.mean, spec.std))
                    .argmax(1);
            result.correct += pred.eq(labels).sum().item<int64_t>();
            result.total += labels.size(0);
            if (progress)
                progress(result.total, images.size());
        });
    return result;
}

Top1Result evaluateTop1(const StaticSubnet& net, const SupernetSpec& spec,
                        const torch::Tensor& images, const torch::Tensor& labels, int batchSize,
                        const std::function<void(int64_t, int64_t)>& progress)
{
    return evaluateTop1(net, spec, TensorImageSet(images, labels, "tensors"), batchSize, progress);
}

}  // namespace dofa
