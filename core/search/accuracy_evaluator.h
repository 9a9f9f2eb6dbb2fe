// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <map>
#include <memory>
#include <string>

#include <torch/types.h>

#include "data/image_set.h"
#include "supernet/bn_stats.h"
#include "supernet/supernet.h"
#include "train/bn_calibration.h"

namespace dofa {

/// Top-1 of any sub-network of one supernet, measured as the reference does it: BN
/// recalibration on a fixed, seeded set of training images, then top-1 on a fixed evaluation
/// set (Fashion-MNIST tensors or image folders: ImageSet). Results are cached by canonical arch
/// text, so nothing is measured twice; accuracy does not depend on the device, so one cache serves
/// every device's profile. Not thread-safe (calibration runs the supernet).
class AccuracyEvaluator
{
public:
    /// `calibration`: the BN calibration set (its augmentation included), run in batches of
    /// `calibrationBatch`; `evaluation`: the evaluation set. Their describe() fields make the
    /// protocol that profiles record and caches are checked against.
    AccuracyEvaluator(Supernet net, std::shared_ptr<const ImageSet> calibration,
                      std::shared_ptr<const ImageSet> evaluation, int calibrationBatch = 200);

    /// Top-1 in %, measured once per arch.
    double top1(const SubnetArch& arch);
    /// Calibrated BN statistics of `arch` (what a level stores).
    BnStats bnStats(const SubnetArch& arch);

    [[nodiscard]] bool isCached(const SubnetArch& arch) const;
    /// Measurements made by this object (cache hits and loaded entries not counted).
    [[nodiscard]] int measurements() const { return m_measurements; }
    [[nodiscard]] const std::map<std::string, double>& cache() const { return m_cache; }

    /// Evaluation set, images, calibration settings: what a profile records.
    [[nodiscard]] QJsonObject protocol() const;
    /// The cache with the protocol; loadCache ignores a cache made under another protocol
    /// or for another model and returns how many entries it took.
    [[nodiscard]] QJsonObject cacheToJson(const std::string& modelChecksum) const;
    int loadCache(const QJsonObject& json, const std::string& modelChecksum);
    /// A protocol without where the data lay on the machine that measured it (`*_folder`): the
    /// sets' identities, which two caches must share to be joined or reused.
    static QJsonObject protocolIdentity(QJsonObject protocol);

    [[nodiscard]] const Supernet& net() const { return m_net; }
    [[nodiscard]] const SupernetSpec& spec() const { return m_net->spec(); }

private:
    std::string key(const SubnetArch& arch) const;

    Supernet m_net;
    std::shared_ptr<const ImageSet> m_calibration, m_evaluation;
    int m_calibrationBatch;
    std::map<std::string, double> m_cache;
    int m_measurements = 0;
};

}  // namespace dofa
