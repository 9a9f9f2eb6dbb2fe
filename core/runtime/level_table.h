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
    /// Where the level runs at this point, for humans and as the key of its LevelLibrary: the
    /// processor, cores, threads and backend ("1 thread, core 1"), without clocks. Empty: the
    /// knobs as they are (the library "as configured").
    std::string mapping;
    /// The CPUs the mapping confines the model to; empty: not confined (any core). Two mappings
    /// contend when their sets overlap or either is empty.
    std::vector<int> cores;
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

/// A level library, as Dynamic-OFA keeps one per processor: the levels that are worth running on
/// one mapping (processor, cores, threads, backend). A level's latency differs by mapping, and
/// not by one factor (a large level gains from a second thread, a small one does not), so each
/// mapping has its own Pareto front of latency against accuracy. Moving the model to another
/// mapping switches library. Derived from the operating points' `mapping` (LevelTable).
struct LevelLibrary
{
    std::string name;        ///< OperatingPoint::mapping, or LevelTable::kAsConfigured
    std::vector<int> cores;  ///< OperatingPoint::cores of its points
    /// Per level: the library's fastest point of the level (its top clock); -1: the level's own
    /// profile ("as configured"), or the level has no point here (then not a member).
    std::vector<int> fastestPoint;
    /// Per level: on this library's front (no level here is at least as accurate and at least
    /// as fast, one of them strictly); every level in "as configured" (the search's own front).
    std::vector<char> member;

    [[nodiscard]] bool contends(const LevelLibrary& other) const;
    [[nodiscard]] int memberCount() const;
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

    static constexpr const char* kAsConfigured = "as configured";
    /// True when some point sets a mapping: the model can be moved (more than one library).
    [[nodiscard]] bool hasMappings() const;
    /// The libraries: "as configured" first (every level's own profile, point -1, and the
    /// points that set no mapping), then one per mapping in order of first appearance.
    [[nodiscard]] const std::vector<LevelLibrary>& libraries() const { return m_libraries; }
    [[nodiscard]] int libraryCount() const { return static_cast<int>(m_libraries.size()); }
    [[nodiscard]] const LevelLibrary& library(int index) const { return m_libraries.at(index); }
    /// The library of (level, point): point -1 is "as configured". -1 for a pair the table lacks.
    [[nodiscard]] int libraryOf(int level, int operatingPoint) const;
    /// Whether (level, point) is offered: its level is on its library's front.
    [[nodiscard]] bool offered(int level, int operatingPoint) const;

private:
    void deriveLibraries();

    std::vector<RuntimeLevel> m_levels;
    std::vector<LevelLibrary> m_libraries;
    std::vector<std::vector<int>> m_libraryOfPoint;  ///< per level, per point + 1 (index 0: -1)
};

/// Energy per inference in mJ of a level (operatingPoint -1) or of one of its operating points:
/// the measured value, else power × latency (mW × ms = µJ, hence / 1000); nullopt without power.
std::optional<double> energyPerInferenceMj(const RuntimeLevel& level, int operatingPoint);

}  // namespace dofa
