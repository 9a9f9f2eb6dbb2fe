// SPDX-License-Identifier: MIT
#include "model/level_backend.h"

namespace dofa {

const char* levelBackendName(LevelBackend backend)
{
    switch (backend) {
        case LevelBackend::Torch:
            return "torch";
        case LevelBackend::OpenCvDnn:
            return "opencv";
        case LevelBackend::Auto:
            return "auto";
    }
    return "torch";
}

std::optional<LevelBackend> levelBackendFromName(const std::string& name)
{
    for (LevelBackend b : {LevelBackend::Torch, LevelBackend::OpenCvDnn, LevelBackend::Auto}) {
        if (name == levelBackendName(b)) {
            return b;
        }
    }
    return std::nullopt;
}

}  // namespace dofa
