// SPDX-License-Identifier: MIT
#include "bn_calibration.h"

#include <algorithm>
#include <numeric>
#include <random>

#include <torch/torch.h>

#include "data/preprocess.h"

namespace dofa {

BnStats calibrateBn(Supernet& net, const SubnetArch& arch, const torch::Tensor& images,
                    const BnCalibrationOptions& options)
{
    const int64_t n = std::min<int64_t>(options.images, images.size(0));
    std::mt19937 rng(options.seed);
    std::vector<int64_t> order(static_cast<size_t>(images.size(0)));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(static_cast<size_t>(n));
    const torch::Tensor subset = images.index_select(0, torch::tensor(order));

    const bool wasTraining = net->is_training();
    net->eval();
    torch::NoGradGuard noGrad;
    const SupernetSpec& spec = net->spec();
    net->beginBnCalibration();
    try {
        for (int64_t start = 0; start < n; start += options.batchSize) {
            const int64_t len = std::min<int64_t>(options.batchSize, n - start);
            torch::Tensor batch = subset.narrow(0, start, len);
            if (options.augmentPad > 0) {
                batch = preprocess::augment(batch, options.augmentPad, rng);
            }
            net->forward(preprocess::toInput(batch, arch.r, spec.mean, spec.std), arch);
        }
    } catch (...) {
        net->endBnCalibration();
        net->train(wasTraining);
        throw;
    }
    BnStats stats = net->endBnCalibration();
    net->train(wasTraining);
    return stats;
}

}  // namespace dofa
