// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>

#include <opencv2/core/mat.hpp>

namespace dofa {

/// A deep copy of an 8-bit gray, BGR or BGRA frame as a QImage; a null image for anything else
/// (the video then stays dark rather than showing garbage). Shared by the widgets' VideoView
/// and the kiosk's VideoItem (library dofa_views: Qt Gui only, no widgets).
QImage frameToImage(const cv::Mat& mat);

}  // namespace dofa
