// SPDX-License-Identifier: MIT
#include "accuracy_evaluator.h"

#include <stdexcept>

#include "supernet/static_subnet.h"
#include "train/evaluator.h"

namespace dofa {

AccuracyEvaluator::AccuracyEvaluator(Supernet net, std::shared_ptr<const ImageSet> calibration,
                                     std::shared_ptr<const ImageSet> evaluation,
                                     int calibrationBatch)
    : m_net(std::move(net)),
      m_calibration(std::move(calibration)),
      m_evaluation(std::move(evaluation)),
      m_calibrationBatch(calibrationBatch)
{
    if (!m_calibration || !m_evaluation || m_evaluation->size() == 0 || calibrationBatch < 1)
        throw std::invalid_argument("accuracy evaluator: no calibration or evaluation set");
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
    return calibrateBn(m_net, arch, *m_calibration, m_calibrationBatch);
}

double AccuracyEvaluator::top1(const SubnetArch& arch)
{
    const std::string k = key(arch);
    if (const auto it = m_cache.find(k); it != m_cache.end()) {
        return it->second;
    }
    const BnStats stats = bnStats(arch);
    const StaticSubnet sub = m_net->extract(arch, &stats);
    const double top1 = evaluateTop1(sub, spec(), *m_evaluation).percent();
    m_cache[k] = top1;
    ++m_measurements;
    return top1;
}

QJsonObject AccuracyEvaluator::protocol() const
{
    QJsonObject protocol = m_evaluation->describe();
    const QJsonObject calibration = m_calibration->describe();
    for (auto it = calibration.begin(); it != calibration.end(); ++it)
        protocol.insert(it.key(), it.value());
    protocol.insert("calibration_batch", m_calibrationBatch);
    return protocol;
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

QJsonObject AccuracyEvaluator::protocolIdentity(QJsonObject protocol)
{
    for (const QString& key : protocol.keys())
        if (key.endsWith("_folder"))
            protocol.remove(key);
    return protocol;
}

int AccuracyEvaluator::loadCache(const QJsonObject& json, const std::string& modelChecksum)
{
    if (json.value("model_checksum").toString().toStdString() != modelChecksum ||
        protocolIdentity(json.value("protocol").toObject()) != protocolIdentity(protocol())) {
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
