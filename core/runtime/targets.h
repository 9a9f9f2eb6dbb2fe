// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace dofa {

/// Which of several qualifying choices wins.
enum class Objective { MostAccurate, LowestEnergy, LowestLatency };

/// "most accurate", "lowest energy", "lowest latency": used in reasons.
const char* objectiveName(Objective objective);

/// What the user asks of one model. Any target may be unset: an unset target constrains nothing,
/// so a fresh manager runs the most accurate level until someone sets a latency target.
struct Targets
{
    std::optional<double> latencyMs;    ///< per-frame latency a level must fit under
    std::optional<double> powerW;       ///< board power budget in W (tables store mW)
    std::optional<double> minAccuracy;  ///< top-1 floor in %
    Objective objective = Objective::MostAccurate;

    /// "latency ≤ 40 ms, power ≤ 5 W, accuracy ≥ 76 %", or "no targets".
    [[nodiscard]] std::string describe() const;
    bool operator==(const Targets& other) const;
    bool operator!=(const Targets& other) const { return !(*this == other); }
};

}  // namespace dofa
