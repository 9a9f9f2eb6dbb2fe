// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <map>
#include <optional>
#include <string>

#include "search/latency_stats.h"

namespace dofa {

/// A level measured under one combination of knob values (`dofa profile --sweep`): the
/// operating points the energy and lookup policies choose from together with the level.
struct ProfileOperatingPoint
{
    /// Knob id -> value text, in the knobs' own forms: "app.threads" "2", "app.affinity" "0-1"
    /// (a CPU list), "app.backend" "opencv", "cpu.policy0.max_khz" "1190400".
    std::map<std::string, std::string> knobs;
    LatencyStats latency;  ///< back to back
    std::optional<LatencyStats> pacedLatency;
    std::optional<double> powerMw;   ///< mean power while running it, where a sensor exists
    std::optional<double> energyMj;  ///< per inference
    /// Some number here comes from the SIMULATED board's model, not from a measurement (a
    /// simulated clock stretches the measured latency by the model's factor, and its power is
    /// modelled). Written to the file and shown in every name.
    bool simulated = false;

    /// "2 threads, cores 0-1, opencv, CPU 1190 MHz (SIMULATED)".
    [[nodiscard]] std::string name() const;
    /// Where the level runs at this point: the name of its mapping knobs alone ("app.*":
    /// processor, threads, cores, backend), without clocks; empty when it sets none. The key of
    /// its level library (LevelLibrary).
    [[nodiscard]] std::string mapping() const;
    /// The knob value, or `fallback` when this point does not set the knob.
    [[nodiscard]] std::string knob(const std::string& id, const std::string& fallback = {}) const;

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming the field (prefixed with `where`).
    static ProfileOperatingPoint fromJson(const QJsonObject& json, const std::string& where);
};

}  // namespace dofa
