// SPDX-License-Identifier: MIT
#include "accuracy_evaluator.h"

#include <stdexcept>

#include "supernet/static_subnet.h"
#include "train/evaluator.h"

namespace dofa {

AccuracyEvaluator::AccuracyEvaluator(Supernet net, torch::Tensor calibImages,
                                     torch::Tensor evalImages, torch::Tensor evalLabels,
                                     std::string evalName, BnCalibrationOptions calibration)
    : m_net(std::move(net)),
      m_calibImages(std::move(calibImages)),
      m_evalImages(std::move(evalImages)),
      m_evalLabels(std::move(evalLabels)),
      m_evalName(std::move(evalName)),
      m_calibration(calibration)
{
    if (m_evalImages.size(0) != m_evalLabels.size(0) || m_evalImages.size(0) == 0) {
        throw std::invalid_argument("accuracy evaluator: empty or mismatched evaluation set");
    }
}

std::string AccuracyEvaluator::key(const SubnetArch& arch) const
{
    return arch.canonical(spec()).toString();
}

bool AccuracyEvaluator::isCached(const SubnetArch& arch) const
{
    return m_cache.count(key(arch)) > 0;
}

BnStats AccuracyEvaluator::bnStats(const SubnetArch& arch)
{
    return calibrateBn(m_net, arch, m_calibImages, m_calibration);
}

double AccuracyEvaluator::top1(const SubnetArch& arch)
{
    const std::string k = key(arch);
    if (const auto it = m_cache.find(k); it != m_cache.end()) {
        return it->second;
    }
    const BnStats stats = bnStats(arch);
    const StaticSubnet sub = m_net->extract(arch, &stats);
    const double top1 = evaluateTop1(sub, spec(), m_evalImages, m_evalLabels).percent();
    m_cache[k] = top1;
    ++m_measurements;
    return top1;
}

QJsonObject AccuracyEvaluator::protocol() const
{
    return QJsonObject{{"evaluation_set", QString::fromStdString(m_evalName)},
                       {"evaluation_images", static_cast<qint64>(m_evalImages.size(0))},
                       {"calibration_images", m_calibration.images},
                       {"calibration_batch", m_calibration.batchSize},
                       {"calibration_seed", static_cast<qint64>(m_calibration.seed)},
                       {"calibration_augment_pad", m_calibration.augmentPad}};
}

QJsonObject AccuracyEvaluator::cacheToJson(const std::string& modelChecksum) const
{
    QJsonObject entries;
    for (const auto& [arch, top1] : m_cache) {
        entries.insert(QString::fromStdString(arch), top1);
    }
    return QJsonObject{{"model_checksum", QString::fromStdString(modelChecksum)},
                       {"protocol", protocol()},
                       {"top1", entries}};
}

int AccuracyEvaluator::loadCache(const QJsonObject& json, const std::string& modelChecksum)
{
    if (json.value("model_checksum").toString().toStdString() != modelChecksum ||
        json.value("protocol").toObject() != protocol()) {
        return 0;
    }
    int taken = 0;
    const QJsonObject entries = json.value("top1").toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (it.value().isDouble()) {
            m_cache[it.key().toStdString()] = it.value().toDouble();
            ++taken;
        }
    }
    return taken;
}

}  // namespace dofa
