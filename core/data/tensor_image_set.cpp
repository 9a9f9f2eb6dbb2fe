// SPDX-License-Identifier: MIT
#include "tensor_image_set.h"

#include <algorithm>
#include <stdexcept>

namespace dofa {

TensorImageSet::TensorImageSet(torch::Tensor images, torch::Tensor labels, std::string name)
    : m_images(std::move(images)), m_labels(std::move(labels)), m_name(std::move(name))
{
    if (!m_images.defined() || !m_labels.defined() || m_labels.size(0) == 0 ||
        m_images.size(0) != m_labels.size(0))
        throw std::invalid_argument("image set " + m_name +
                                    ": empty, or image and label counts differ");
}

QJsonObject TensorImageSet::describe() const
{
    return QJsonObject{{"evaluation_set", QString::fromStdString(m_name)},
                       {"evaluation_images", static_cast<qint64>(size())}};
}

void TensorImageSet::forEachBatch(int, int batchSize, const BatchFn& fn) const
{
    const std::int64_t n = size();
    for (std::int64_t start = 0; start < n; start += batchSize) {
        const std::int64_t len = std::min<std::int64_t>(batchSize, n - start);
        fn(m_images.narrow(0, start, len), m_labels.narrow(0, start, len));
    }
}

TensorImageSet TensorImageSet::first(std::int64_t limit) const
{
    if (limit <= 0 || limit >= size())
        return *this;
    return TensorImageSet(m_images.narrow(0, 0, limit), m_labels.narrow(0, 0, limit),
                          m_name + ", first " + std::to_string(limit));
}

}  // namespace dofa
