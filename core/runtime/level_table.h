// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dofa {

/// One knob value of an operating point, as the knob takes it (Knob::set: a number in the
/// knob's canonical unit, a CPU list or a word): {"gpu.max_khz", "1109250"},
/// {"app.threads", "2"}, {"app.affinity", "0-1"}.
struct KnobSetting
{
    std::string knob;
    std::string value;
};

/// A level run under particular knob settings, with what was measured (or modelled) there. The
/// energy policy trades these against each other: a lower clock can save energy per inference
/// even though each frame takes longer.
struct OperatingPoint
{
    std::string name;  ///< for humans: "GPU 624 MHz, 2 threads"
    std::vector<KnobSetting> knobs;
    double latencyMs = 0;            ///< expected latency of the level at this point
    std::optional<double> powerMw;   ///< board power while running it
    std::optional<double> energyMj;  ///< measured energy per inference; else power × latency
};

/// One level as the runtime sees it: torch-free, so that the engine adapts its profiles to it and
/// the runtime library stays pure logic.
struct RuntimeLevel
{
    int id = 0;        ///< the profile's level index (what the engine switches to)
    std::string arch;  ///< canonical arch text, for display
    double top1 = 0;   ///< %
    double latencyMeanMs = 0;
    double latencyP90Ms = 0;  ///< 0 when unknown
    std::optional<double> powerMw;
    std::optional<double> energyMj;
    std::vector<OperatingPoint> operatingPoints;  ///< empty: the level's own profile only
};

/// The levels of one model on one device, ascending latency. Indices into this table are the
/// "levels" of every decision.
class LevelTable
{
public:
    /// Throws std::invalid_argument, naming the level and the field, when the table is empty, a
    /// latency or power is not positive, or the mean latencies are not ascending.
    explicit LevelTable(std::vector<RuntimeLevel> levels);

    [[nodiscard]] int size() const { return static_cast<int>(m_levels.size()); }
    [[nodiscard]] const RuntimeLevel& level(int index) const { return m_levels.at(index); }
    [[nodiscard]] const std::vector<RuntimeLevel>& levels() const { return m_levels; }
    /// Profiled mean latency: what observed latencies are compared with (slowdown factor).
    [[nodiscard]] double latencyMs(int index) const { return m_levels[index].latencyMeanMs; }
    [[nodiscard]] bool hasOperatingPoints() const;

private:
    std::vector<RuntimeLevel> m_levels;
};

/// Energy per inference in mJ of a level (operatingPoint -1) or of one of its operating points:
/// the measured value, else power × latency (mW × ms = µJ, hence / 1000); nullopt without power.
std::optional<double> energyPerInferenceMj(const RuntimeLevel& level, int operatingPoint);

}  // namespace dofa
