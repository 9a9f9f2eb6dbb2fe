// SPDX-License-Identifier: MIT
#pragma once

#include <opencv2/core/mat.hpp>

namespace at {
class Tensor;  // kept incomplete so that GUI code can include this header without torch
}

namespace dofa {

/// Turns any camera, file or dataset frame into the image the Fashion-MNIST model eats:
/// 28x28 8-bit gray, light object on a dark background.
class FrameConverter
{
public:
    /// Fashion-MNIST is light-on-dark, while a garment photographed on a table is usually
    /// dark-on-light; Auto decides per frame.
    enum class Invert { Auto, Never, Always };

    static constexpr int kSize = 28;

    explicit FrameConverter(Invert invert = Invert::Auto) : m_invert(invert) {}

    [[nodiscard]] Invert invert() const { return m_invert; }
    void setInvert(Invert invert) { m_invert = invert; }

    /// 8-bit gray, BGR or BGRA of any size -> CV_8UC1 kSize x kSize, owning its pixels:
    /// grayscale, centre crop to a square, INTER_AREA resize, then inversion as configured.
    /// A frame that already is kSize x kSize gray (dataset replay) comes back bit-identical
    /// under Auto. Throws std::invalid_argument for an empty frame or another pixel type.
    [[nodiscard]] cv::Mat toModelImage(const cv::Mat& frame) const;

    /// toModelImage() as a uint8 tensor of shape (1, kSize, kSize) that owns its memory.
    [[nodiscard]] at::Tensor toTensor(const cv::Mat& frame) const;

    /// The Auto rule on a gray image: true when the mean of the outer ring (an eighth of the
    /// side wide, at least one pixel) is brighter than the mean of the central half.
    [[nodiscard]] static bool looksDarkOnLight(const cv::Mat& gray);

private:
    Invert m_invert;
};

}  // namespace dofa
