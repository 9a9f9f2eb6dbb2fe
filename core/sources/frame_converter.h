// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include <opencv2/core/mat.hpp>

#include "supernet/input_contract.h"

namespace at {
class Tensor;  // kept incomplete so that GUI code can include this header without torch
}

namespace dofa {

/// Turns any camera, file or dataset frame into the image a model eats, by its input contract
/// (InputContract, from the model file):
/// - GrayCentreSquare (Fashion-MNIST): 8-bit gray of the contract's native size (28x28), light
///   object on a dark background; the model's own resize to the level's resolution follows in
///   DynamicModel::forward, as in training;
/// - ShorterSideCentreCrop (OFA, ImageNet): RGB, the shorter side resized to ceil(r/0.875) with
///   PIL's bilinear filter (as torchvision evaluates) and the centre r x r crop, r the current
///   level's resolution.
class FrameConverter
{
public:
    using Invert = InputContract::Invert;

    /// Fashion-MNIST's native size (the default contract's).
    static constexpr int kSize = 28;

    /// The Fashion-MNIST contract with `invert` (what a model file without a contract gets).
    explicit FrameConverter(Invert invert = Invert::Auto);
    /// Throws std::invalid_argument on a contract it cannot apply (unset, or a crop fraction
    /// other than OFA's 0.875).
    explicit FrameConverter(const InputContract& contract);
    /// A copy converts alike; it starts with buffers of its own.
    FrameConverter(const FrameConverter& other);
    FrameConverter& operator=(const FrameConverter& other);
    FrameConverter(FrameConverter&&) noexcept;
    FrameConverter& operator=(FrameConverter&&) noexcept;
    ~FrameConverter();

    [[nodiscard]] const InputContract& contract() const { return m_contract; }
    [[nodiscard]] Invert invert() const { return m_contract.invert; }
    void setInvert(Invert invert) { m_contract.invert = invert; }

    /// 8-bit gray, BGR or BGRA of any size -> the model's uint8 tensor, in a buffer the
    /// converter keeps, valid until the next call:
    /// - GrayCentreSquare: (1, n, n), n the native size: grayscale, centre crop to a square,
    ///   INTER_AREA resize, inversion as configured (a frame that already is n x n, gray or decoded
    ///   to BGR from a file, a data set image, comes back bit-identical under Auto); `resolution`
    ///   unused;
    /// - ShorterSideCentreCrop: (1, 3, r, r) planes in the contract's colour order, r =
    ///   `resolution`, the pixels of ImageTransform::eval(r) (bit-identical).
    /// The resize and the buffer are kept per (frame size, pixel type, resolution), the last
    /// eight of them: a camera's frames, at every level's resolution, cost no allocation after
    /// the first frame at each, so a level switch allocates nothing either.
    /// Throws std::invalid_argument for an empty frame, another pixel type, or no resolution
    /// for a crop.
    const at::Tensor& convert(const cv::Mat& frame, int resolution = 0);

    /// convert() into a tensor of its own.
    [[nodiscard]] at::Tensor toTensor(const cv::Mat& frame, int resolution = 0);

    /// The Auto rule on a gray image: true when the mean of the outer ring (an eighth of the
    /// side wide, at least one pixel) is brighter than the mean of the central half.
    [[nodiscard]] static bool looksDarkOnLight(const cv::Mat& gray);

private:
    struct Buffers;
    void convertGray(const cv::Mat& frame, const cv::Mat& out);

    InputContract m_contract;
    std::unique_ptr<Buffers> m_buffers;
};

}  // namespace dofa
