// SPDX-License-Identifier: MIT
#include "sources/dataset_replay_source.h"

#include <sstream>
#include <stdexcept>
#include <utility>

#include <opencv2/core.hpp>

namespace dofa {

namespace {

std::string shapeText(const torch::Tensor& t)
{
    std::ostringstream s;
    s << t.sizes() << " " << t.dtype();
    return s.str();
}

}  // namespace

DatasetReplaySource::DatasetReplaySource(FashionMnist data, DatasetReplayOptions options)
    : m_data(std::move(data)), m_options(std::move(options))
{
    const std::string who = "dataset replay '" + m_options.name + "': ";
    const torch::Tensor& images = m_data.images;
    if (!images.defined() || images.dim() != 3 || images.scalar_type() != torch::kUInt8) {
        throw std::invalid_argument(
            who + "images must be an (N, H, W) uint8 tensor, got " +
            (images.defined() ? shapeText(images) : std::string("an undefined tensor")));
    }
    m_size = images.size(0);
    if (m_size == 0) {
        throw std::invalid_argument(who + "no images");
    }
    // Own a contiguous CPU copy once, so that next() is a plain memory copy.
    m_data.images = images.to(torch::kCPU).contiguous();

    const torch::Tensor& labels = m_data.labels;
    if (labels.defined() && labels.numel() > 0) {
        if (labels.dim() != 1 || labels.size(0) != m_size) {
            throw std::invalid_argument(who + "expected " + std::to_string(m_size) +
                                        " labels for as many images, got " + shapeText(labels));
        }
        m_data.labels = labels.to(torch::kCPU, torch::kInt64).contiguous();
        m_hasLabels = true;
    }

    if (m_options.start < 0 || m_options.start >= m_size) {
        throw std::invalid_argument(who + "start " + std::to_string(m_options.start) +
                                    " is outside [0, " + std::to_string(m_size) + ")");
    }
    if (m_options.limit < 0) {
        throw std::invalid_argument(who + "limit must be >= 0 (0: no limit), got " +
                                    std::to_string(m_options.limit));
    }
    setPacing(m_options.fps);
    m_position = m_options.start;
}

bool DatasetReplaySource::next(Frame& out)
{
    if (m_finished || (m_options.limit > 0 && framesDelivered() >= m_options.limit)) {
        return false;
    }
    waitForDueTime();

    const int h = static_cast<int>(m_data.images.size(1));
    const int w = static_cast<int>(m_data.images.size(2));
    const auto* pixels = m_data.images.data_ptr<std::uint8_t>() + m_position * h * w;
    // Copy out of the tensor: the frame may outlive this source on another thread.
    out.image = cv::Mat(h, w, CV_8UC1, const_cast<std::uint8_t*>(pixels)).clone();
    out.label =
        m_hasLabels ? static_cast<int>(m_data.labels.data_ptr<std::int64_t>()[m_position]) : -1;
    stamp(out);

    ++m_position;
    if (m_position == m_size) {
        m_position = 0;
        m_finished = !m_options.loop;
    }
    return true;
}

std::string DatasetReplaySource::description() const
{
    std::ostringstream s;
    s << m_options.name << ", " << m_size << " images, "
      << (m_hasLabels ? "labelled" : "unlabelled");
    if (m_options.start > 0) {
        s << ", from image " << m_options.start;
    }
    if (!m_options.loop) {
        s << ", played once";
    }
    if (m_options.limit > 0) {
        s << ", limit " << m_options.limit << " frames";
    }
    if (pacingFps() > 0.0) {
        s << ", " << pacingFps() << " fps";
    }
    return s.str();
}

}  // namespace dofa
