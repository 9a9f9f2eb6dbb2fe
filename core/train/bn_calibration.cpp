// SPDX-License-Identifier: MIT
#include "bn_calibration.h"

#include <torch/torch.h>

#include "augmented_tensor_set.h"
#include "data/preprocess.h"

namespace dofa {

BnStats calibrateBn(Supernet& net, const SubnetArch& arch, const ImageSet& images, int batchSize)
{
    const bool wasTraining = net->is_training();
    net->eval();
    torch::NoGradGuard noGrad;
    const SupernetSpec& spec = net->spec();
    net->beginBnCalibration();
    try {
        images.forEachBatch(
            arch.r, batchSize, [&](const torch::Tensor& batch, const torch::Tensor&) {
                net->forward(preprocess::toInput(batch, arch.r, spec.mean, spec.std), arch);
            });
    } catch (...) {
        net->endBnCalibration();
        net->train(wasTraining);
        throw;
    }
    BnStats stats = net->endBnCalibration();
    net->train(wasTraining);
    return stats;
}

BnStats calibrateBn(Supernet& net, const SubnetArch& arch, const torch::Tensor& images,
                    const BnCalibrationOptions& options)
{
    return calibrateBn(net, arch, AugmentedTensorSet(images, options), options.batchSize);
}

}  // namespace dofa
