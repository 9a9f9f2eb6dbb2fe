// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

namespace dofa {

/// What made the manager decide.
enum class DecisionCause {
    Start,         ///< first evaluation, when the manager is built
    Targets,       ///< new targets (re-evaluated at once)
    PolicySwitch,  ///< another policy took over
    Frame,         ///< the policy reacted to observed frames
};

/// "start", "targets", "policy", "frame".
const char* causeName(DecisionCause cause);

/// One decision of the runtime manager, for the GUI's timeline and the telemetry log. The reason is
/// complete on its own ("p50 41.2 ms > target 40 ms over 10 frames → level 4 to 3"), the other
/// fields let a GUI plot and filter without parsing it.
struct Decision
{
    std::int64_t tNs = 0;  ///< manager clock
    int model = 0;
    int fromLevel = -1;  ///< -1 at start
    int toLevel = -1;
    int fromOperatingPoint = -1;  ///< -1: none chosen (knobs left as they are)
    int toOperatingPoint = -1;
    std::string operatingPointName;  ///< of toOperatingPoint; empty when none
    std::string policy;              ///< Policy::name()
    DecisionCause cause = DecisionCause::Frame;
    std::string reason;

    [[nodiscard]] bool changed() const
    {
        return fromLevel != toLevel || fromOperatingPoint != toOperatingPoint;
    }
};

}  // namespace dofa
