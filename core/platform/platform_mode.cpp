// SPDX-License-Identifier: MIT
#include "platform_mode.h"

namespace dofa {

std::optional<PlatformMode> platformModeFromName(std::string_view name)
{
    for (PlatformMode mode :
         {PlatformMode::Discover, PlatformMode::Simulated, PlatformMode::None}) {
        if (name == platformModeName(mode)) {
            return mode;
        }
    }
    return std::nullopt;
}

const char* platformModeName(PlatformMode mode)
{
    switch (mode) {
        case PlatformMode::Discover:
            return "discover";
        case PlatformMode::Simulated:
            return "simulated";
        case PlatformMode::None:
            return "none";
    }
    return "none";
}

}  // namespace dofa
