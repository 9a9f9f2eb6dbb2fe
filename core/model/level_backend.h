// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace dofa {

/// What runs an extracted level's forward pass. LibTorch is the default; OpenCV DNN runs the
/// level's in-memory ONNX export; Auto times both when the level enters the cache and keeps
/// the faster (on this machine Debian's LibTorch calls the reference BLAS, and OpenCV DNN is
/// 2-4x faster for the default model's levels; with OpenBLAS it is mostly the other way).
enum class LevelBackend { Torch, OpenCvDnn, Auto };

/// "torch", "opencv" or "auto" (the names of `dofa run --backend`).
const char* levelBackendName(LevelBackend backend);
/// The backend of a name levelBackendName() gives; nullopt for any other text.
std::optional<LevelBackend> levelBackendFromName(const std::string& name);

}  // namespace dofa
