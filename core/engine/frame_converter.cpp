// SPDX-License-Identifier: MIT
#include "frame_converter.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>

#include "data/image_transform.h"

namespace dofa {

namespace {

InputContract fashionMnistContract(InputContract::Invert invert)
{
    InputContract c;
    c.channels = 1;
    c.colour = InputContract::ColourOrder::Gray;
    c.resize = InputContract::Resize::GrayCentreSquare;
    c.nativeSize = FrameConverter::kSize;
    c.invert = invert;
    return c;
}

}  // namespace

FrameConverter::FrameConverter(Invert invert) : m_contract(fashionMnistContract(invert)) {}

FrameConverter::FrameConverter(const InputContract& contract) : m_contract(contract)
{
    if (!contract.isSet())
        throw std::invalid_argument("FrameConverter: the model has no input contract");
    if (contract.resize == InputContract::Resize::ShorterSideCentreCrop &&
        contract.cropFraction != ImageTransform::kEvalCropFraction)
        throw std::invalid_argument("FrameConverter: crop fraction " +
                                    std::to_string(contract.cropFraction) +
                                    " (only OFA's 0.875 is implemented)");
    if (contract.resize == InputContract::Resize::GrayCentreSquare && contract.nativeSize < 1)
        throw std::invalid_argument("FrameConverter: native size must be >= 1");
}

bool FrameConverter::looksDarkOnLight(const cv::Mat& gray)
{
    CV_Assert(gray.type() == CV_8UC1 && !gray.empty());
    const int side = std::min(gray.cols, gray.rows);
    const int ring = std::max(1, side / 8);
    if (gray.cols <= 2 * ring || gray.rows <= 2 * ring) {
        return false;  // too small to have both a border and a centre
    }
    const cv::Rect inner(ring, ring, gray.cols - 2 * ring, gray.rows - 2 * ring);
    const double total = cv::sum(gray)[0];
    const double innerSum = cv::sum(gray(inner))[0];
    const double borderMean = (total - innerSum) / (gray.total() - inner.area());
    const cv::Rect centre(gray.cols / 4, gray.rows / 4, std::max(1, gray.cols / 2),
                          std::max(1, gray.rows / 2));
    const double centreMean = cv::mean(gray(centre))[0];
    return borderMean > centreMean;
}

cv::Mat FrameConverter::toModelImage(const cv::Mat& frame, int resolution) const
{
    if (frame.empty()) {
        throw std::invalid_argument("FrameConverter: empty frame");
    }
    if (frame.depth() != CV_8U ||
        (frame.channels() != 1 && frame.channels() != 3 && frame.channels() != 4)) {
        throw std::invalid_argument("FrameConverter: unsupported pixel type " +
                                    cv::typeToString(frame.type()) +
                                    " (expected 8-bit gray, BGR or BGRA)");
    }
    if (m_contract.resize == InputContract::Resize::ShorterSideCentreCrop) {
        if (resolution < 1)
            throw std::invalid_argument("FrameConverter: no resolution for the centre crop");
        if (frame.type() != CV_8UC3)
            return ImageTransform::eval(resolution).apply(frame);
        // A camera's BGR frame: resize and crop first, then swap to RGB on the small crop
        // only (the filter treats channels alike, so the pixels equal ImageTransform's); this
        // halves the cost on a 1280x720 frame (bench/image_data_bench).
        const cv::Size size = ImageTransform::shorterSideSize(
            frame.size(), ImageTransform::evalResizeSize(resolution));
        const cv::Mat bgr = ImageTransform::resizeBilinearPil(
            frame, size, ImageTransform::centerCropRect(size, resolution));
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        return rgb;
    }
    return toGrayImage(frame);
}

cv::Mat FrameConverter::toGrayImage(const cv::Mat& frame) const
{
    const int size = m_contract.nativeSize;
    const bool modelSized = frame.type() == CV_8UC1 && frame.cols == size && frame.rows == size;

    cv::Mat gray;
    switch (frame.type()) {
        case CV_8UC1:
            gray = frame;
            break;
        case CV_8UC3:
            cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
            break;
        case CV_8UC4:
            cv::cvtColor(frame, gray, cv::COLOR_BGRA2GRAY);
            break;
        default:
            throw std::invalid_argument("FrameConverter: unsupported pixel type " +
                                        cv::typeToString(frame.type()) +
                                        " (expected 8-bit gray, BGR or BGRA)");
    }

    const int side = std::min(gray.cols, gray.rows);
    const cv::Mat square =
        gray(cv::Rect((gray.cols - side) / 2, (gray.rows - side) / 2, side, side));
    cv::Mat image;
    if (side == size) {
        image = square.clone();  // the caller's frame may be reused by its capture
    } else {
        cv::resize(square, image, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    }

    // A frame already in model format is a dataset image (no camera delivers 28x28), and
    // the rule would flip the few dataset garments that fill their frame.
    const bool flip = m_contract.invert == Invert::Always ||
                      (m_contract.invert == Invert::Auto && !modelSized && looksDarkOnLight(image));
    if (flip) {
        cv::bitwise_not(image, image);
    }
    return image;
}

at::Tensor FrameConverter::toTensor(const cv::Mat& frame, int resolution) const
{
    const cv::Mat image = toModelImage(frame, resolution);
    const int c = image.channels();
    torch::Tensor t = c == 1 ? torch::empty({1, image.rows, image.cols}, torch::kUInt8)
                             : torch::empty({1, c, image.rows, image.cols}, torch::kUInt8);
    const std::size_t rowBytes = static_cast<std::size_t>(image.cols) * c;
    std::uint8_t* out = t.data_ptr<std::uint8_t>();
    if (c == 1) {
        for (int y = 0; y < image.rows; ++y)
            std::memcpy(out + y * rowBytes, image.ptr<std::uint8_t>(y), rowBytes);
        return t;
    }
    // HWC (OpenCV) to CHW (the network's layout): cv::split writes straight into the planes.
    std::vector<cv::Mat> planes;
    for (int k = 0; k < c; ++k)
        planes.emplace_back(image.rows, image.cols, CV_8UC1,
                            out + static_cast<std::size_t>(k) * image.rows * image.cols);
    cv::split(image, planes);
    return t;
}

}  // namespace dofa
