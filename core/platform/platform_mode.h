// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string_view>

namespace dofa {

/// Where a run's power, clocks and knobs come from: the machine's sysfs, the SIMULATED board,
/// or nothing.
enum class PlatformMode { Discover, Simulated, None };

/// "discover", "simulated" or "none"; nullopt for anything else. The one check of a platform
/// mode, for `dofa run`, `dofa search`, the dashboard's --platform and its platform menu.
std::optional<PlatformMode> platformModeFromName(std::string_view name);
const char* platformModeName(PlatformMode mode);
/// For messages: "discover, simulated or none".
inline constexpr const char* kPlatformModeChoices = "discover, simulated or none";

}  // namespace dofa
