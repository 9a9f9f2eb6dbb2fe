// SPDX-License-Identifier: MIT
#include "model/compute_device.h"

#include <cctype>

// torch/cuda.h alone: declared in every LibTorch, CUDA or not (in a CPU-only one the calls
// report no device), so this file compiles unchanged against Debian's LibTorch and a Jetson's.
#include <torch/cuda.h>

// Set by core/model/CMakeLists.txt from the Torch package found at configure time.
#ifndef DOFA_TORCH_CUDA
#define DOFA_TORCH_CUDA 0
#endif
#ifndef DOFA_TORCH_DIR
#define DOFA_TORCH_DIR "unknown"
#endif

namespace dofa {

std::optional<ComputeDevice> ComputeDevice::parse(const std::string& text)
{
    if (text == "cpu") {
        return ComputeDevice{};
    }
    if (text == "cuda") {
        return ComputeDevice{Kind::Cuda, -1};
    }
    const std::string prefix = "cuda:";
    if (text.size() <= prefix.size() || text.compare(0, prefix.size(), prefix) != 0 ||
        text.size() > prefix.size() + 3) {
        return std::nullopt;
    }
    int index = 0;
    for (size_t i = prefix.size(); i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
            return std::nullopt;
        }
        index = index * 10 + (text[i] - '0');
    }
    return ComputeDevice{Kind::Cuda, index};
}

std::string ComputeDevice::name() const
{
    if (kind == Kind::Cpu) {
        return "cpu";
    }
    return index < 0 ? "cuda" : "cuda:" + std::to_string(index);
}

bool ComputeDevice::torchHasCuda()
{
    return DOFA_TORCH_CUDA != 0;
}

std::string ComputeDevice::unavailableReason() const
{
    if (kind == Kind::Cpu) {
        return {};
    }
    if (!torchHasCuda()) {
        return "this LibTorch was built without CUDA (the one in " DOFA_TORCH_DIR
               "; Debian's libtorch-dev has none); build dofa against a LibTorch with CUDA: "
               "cmake -S . -B build-cuda -DTorch_DIR=/path/to/libtorch/share/cmake/Torch "
               "(README: \"LibTorch with CUDA (a Jetson's)\")";
    }
    const auto count = static_cast<int>(torch::cuda::device_count());
    if (count == 0) {
        return "no CUDA device is visible (LibTorch has CUDA, torch::cuda::device_count() is 0: "
               "check the driver and CUDA_VISIBLE_DEVICES)";
    }
    if (index >= count) {
        return "no CUDA device " + std::to_string(index) + " (" + std::to_string(count) +
               (count == 1 ? " device" : " devices") + " visible)";
    }
    return {};
}

}  // namespace dofa
