// SPDX-License-Identifier: MIT
#include "image_transform.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "seeded_random.h"

namespace dofa {

namespace {

// PIL keeps its 8-bit resampling weights as fixed-point integers with this many fraction bits
// (32 - 8 - 2: a sum of 8-bit pixels times weights fits an int32 with room for negative
// lobes). Matching it, and the rounding of the weights, is what makes the output bit-identical.
constexpr int kPrecisionBits = 22;

/// Per output pixel: the first input pixel, the number of taps and their fixed-point weights.
struct Taps
{
    std::vector<int> first;
    std::vector<int> count;
    std::vector<int32_t> weights;  ///< `width` per output pixel
    int width = 0;
};

/// PIL's bilinear weights for a resize of `inSize` pixels to `outSize` (Resample.c,
/// precompute_coeffs): pixel centres at (x + 0.5) * scale, a triangle of half-width 1 stretched
/// by the scale when downscaling (the antialiasing that cv::INTER_LINEAR lacks), weights
/// normalised to sum 1 and then rounded to fixed point. When the sizes are equal every output
/// pixel gets one tap of weight 1, an exact copy, as PIL's skipped pass.
Taps bilinearTaps(int inSize, int outSize)
{
    const double scale = static_cast<double>(inSize) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = filterScale;  // the triangle's support is 1
    Taps taps;
    taps.width = static_cast<int>(std::ceil(support)) * 2 + 1;
    taps.first.resize(outSize);
    taps.count.resize(outSize);
    taps.weights.assign(static_cast<size_t>(outSize) * taps.width, 0);
    std::vector<double> w(taps.width);
    const double reciprocal = 1.0 / filterScale;  // PIL multiplies by it; dividing could differ
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        // C casts (truncation toward zero), as PIL's.
        const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
        const int xmax = std::min(static_cast<int>(center + support + 0.5), inSize) - xmin;
        double sum = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double d = std::abs((x + xmin - center + 0.5) * reciprocal);
            w[x] = d < 1.0 ? 1.0 - d : 0.0;
            sum += w[x];
        }
        int32_t* k = &taps.weights[static_cast<size_t>(xx) * taps.width];
        for (int x = 0; x < xmax; ++x) {
            const double v = sum != 0.0 ? w[x] / sum : w[x];
            k[x] = static_cast<int32_t>(v < 0 ? -0.5 + v * (1 << kPrecisionBits)
                                              : 0.5 + v * (1 << kPrecisionBits));
        }
        taps.first[xx] = xmin;
        taps.count[xx] = xmax;
    }
    return taps;
}

inline uint8_t fixedToByte(int32_t acc)
{
    return static_cast<uint8_t>(std::clamp(acc >> kPrecisionBits, 0, 255));
}

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
    if (src.empty() || src.depth() != CV_8U) {
        throw std::invalid_argument("ImageTransform::resizeBilinearPil: expects an 8-bit image");
    }
    if (size.width <= 0 || size.height <= 0) {
        throw std::invalid_argument("ImageTransform::resizeBilinearPil: empty output size");
    }
    if (region.empty()) {
        region = cv::Rect({0, 0}, size);
    }
    if ((region & cv::Rect({0, 0}, size)) != region) {
        throw std::invalid_argument("ImageTransform::resizeBilinearPil: region outside the output");
    }
    const int channels = src.channels();
    const Taps horizontal = bilinearTaps(src.cols, size.width);
    const Taps vertical = bilinearTaps(src.rows, size.height);

    // Input rows that the region's output rows read.
    int rowFirst = src.rows, rowEnd = 0;
    for (int y = region.y; y < region.br().y; ++y) {
        rowFirst = std::min(rowFirst, vertical.first[y]);
        rowEnd = std::max(rowEnd, vertical.first[y] + vertical.count[y]);
    }

    // Horizontal pass first, rounded to 8 bits, then vertical: PIL's order and rounding, in
    // the same integer arithmetic. The vertical pass runs over taps outside and pixels inside
    // with 32-bit accumulators, which the compiler vectorises.
    // The intermediate rows are reused per thread: a fresh 400 KB buffer per camera frame is
    // a fresh mapping from the allocator, and its page faults cost more than the filter.
    thread_local cv::Mat tmp;
    tmp.create(rowEnd - rowFirst, region.width, src.type());
    std::vector<int32_t> acc(static_cast<size_t>(region.width) * channels);
    for (int y = rowFirst; y < rowEnd; ++y) {
        const uint8_t* in = src.ptr<uint8_t>(y);
        uint8_t* out = tmp.ptr<uint8_t>(y - rowFirst);
        for (int x = 0; x < region.width; ++x) {
            const int xx = region.x + x;
            const int first = horizontal.first[xx], count = horizontal.count[xx];
            const int32_t* k = &horizontal.weights[static_cast<size_t>(xx) * horizontal.width];
            const uint8_t* p = in + first * channels;
            int32_t* a = &acc[static_cast<size_t>(x) * channels];
            if (channels == 3) {  // colour frames: the three sums stay in registers
                int32_t a0 = 1 << (kPrecisionBits - 1), a1 = a0, a2 = a0;
                for (int t = 0; t < count; ++t) {
                    a0 += p[3 * t] * k[t];
                    a1 += p[3 * t + 1] * k[t];
                    a2 += p[3 * t + 2] * k[t];
                }
                a[0] = a0;
                a[1] = a1;
                a[2] = a2;
                continue;
            }
            for (int c = 0; c < channels; ++c)
                a[c] = 1 << (kPrecisionBits - 1);
            for (int t = 0; t < count; ++t)
                for (int c = 0; c < channels; ++c)
                    a[c] += p[t * channels + c] * k[t];
        }
        for (int i = 0; i < region.width * channels; ++i)
            out[i] = fixedToByte(acc[static_cast<size_t>(i)]);
    }

    cv::Mat dst(region.height, region.width, src.type());
    const int rowBytes = region.width * channels;
    for (int y = 0; y < region.height; ++y) {
        const int yy = region.y + y;
        const int first = vertical.first[yy] - rowFirst, count = vertical.count[yy];
        const int32_t* k = &vertical.weights[static_cast<size_t>(yy) * vertical.width];
        std::fill(acc.begin(), acc.begin() + rowBytes, 1 << (kPrecisionBits - 1));
        for (int t = 0; t < count; ++t) {
            const uint8_t* row = tmp.ptr<uint8_t>(first + t);
            const int32_t w = k[t];
            int32_t* a = acc.data();
            for (int i = 0; i < rowBytes; ++i)
                a[i] += row[i] * w;
        }
        uint8_t* out = dst.ptr<uint8_t>(y);
        for (int i = 0; i < rowBytes; ++i)
            out[i] = fixedToByte(acc[static_cast<size_t>(i)]);
    }
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
