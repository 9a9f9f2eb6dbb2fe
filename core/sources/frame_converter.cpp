// SPDX-License-Identifier: MIT
#include "sources/frame_converter.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>

#include "data/image_transform.h"
#include "data/pil_bilinear_resize.h"

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

/// One (frame size, pixel type, resolution)'s resize and output buffer.
struct FrameConverter::Buffers
{
    struct Entry
    {
        cv::Size frame;
        int type = 0;
        int resolution = 0;
        std::optional<PilBilinearResize> resize;  ///< ShorterSideCentreCrop only
        torch::Tensor tensor;
    };
    static constexpr size_t kEntries = 8;
    std::vector<Entry> entries;  ///< oldest first
    cv::Mat gray;                ///< GrayCentreSquare: the frame in gray, reused
};

FrameConverter::FrameConverter(Invert invert)
    : m_contract(fashionMnistContract(invert)), m_buffers(std::make_unique<Buffers>())
{}

FrameConverter::FrameConverter(const InputContract& contract)
    : m_contract(contract), m_buffers(std::make_unique<Buffers>())
{
    if (!contract.isSet())
        throw std::invalid_argument("FrameConverter: the model has no input contract");
    if (contract.resize == InputContract::Resize::ShorterSideCentreCrop &&
        contract.cropFraction != ImageTransform::kEvalCropFraction)
        throw std::invalid_argument("FrameConverter: crop fraction " +
                                    std::to_string(contract.cropFraction) +
                                    " (only OFA's 0.875 is implemented)");
    if (contract.resize == InputContract::Resize::ShorterSideCentreCrop && contract.channels != 3)
        throw std::invalid_argument(
            "FrameConverter: the centre crop makes 3 channels, the "
            "contract says " +
            std::to_string(contract.channels));
    if (contract.resize == InputContract::Resize::GrayCentreSquare && contract.nativeSize < 1)
        throw std::invalid_argument("FrameConverter: native size must be >= 1");
}

FrameConverter::FrameConverter(const FrameConverter& other)
    : m_contract(other.m_contract), m_buffers(std::make_unique<Buffers>())
{}

FrameConverter& FrameConverter::operator=(const FrameConverter& other)
{
    if (this != &other) {
        m_contract = other.m_contract;
        m_buffers = std::make_unique<Buffers>();
    }
    return *this;
}

FrameConverter::FrameConverter(FrameConverter&&) noexcept = default;
FrameConverter& FrameConverter::operator=(FrameConverter&&) noexcept = default;
FrameConverter::~FrameConverter() = default;

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

const at::Tensor& FrameConverter::convert(const cv::Mat& frame, int resolution)
{
    if (frame.empty())
        throw std::invalid_argument("FrameConverter: empty frame");
    if (frame.depth() != CV_8U ||
        (frame.channels() != 1 && frame.channels() != 3 && frame.channels() != 4))
        throw std::invalid_argument("FrameConverter: unsupported pixel type " +
                                    cv::typeToString(frame.type()) +
                                    " (expected 8-bit gray, BGR or BGRA)");
    const bool crop = m_contract.resize == InputContract::Resize::ShorterSideCentreCrop;
    if (crop && resolution < 1)
        throw std::invalid_argument("FrameConverter: no resolution for the centre crop");
    if (!m_buffers)  // moved from
        m_buffers = std::make_unique<Buffers>();
    const int r = crop ? resolution : m_contract.nativeSize;

    auto& entries = m_buffers->entries;
    auto it = std::find_if(entries.begin(), entries.end(), [&](const Buffers::Entry& e) {
        return e.frame == frame.size() && e.type == frame.type() && e.resolution == r;
    });
    if (it == entries.end()) {
        if (entries.size() == Buffers::kEntries)
            entries.erase(entries.begin());
        Buffers::Entry e;
        e.frame = frame.size();
        e.type = frame.type();
        e.resolution = r;
        if (crop) {
            const cv::Size size =
                ImageTransform::shorterSideSize(frame.size(), ImageTransform::evalResizeSize(r));
            e.resize.emplace(frame.size(), size, ImageTransform::centerCropRect(size, r));
            e.resize->setParallel(true);  // the inference threads are idle until it is done
            e.tensor = torch::empty({1, 3, r, r}, torch::kUInt8);
        } else {
            e.tensor = torch::empty({1, r, r}, torch::kUInt8);
        }
        entries.push_back(std::move(e));
        it = entries.end() - 1;
    }
    std::uint8_t* out = it->tensor.data_ptr<std::uint8_t>();
    if (!crop) {
        convertGray(frame, cv::Mat(r, r, CV_8UC1, out));
        return it->tensor;
    }
    // Resized straight into the tensor's planes in the contract's colour order: no RGB image,
    // no HWC-to-CHW copy.
    const bool bgrOut = m_contract.colour == InputContract::ColourOrder::BGR;
    std::array<int, 3> channelOf{{0, 0, 0}};  // gray: three equal planes
    if (frame.channels() >= 3)
        channelOf = bgrOut ? std::array<int, 3>{{0, 1, 2}} : std::array<int, 3>{{2, 1, 0}};
    it->resize->applyPlanar(frame, out, channelOf);
    return it->tensor;
}

at::Tensor FrameConverter::toTensor(const cv::Mat& frame, int resolution)
{
    return convert(frame, resolution).clone();
}

void FrameConverter::convertGray(const cv::Mat& frame, const cv::Mat& out)
{
    const int size = m_contract.nativeSize;
    const bool modelSized = frame.cols == size && frame.rows == size;

    cv::Mat gray = frame;
    if (frame.type() != CV_8UC1) {
        cv::cvtColor(frame, m_buffers->gray,
                     frame.type() == CV_8UC3 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGRA2GRAY);
        gray = m_buffers->gray;
    }

    const int side = std::min(gray.cols, gray.rows);
    const cv::Mat square =
        gray(cv::Rect((gray.cols - side) / 2, (gray.rows - side) / 2, side, side));
    cv::Mat image = out;  // a header on the tensor: OpenCV writes into it, allocating nothing
    if (side == size)
        square.copyTo(image);
    else
        cv::resize(square, image, cv::Size(size, size), 0, 0, cv::INTER_AREA);

    // A frame already of the native size is a data set image (no camera delivers 28x28), also
    // when a file decoder expanded it to BGR (an image folder's PNG), and
    // the rule would flip the few dataset garments that fill their frame.
    const bool flip = m_contract.invert == Invert::Always ||
                      (m_contract.invert == Invert::Auto && !modelSized && looksDarkOnLight(image));
    if (flip)
        cv::bitwise_not(image, image);
}

}  // namespace dofa
