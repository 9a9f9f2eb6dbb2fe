// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <random>

#include <opencv2/core.hpp>

namespace dofa {

/// The OFA / ImageNet image transforms on decoded images, as torchvision applies them to PIL
/// images, without the final normalisation: the output is an r x r 8-bit RGB image, and
/// preprocess::toInput does the /255 and the per-channel mean/std on the batch (its resize is a
/// no-op at the same resolution), so every path normalises in one place.
///
/// - Eval (ofa-supernet.md §1.4): Resize(ceil(r/0.875)) of the shorter side, bilinear, then
///   CenterCrop(r).
/// - Calibration (BN recalibration, §6): RandomResizedCrop(r, scale (0.08,1), ratio (3/4,4/3)),
///   horizontal flip with p 0.5, ColorJitter(brightness 32/255, saturation 0.5) in random
///   order; every draw comes from a std::mt19937 seeded with (seed, sample index), so an image
///   gets the same augmentation whatever thread processes it and whenever.
///
/// Resampling: torchvision on PIL images resizes with PIL's bilinear filter, which widens the
/// triangle kernel by the scale factor when downscaling (antialiasing) and rounds to 8 bits
/// between its horizontal and vertical passes; PilBilinearResize does the same arithmetic.
/// Measured against torchvision 0.14.1 / PIL 9.4 (Debian 12) on the same decoded files, the
/// tst_image_transform fixtures plus two 720x477 JPEG photos, r = 128, 160, 192, 224, as max /
/// mean absolute difference in normalised units (after /255 and /std):
///   cv::INTER_LINEAR  max 1.28 (photo, r 128), per-resolution mean 0.028..0.081
///   cv::INTER_AREA    max 0.51 on downscaled photos, 2.84 on an upscaled 48x64 image
///                     (INTER_AREA upscales almost as nearest neighbour); mean 0.047..0.050
///   PilBilinear       max 0, mean 0: bit-identical
/// OpenCV's and PIL's decoders (both libjpeg-turbo, libpng) gave identical pixels. The test
/// prints this table for its fixtures (DOFA_EXTRA_TEST_IMAGES adds photos) and holds
/// PilBilinear to one 8-bit level (1/255/0.224 = 0.0175 normalised), room for a JPEG decoder
/// built differently from the one PIL uses.
class ImageTransform
{
public:
    enum class Kind { Eval, Calibration };
    /// PilBilinear is the one to use; the OpenCV rules exist to measure the difference.
    enum class Resampling { PilBilinear, CvLinear, CvArea };

    /// The fraction of the resized image that the eval centre crop keeps.
    static constexpr double kEvalCropFraction = 0.875;
    /// OFA's calibration augmentation (ofa/imagenet_classification/data_providers/imagenet.py).
    static constexpr double kMinCropScale = 0.08;
    static constexpr double kBrightness = 32.0 / 255.0;
    static constexpr double kSaturation = 0.5;

    static ImageTransform eval(int resolution);
    static ImageTransform calibration(int resolution, uint64_t seed);

    ImageTransform& setResampling(Resampling rule);

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] int resolution() const { return m_resolution; }
    [[nodiscard]] uint64_t seed() const { return m_seed; }
    [[nodiscard]] Resampling resampling() const { return m_resampling; }

    /// `decoded`: 8-bit image with 1 (gray), 3 (BGR, OpenCV's order) or 4 (BGRA) channels.
    /// Returns a continuous r x r CV_8UC3 RGB image. `sampleIndex` selects the calibration
    /// draws (ignored by Eval). Throws std::invalid_argument on an empty or non-8-bit image.
    [[nodiscard]] cv::Mat apply(const cv::Mat& decoded, uint64_t sampleIndex = 0) const;

    /// ceil(r / 0.875), computed exactly: 224 -> 256, 160 -> 183.
    static int evalResizeSize(int resolution);
    /// torchvision Resize(int): the shorter side becomes `shorter`, the other
    /// int(shorter * long / short) (truncated).
    static cv::Size shorterSideSize(cv::Size in, int shorter);
    /// torchvision CenterCrop: top = int(round((h - size) / 2.0)), Python's round (half to even).
    /// The image must be at least size x size.
    static cv::Rect centerCropRect(cv::Size in, int size);

    /// 1, 3 (BGR) or 4 (BGRA, alpha dropped as PIL's convert("RGB") does) channels -> RGB.
    static cv::Mat toRgb(const cv::Mat& decoded);

    /// PIL's Image.resize(size, BILINEAR) on an 8-bit image, restricted to `region` of the
    /// output (empty: all of it). Cropping the output this way gives the same pixels as
    /// resizing fully and cropping after, without computing the discarded ones.
    static cv::Mat resizeBilinearPil(const cv::Mat& src, cv::Size size, cv::Rect region = {});
    /// The same resize and region with the chosen rule (OpenCV rules resize fully, then crop).
    static cv::Mat resize(const cv::Mat& src, cv::Size size, cv::Rect region, Resampling rule);

    /// PIL's ImageEnhance.Brightness / ImageEnhance.Color on RGB, factor >= 0 (float blend
    /// truncated to 8 bits; gray = (19595 R + 38470 G + 7471 B + 2^15) >> 16).
    static cv::Mat adjustBrightness(const cv::Mat& rgb, double factor);
    static cv::Mat adjustSaturation(const cv::Mat& rgb, double factor);

    /// The random parameters of one calibration sample.
    struct Augmentation
    {
        cv::Rect crop;  ///< in the source image
        bool flip = false;
        double brightness = 1.0;
        double saturation = 1.0;
        bool brightnessFirst = true;
    };
    /// torchvision's RandomResizedCrop.get_params (10 tries, then the central crop clamped to
    /// the ratio range) and the flip and jitter draws, from `rng`.
    static Augmentation drawAugmentation(cv::Size in, std::mt19937& rng);
    /// Applies `aug` to an RGB image: crop, resize to r x r, flip, jitter.
    [[nodiscard]] cv::Mat augment(const cv::Mat& rgb, const Augmentation& aug) const;

private:
    ImageTransform(Kind kind, int resolution, uint64_t seed);

    Kind m_kind;
    int m_resolution;
    uint64_t m_seed;
    Resampling m_resampling = Resampling::PilBilinear;
};

}  // namespace dofa
