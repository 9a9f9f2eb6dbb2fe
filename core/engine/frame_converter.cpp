// SPDX-License-Identifier: MIT
#include "frame_converter.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>

namespace dofa {

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

cv::Mat FrameConverter::toModelImage(const cv::Mat& frame) const
{
    if (frame.empty()) {
        throw std::invalid_argument("FrameConverter: empty frame");
    }
    const bool modelSized = frame.type() == CV_8UC1 && frame.cols == kSize && frame.rows == kSize;

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
    if (side == kSize) {
        image = square.clone();  // the caller's frame may be reused by its capture
    } else {
        cv::resize(square, image, cv::Size(kSize, kSize), 0, 0, cv::INTER_AREA);
    }

    // A frame already in model format is a dataset image (no camera delivers 28x28), and
    // the rule would flip the few dataset garments that fill their frame.
    const bool flip = m_invert == Invert::Always ||
                      (m_invert == Invert::Auto && !modelSized && looksDarkOnLight(image));
    if (flip) {
        cv::bitwise_not(image, image);
    }
    return image;
}

at::Tensor FrameConverter::toTensor(const cv::Mat& frame) const
{
    const cv::Mat image = toModelImage(frame);
    torch::Tensor t = torch::empty({1, kSize, kSize}, torch::kUInt8);
    for (int y = 0; y < kSize; ++y) {
        std::memcpy(t.data_ptr<std::uint8_t>() + y * kSize, image.ptr<std::uint8_t>(y), kSize);
    }
    return t;
}

}  // namespace dofa
