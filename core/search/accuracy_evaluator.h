// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <map>
#include <string>

#include <torch/types.h>

#include "supernet/bn_stats.h"
#include "supernet/supernet.h"
#include "train/bn_calibration.h"

namespace dofa {

/// Top-1 of any sub-network of one supernet, measured as the reference does it: BN
/// recalibration on a fixed, seeded set of training images, then top-1 on a fixed evaluation
/// set. Results are cached by canonical arch text, so nothing is measured twice; accuracy
/// does not depend on the device, so one cache serves every device's profile.
/// Not thread-safe (calibration runs the supernet).
class AccuracyEvaluator
{
public:
    /// `calibImages`: uint8 (N, H, W) training images for BN statistics; `evalImages` and
    /// `evalLabels`: the evaluation set. `evalName` names that set in the cache and profiles.
    AccuracyEvaluator(Supernet net, torch::Tensor calibImages, torch::Tensor evalImages,
                      torch::Tensor evalLabels, std::string evalName,
                      BnCalibrationOptions calibration = {});

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

    [[nodiscard]] const Supernet& net() const { return m_net; }
    [[nodiscard]] const SupernetSpec& spec() const { return m_net->spec(); }

private:
    std::string key(const SubnetArch& arch) const;

    Supernet m_net;
    torch::Tensor m_calibImages, m_evalImages, m_evalLabels;
    std::string m_evalName;
    BnCalibrationOptions m_calibration;
    std::map<std::string, double> m_cache;
    int m_measurements = 0;
};

}  // namespace dofa
