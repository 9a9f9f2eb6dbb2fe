// SPDX-License-Identifier: MIT
#include "folder_image_set.h"

#include <stdexcept>

#include "image_loader.h"
#include "image_transform.h"

namespace dofa {

FolderImageSet::FolderImageSet(std::vector<ImageSample> samples, std::string name, Use use,
                               Options options)
    : m_samples(std::move(samples)),
      m_name(std::move(name)),
      m_use(use),
      m_options(std::move(options))
{
    if (m_samples.empty())
        throw std::invalid_argument(m_name + ": no images");
}

QJsonObject FolderImageSet::describe() const
{
    const QString name = QString::fromStdString(m_name);
    if (m_use == Use::Evaluation)
        return QJsonObject{{"evaluation_set", name},
                           {"evaluation_images", static_cast<qint64>(size())},
                           {"evaluation_transform",
                            "shorter side to ceil(r/0.875), PIL "
                            "bilinear; centre crop r"}};
    return QJsonObject{{"calibration_set", name},
                       {"calibration_images", static_cast<qint64>(size())},
                       {"calibration_seed", static_cast<qint64>(m_options.seed)},
                       {"calibration_transform",
                        "RandomResizedCrop(r, 0.08-1), flip, ColorJitter(32/255, sat 0.5)"}};
}

void FolderImageSet::forEachBatch(int resolution, int batchSize, const BatchFn& fn) const
{
    ImageLoader::Options o;
    o.batchSize = batchSize;
    o.threads = m_options.threads;
    o.onWarning = [this](const std::string& warning) {
        if (m_warned.insert(warning).second && m_options.onWarning)
            m_options.onWarning(warning);
    };
    const ImageTransform transform = m_use == Use::Evaluation
                                         ? ImageTransform::eval(resolution)
                                         : ImageTransform::calibration(resolution, m_options.seed);
    ImageLoader loader(m_samples, transform, o);
    while (auto batch = loader.next())
        fn(batch->images, batch->labels);
}

}  // namespace dofa
