// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <torch/types.h>

/// The image fixtures of tests/fixtures/images/make_image_fixtures.py: real JPEG and PNG files
/// written by PIL and OpenCV, and torchvision's listing and transforms of them, made at test
/// time in a temporary folder.
namespace image_fixtures {

/// Runs the generator into `outDir` (extra arguments appended). Returns an empty string on
/// success, else what went wrong: no python3 with numpy, PIL, cv2 and torchvision (the test
/// must then fail, not skip), or the script's own output.
QString generate(const QString& outDir, const QStringList& extraArgs = {});

/// OUTDIR/manifest.json (empty object when unreadable).
QJsonObject manifest(const QString& outDir);

/// A little-endian float32 file written by numpy, shaped `shape`.
torch::Tensor readFloats(const QString& path, const std::vector<int64_t>& shape);
/// A uint8 file written by numpy, shaped `shape`.
torch::Tensor readBytes(const QString& path, const std::vector<int64_t>& shape);

}  // namespace image_fixtures
