// SPDX-License-Identifier: MIT
#include "evaluator.h"

#include <algorithm>

#include <torch/torch.h>

#include "data/preprocess.h"

namespace dofa {

Top1Result evaluateTop1(const StaticSubnet& net, const SupernetSpec& spec,
                        const torch::Tensor& images, const torch::Tensor& labels, int batchSize,
                        const std::function<void(int64_t, int64_t)>& progress)
{
    torch::InferenceMode inference;
    Top1Result result;
    const int64_t n = images.size(0);
    for (int64_t start = 0; start < n; start += batchSize) {
        const int64_t len = std::min<int64_t>(batchSize, n - start);
        const torch::Tensor x = preprocess::toInput(images.narrow(0, start, len), net.resolution(),
                                                    spec.mean, spec.std);
        const torch::Tensor pred = net.forward(x).argmax(1);
        result.correct += pred.eq(labels.narrow(0, start, len)).sum().item<int64_t>();
        result.total += len;
        if (progress) {
            progress(result.total, n);
        }
    }
    return result;
}

}  // namespace dofa
