// SPDX-License-Identifier: MIT
#include "model/opencv_dnn_level.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include "export/onnx_writer.h"

namespace dofa {

struct OpenCvDnnLevel::Impl
{
    cv::dnn::Net net;
};

OpenCvDnnLevel::OpenCvDnnLevel(const StaticSubnet& net) : m_impl(std::make_unique<Impl>())
{
    std::string onnx;
    try {
        onnx = OnnxWriter().serialize(net);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("ONNX export failed: ") + e.what());
    }
    try {
        m_impl->net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
    } catch (const cv::Exception& e) {
        throw std::runtime_error(std::string("OpenCV DNN cannot load the ONNX export: ") +
                                 e.what());
    }
    if (m_impl->net.empty()) {
        throw std::runtime_error("OpenCV DNN loaded an empty network from the ONNX export");
    }
    m_impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    m_impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    m_classes = net.classifierW.size(0);
    m_onnxBytes = static_cast<std::int64_t>(onnx.size());
}

OpenCvDnnLevel::~OpenCvDnnLevel() = default;

torch::Tensor OpenCvDnnLevel::forward(const torch::Tensor& x)
{
    if (x.dim() != 4 || x.scalar_type() != torch::kFloat32 || !x.device().is_cpu()) {
        throw std::invalid_argument("OpenCV DNN level: expected a float (N,C,H,W) CPU tensor");
    }
    const int threads = torch::get_num_threads();
    if (cv::getNumThreads() != threads) {
        cv::setNumThreads(threads);
    }
    const torch::Tensor in = x.contiguous();
    const std::int64_t n = in.size(0);
    torch::Tensor logits = torch::empty({n, m_classes});
    // The export has static shapes (batch 1), and OpenCV 4.6 cannot re-shape this graph for
    // another batch (a shape assertion fails): a batch runs image by image, through exactly
    // the network that the agreement check and Auto's timing ran.
    std::vector<int> sizes(in.sizes().begin(), in.sizes().end());
    sizes[0] = 1;
    try {
        for (std::int64_t i = 0; i < n; ++i) {
            // The tensor's memory is wrapped, not copied: setInput keeps a reference until
            // forward() has run, and `image` outlives both.
            const torch::Tensor image = in[i];
            const cv::Mat blob(4, sizes.data(), CV_32F, image.data_ptr<float>());
            m_impl->net.setInput(blob);
            const cv::Mat out = m_impl->net.forward();
            if (out.type() != CV_32F || static_cast<std::int64_t>(out.total()) != m_classes) {
                throw std::runtime_error("OpenCV DNN level: output has " +
                                         std::to_string(out.total()) + " values, expected " +
                                         std::to_string(m_classes));
            }
            // The output Mat is the net's own buffer, overwritten by the next forward: copy.
            std::copy_n(out.ptr<float>(), m_classes, logits[i].data_ptr<float>());
        }
    } catch (const cv::Exception& e) {
        throw std::runtime_error(std::string("OpenCV DNN level: ") + e.what());
    }
    return logits;
}

}  // namespace dofa
