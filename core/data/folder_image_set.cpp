// SPDX-License-Identifier: MIT
#include "folder_image_set.h"

#include <QCryptographicHash>
#include <filesystem>
#include <stdexcept>

#include "image_loader.h"
#include "image_transform.h"

namespace dofa {

/// SHA-256 of "relative path\tlabel\tsize\n" per sample, in order.
std::string FolderImageSet::identity(const std::vector<ImageSample>& samples,
                                     const std::string& root)
{
    namespace fs = std::filesystem;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const ImageSample& s : samples) {
        std::error_code ec;
        const std::string relative =
            root.empty() ? s.path : fs::path(s.path).lexically_relative(root).generic_string();
        const auto size = fs::file_size(s.path, ec);
        const std::string line = relative + "\t" + std::to_string(s.label) + "\t" +
                                 (ec ? std::string("?") : std::to_string(size)) + "\n";
        hash.addData(QByteArrayView(line.data(), static_cast<qsizetype>(line.size())));
    }
    return std::to_string(samples.size()) + " images, sha256 " +
           hash.result().toHex().left(16).toStdString();
}

FolderImageSet::FolderImageSet(std::vector<ImageSample> samples, std::string name, Use use,
                               Options options)
    : m_samples(std::move(samples)),
      m_name(std::move(name)),
      m_use(use),
      m_options(std::move(options))
{
    if (m_samples.empty())
        throw std::invalid_argument(m_name + ": no images");
    m_identity = identity(m_samples, m_options.root);
}

QJsonObject FolderImageSet::describe() const
{
    const QString name = QString::fromStdString(m_name);
    const QString identity = QString::fromStdString(m_identity);
    if (m_use == Use::Evaluation)
        return QJsonObject{{"evaluation_folder", name},
                           {"evaluation_set", identity},
                           {"evaluation_images", static_cast<qint64>(size())},
                           {"evaluation_transform",
                            "shorter side to ceil(r/0.875), PIL "
                            "bilinear; centre crop r"}};
    return QJsonObject{{"calibration_folder", name},
                       {"calibration_set", identity},
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
