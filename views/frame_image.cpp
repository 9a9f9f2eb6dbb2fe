// SPDX-License-Identifier: MIT
#include "views/frame_image.h"

namespace dofa {

QImage frameToImage(const cv::Mat& mat)
{
    if (mat.empty() || mat.depth() != CV_8U) {
        return {};
    }
    QImage::Format format = QImage::Format_Invalid;
    switch (mat.channels()) {
        case 1:
            format = QImage::Format_Grayscale8;
            break;
        case 3:
            format = QImage::Format_BGR888;
            break;
        case 4:
            format = QImage::Format_ARGB32;  // BGRA bytes on a little-endian machine
            break;
        default:
            return {};
    }
    // The view borrows the Mat's bytes: copy() so the image owns them once the snapshot moves on.
    const QImage view(mat.data, mat.cols, mat.rows, static_cast<qsizetype>(mat.step), format);
    return view.copy();
}

}  // namespace dofa
