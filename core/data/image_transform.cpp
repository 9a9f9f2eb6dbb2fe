// SPDX-License-Identifier: MIT
#include "image_transform.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "pil_bilinear_resize.h"
#include "seeded_random.h"

namespace dofa {

namespace {

/// PIL's ImagingBlend on 8-bit data: `base + alpha * (image - base)` in float, truncated, and
/// clamped to 0..255 (only reachable when alpha is outside [0, 1]).
inline uint8_t blendByte(int base, int image, float alpha)
{
    const float t = static_cast<float>(base) + alpha * static_cast<float>(image - base);
    if (t <= 0.0f) {
        return 0;
    }
    if (t >= 255.0f) {
        return 255;
    }
    return static_cast<uint8_t>(t);
}

void requireRgb8(const cv::Mat& rgb, const char* what)
{
    if (rgb.empty() || rgb.type() != CV_8UC3) {
        throw std::invalid_argument(std::string("ImageTransform::") + what +
                                    ": expects a non-empty 8-bit 3-channel RGB image");
    }
}

}  // namespace

ImageTransform::ImageTransform(Kind kind, int resolution, uint64_t seed)
    : m_kind(kind), m_resolution(resolution), m_seed(seed)
{
    if (resolution < 1) {
        throw std::invalid_argument("ImageTransform: resolution must be positive, got " +
                                    std::to_string(resolution));
    }
}

ImageTransform ImageTransform::eval(int resolution)
{
    return ImageTransform(Kind::Eval, resolution, 0);
}

ImageTransform ImageTransform::calibration(int resolution, uint64_t seed)
{
    return ImageTransform(Kind::Calibration, resolution, seed);
}

ImageTransform& ImageTransform::setResampling(Resampling rule)
{
    m_resampling = rule;
    return *this;
}

int ImageTransform::evalResizeSize(int resolution)
{
    // kEvalCropFraction is 7/8: ceil(r * 8 / 7) in integers, free of floating-point doubt.
    static_assert(kEvalCropFraction == 7.0 / 8.0);
    return (resolution * 8 + 6) / 7;
}

cv::Size ImageTransform::shorterSideSize(cv::Size in, int shorter)
{
    if (in.width <= 0 || in.height <= 0) {
        throw std::invalid_argument("ImageTransform::shorterSideSize: empty image");
    }
    // torchvision: new_long = int(requested_new_short * long / short), in double, truncated.
    if (in.width <= in.height) {
        const int longer = static_cast<int>(static_cast<double>(shorter) * in.height / in.width);
        return {shorter, longer};
    }
    const int longer = static_cast<int>(static_cast<double>(shorter) * in.width / in.height);
    return {longer, shorter};
}

cv::Rect ImageTransform::centerCropRect(cv::Size in, int size)
{
    if (in.width < size || in.height < size) {
        throw std::invalid_argument("ImageTransform::centerCropRect: " + std::to_string(in.width) +
                                    "x" + std::to_string(in.height) + " is smaller than the " +
                                    std::to_string(size) + "x" + std::to_string(size) + " crop");
    }
    // int(round(d / 2.0)) with Python's round, half to even: an odd margin d = 2q + 1 gives q
    // when q is even and q + 1 when q is odd.
    auto offset = [](int d) {
        const int q = d / 2;
        return d % 2 == 0 ? q : (q % 2 == 0 ? q : q + 1);
    };
    return {offset(in.width - size), offset(in.height - size), size, size};
}

cv::Mat ImageTransform::toRgb(const cv::Mat& decoded)
{
    if (decoded.empty() || decoded.depth() != CV_8U) {
        throw std::invalid_argument("ImageTransform: expects a non-empty 8-bit image");
    }
    cv::Mat rgb;
    switch (decoded.channels()) {
        case 1:
            cv::cvtColor(decoded, rgb, cv::COLOR_GRAY2RGB);
            break;
        case 3:
            cv::cvtColor(decoded, rgb, cv::COLOR_BGR2RGB);
            break;
        case 4:
            cv::cvtColor(decoded, rgb, cv::COLOR_BGRA2RGB);
            break;
        default:
            throw std::invalid_argument("ImageTransform: " + std::to_string(decoded.channels()) +
                                        " channels (expected 1, 3 or 4)");
    }
    return rgb;
}

cv::Mat ImageTransform::resizeBilinearPil(const cv::Mat& src, cv::Size size, cv::Rect region)
{
    if (src.empty() || src.depth() != CV_8U)
        throw std::invalid_argument("ImageTransform::resizeBilinearPil: expects an 8-bit image");
    cv::Mat dst;
    PilBilinearResize(src.size(), size, region).apply(src, dst);
    return dst;
}

cv::Mat ImageTransform::resize(const cv::Mat& src, cv::Size size, cv::Rect region, Resampling rule)
{
    if (rule == Resampling::PilBilinear) {
        return resizeBilinearPil(src, size, region);
    }
    cv::Mat full;
    if (src.size() == size) {
        full = src;
    } else {
        cv::resize(src, full, size, 0, 0,
                   rule == Resampling::CvArea ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    return region.empty() ? full.clone() : full(region).clone();
}

cv::Mat ImageTransform::adjustBrightness(const cv::Mat& rgb, double factor)
{
    requireRgb8(rgb, "adjustBrightness");
    const float alpha = static_cast<float>(factor);
    cv::Mat out(rgb.size(), CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y) {
        const uint8_t* in = rgb.ptr<uint8_t>(y);
        uint8_t* o = out.ptr<uint8_t>(y);
        for (int i = 0; i < rgb.cols * 3; ++i) {
            o[i] = blendByte(0, in[i], alpha);  // a blend with black
        }
    }
    return out;
}

cv::Mat ImageTransform::adjustSaturation(const cv::Mat& rgb, double factor)
{
    requireRgb8(rgb, "adjustSaturation");
    const float alpha = static_cast<float>(factor);
    cv::Mat out(rgb.size(), CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y) {
        const uint8_t* in = rgb.ptr<uint8_t>(y);
        uint8_t* o = out.ptr<uint8_t>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            const uint8_t* p = in + 3 * x;
            // PIL's convert("L"): ITU-R 601 luma in 16-bit fixed point.
            const int gray = (p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16;
            for (int c = 0; c < 3; ++c) {
                o[3 * x + c] = blendByte(gray, p[c], alpha);
            }
        }
    }
    return out;
}

ImageTransform::Augmentation ImageTransform::drawAugmentation(cv::Size in, std::mt19937& rng)
{
    Augmentation aug;
    const int width = in.width, height = in.height;
    const double area = static_cast<double>(width) * height;
    const double logRatioMin = std::log(3.0 / 4.0), logRatioMax = std::log(4.0 / 3.0);
    bool found = false;
    for (int attempt = 0; attempt < 10 && !found; ++attempt) {
        const double targetArea = area * seeded::uniform(rng, kMinCropScale, 1.0);
        const double ratio = std::exp(seeded::uniform(rng, logRatioMin, logRatioMax));
        // Python's round() is half to even, as nearbyint in the default rounding mode.
        const int w = static_cast<int>(std::nearbyint(std::sqrt(targetArea * ratio)));
        const int h = static_cast<int>(std::nearbyint(std::sqrt(targetArea / ratio)));
        if (w > 0 && w <= width && h > 0 && h <= height) {
            const int top = static_cast<int>(seeded::below(rng, height - h + 1));
            const int left = static_cast<int>(seeded::below(rng, width - w + 1));
            aug.crop = {left, top, w, h};
            found = true;
        }
    }
    if (!found) {
        // torchvision's fallback: the central crop, clamped to the ratio range.
        const double inRatio = static_cast<double>(width) / height;
        int w = width, h = height;
        if (inRatio < 3.0 / 4.0) {
            h = static_cast<int>(std::nearbyint(w / (3.0 / 4.0)));
        } else if (inRatio > 4.0 / 3.0) {
            w = static_cast<int>(std::nearbyint(h * (4.0 / 3.0)));
        }
        aug.crop = {(width - w) / 2, (height - h) / 2, w, h};
    }
    aug.flip = seeded::unit(rng) < 0.5;
    aug.brightness = seeded::uniform(rng, std::max(0.0, 1.0 - kBrightness), 1.0 + kBrightness);
    aug.saturation = seeded::uniform(rng, 1.0 - kSaturation, 1.0 + kSaturation);
    // ColorJitter applies its adjustments in a random order.
    aug.brightnessFirst = seeded::unit(rng) < 0.5;
    return aug;
}

cv::Mat ImageTransform::augment(const cv::Mat& rgb, const Augmentation& aug) const
{
    requireRgb8(rgb, "augment");
    if ((aug.crop & cv::Rect({0, 0}, rgb.size())) != aug.crop || aug.crop.empty()) {
        throw std::invalid_argument("ImageTransform::augment: crop outside the image");
    }
    cv::Mat out = resize(rgb(aug.crop), {m_resolution, m_resolution}, {}, m_resampling);
    if (aug.flip) {
        cv::flip(out, out, 1);
    }
    if (aug.brightnessFirst) {
        out = adjustSaturation(adjustBrightness(out, aug.brightness), aug.saturation);
    } else {
        out = adjustBrightness(adjustSaturation(out, aug.saturation), aug.brightness);
    }
    return out;
}

cv::Mat ImageTransform::apply(const cv::Mat& decoded, uint64_t sampleIndex) const
{
    const cv::Mat rgb = toRgb(decoded);
    if (m_kind == Kind::Calibration) {
        std::mt19937 rng = seeded::forItem(m_seed, sampleIndex);
        return augment(rgb, drawAugmentation(rgb.size(), rng));
    }
    const cv::Size resized = shorterSideSize(rgb.size(), evalResizeSize(m_resolution));
    return resize(rgb, resized, centerCropRect(resized, m_resolution), m_resampling);
}

}  // namespace dofa
