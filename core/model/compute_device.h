// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace dofa {

/// The processor a dynamic model runs on, as `--device` names it: "cpu", "cuda" (the current
/// CUDA device) or "cuda:N". Torch-free, so that the app mains and the live controller can
/// check a user's choice without torch headers; DynamicModel turns it into a torch::Device.
struct ComputeDevice
{
    enum class Kind { Cpu, Cuda };
    Kind kind = Kind::Cpu;
    int index = -1;  ///< CUDA device index; -1: the current one

    /// "cpu", "cuda" or "cuda:N" (N a whole number); nullopt for anything else, "CUDA:0", "mps"
    /// and " cpu" included: LibTorch's own parser accepts device types this program never runs.
    static std::optional<ComputeDevice> parse(const std::string& text);

    /// The text parse() reads back.
    [[nodiscard]] std::string name() const;
    [[nodiscard]] bool isCuda() const { return kind == Kind::Cuda; }

    /// Empty when this LibTorch on this machine can run on the device; otherwise why not, for a
    /// user: a LibTorch built without CUDA (Debian's) and how to build against one with CUDA,
    /// or no CUDA device visible, or no device of that index.
    [[nodiscard]] std::string unavailableReason() const;

    /// Whether the LibTorch dofa was built against has CUDA (its CMake package lists CUDA
    /// libraries); false for Debian's libtorch-dev.
    static bool torchHasCuda();
};

}  // namespace dofa
