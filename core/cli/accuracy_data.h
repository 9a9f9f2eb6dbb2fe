// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <cstdint>
#include <memory>

#include "data/image_set.h"
#include "supernet/model_file.h"

namespace dofa {

/// What the accuracy commands (`eval`, `levels`, `calibrate`, `search`) take from --data,
/// --calib-data, --calib-images, --seed and --limit.
struct AccuracyDataOptions
{
    int calibrationImages = 2000;
    std::uint32_t seed = 937162211;  ///< calibration subset and draws; --limit's subset
    std::int64_t limit = 0;          ///< evaluation images, 0: all
    /// > 0: also a search set of at most this many images, held out from the calibration
    /// source and disjoint from the calibration images (what `dofa search` ranks on, so that
    /// the test set only reports).
    std::int64_t searchImages = 0;
    int decodeThreads = 2;  ///< image folders
};

/// The sets an accuracy measurement runs on.
struct AccuracyData
{
    std::shared_ptr<const ImageSet> calibration;  ///< BN recalibration
    std::shared_ptr<const ImageSet> evaluation;   ///< top-1 reported
    std::shared_ptr<const ImageSet> search;       ///< set when searchImages > 0
};

/// The data of the accuracy commands for `model`:
/// - `dataDir` a Fashion-MNIST directory (IDX files), or empty for a 1-channel model:
///   Fashion-MNIST as before (calibration on its training images, evaluation on its test set,
///   the search set held out from the training images);
/// - `dataDir` an image folder (class folders or labels.csv, ImageFolder), for any model: with
///   OFA's ImageNet contract read by FolderImageSet (decoded again on every pass); with
///   Fashion-MNIST's gray contract decoded once, converted as a camera frame is (FrameConverter)
///   and held in memory, calibrated with the data set's own augmentation. Evaluation on it (a
///   seeded subset under --limit),
///   calibration on `calibDir` (ImageNet train, as the reference) or, without it, on the
///   evaluation folder itself (said in the protocol). Class folders are matched by name to the
///   model's class names; folders named otherwise (ImageNet wnids) are numbered in sorted order
///   as torchvision does, which needs one folder per class.
/// Throws InputError (bad or missing data) or UsageError (data that does not fit the model).
AccuracyData loadAccuracyData(const QString& dataDir, const QString& calibDir,
                              const ModelFile& model, const AccuracyDataOptions& options);

}  // namespace dofa
