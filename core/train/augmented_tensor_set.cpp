// SPDX-License-Identifier: MIT
#include "augmented_tensor_set.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

#include <torch/torch.h>

#include "data/preprocess.h"

namespace dofa {

AugmentedTensorSet::AugmentedTensorSet(torch::Tensor images, BnCalibrationOptions options,
                                       std::string identity)
    : m_images(std::move(images)), m_options(options), m_identity(std::move(identity))
{
    if (!m_images.defined() || m_images.size(0) == 0 || m_options.images < 1)
        throw std::invalid_argument("BN calibration: no images");
}

std::int64_t AugmentedTensorSet::size() const
{
    return std::min<std::int64_t>(m_options.images, m_images.size(0));
}

QJsonObject AugmentedTensorSet::describe() const
{
    QJsonObject o{{"calibration_images", m_options.images},
                  {"calibration_seed", static_cast<qint64>(m_options.seed)},
                  {"calibration_augment_pad", m_options.augmentPad}};
    if (!m_identity.empty())
        o["calibration_set"] = QString::fromStdString(m_identity);
    return o;
}

void AugmentedTensorSet::forEachBatch(int, int batchSize, const BatchFn& fn) const
{
    const std::int64_t n = size();
    std::mt19937 rng(m_options.seed);
    std::vector<std::int64_t> order(static_cast<size_t>(m_images.size(0)));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(static_cast<size_t>(n));
    const torch::Tensor subset = m_images.index_select(0, torch::tensor(order));
    const torch::Tensor noLabels;
    for (std::int64_t start = 0; start < n; start += batchSize) {
        const std::int64_t len = std::min<std::int64_t>(batchSize, n - start);
        torch::Tensor batch = subset.narrow(0, start, len);
        if (m_options.augmentPad > 0)
            batch = preprocess::augment(batch, m_options.augmentPad, rng);
        fn(batch, noLabels);
    }
}

}  // namespace dofa
