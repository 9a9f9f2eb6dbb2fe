// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/level_table.h"
#include "runtime/sample_window.h"

namespace dofa {

/// Construction settings of a LevelLatencyModel (LevelLatencyModel::Config).
struct LatencyModelConfig
{
    int windowFrames = 16;  ///< latencies kept per (level, operating point)
    /// What a record predicts: the median by default. P90 judges a level on nearly every frame
    /// rather than the typical one, with the profile's p90 as its prior; on the development VM
    /// it was not better (bench/scenario_bench compares both in one run; README, "Scenario
    /// bench"): paced frames there vary by up to 2× from one frame to the next whatever the
    /// level, so every level's p90 is the same wake-up jitter and small levels look as slow as
    /// large ones.
    WindowStatistic statistic = WindowStatistic::Median;
    /// Samples a record needs before it predicts its own level or scales others. Also the size
    /// of the "newest frames" compared with the rest of a record to see a load change.
    int minSamples = 5;
    /// A record whose newest sample is older than this is stale: ignored, and cleared when its
    /// level runs again. This is what lets a level that failed be tried again, eventually, when
    /// nothing seen at the running level says that conditions changed.
    std::int64_t maxAgeMs = 30000;
    /// Load change: the newest `minSamples` frames of the running level differ from the rest of
    /// its record by more than this fraction, either way (×1.25 or ÷1.25 by default).
    double changeThreshold = 0.25;
};

/// Where a prediction came from.
enum class LatencySource {
    Own,     ///< the level's own fresh record
    Scaled,  ///< its profile × the observed/profiled ratio of the levels that have records
    Prior,   ///< its profile: nothing fresh is known
};

/// "learned", "scaled", "profile": short form for reasons.
const char* latencySourceName(LatencySource source);

/// One predicted latency and what it rests on, so that a decision can say which numbers it used.
struct LatencyPrediction
{
    double ms = 0;
    double priorMs = 0;  ///< the profile's value
    LatencySource source = LatencySource::Prior;
    double scale = 1;  ///< ms / priorMs
    int samples = 0;   ///< Own: samples in the record
    /// Scaled: the records the scale came from, (level, operating point); one, or the two it was
    /// interpolated between. Level -1: unused.
    int fromLevel[2] = {-1, -1};
    int fromPoint[2] = {-1, -1};
};

/// A load change seen at the running level (LevelLatencyModel::lastChange()).
struct LatencyChange
{
    std::int64_t tNs = 0;
    int level = -1;  ///< -1: none yet
    int operatingPoint = -1;
    double beforeMs = 0;  ///< the record's median before its newest frames
    double afterMs = 0;   ///< the median of its newest frames
};

/// What one model's levels really take now, learnt online; the profile is the prior.
///
/// Why. A level's latency depends on how frames arrive and on what else runs, and not by one
/// factor for all levels: a small level slows most when the processor idles between paced frames
/// (its clock drops), a large one when a co-runner takes the cores. One slowdown factor measured
/// at the running level mispredicts the others, and a policy that trusts it steps up, fails,
/// steps back and does it again.
///
/// Records. One per (level, operating point) of the table: operating point -1 is the level run
/// with the knobs as they are (prior RuntimeLevel::latencyMeanMs), p ≥ 0 its operating point p
/// (prior OperatingPoint::latencyMs). Each keeps the last `windowFrames` latencies and the time
/// of its newest one. A record is known when it has `minSamples` samples and is fresh.
///
/// Predictions. A known record predicts itself (its statistic, p50 by default). Otherwise the
/// profile is scaled by the observed/profiled ratio of the known records: interpolated in
/// log(profiled latency) between the nearest known record below and above, the nearest one's
/// ratio beyond them (the slowdown is a smooth function of a level's size, not of its index);
/// with nothing known, the profile itself. Records scale each other within one library (mapping:
/// processor, cores, threads, backend), clock points included: their profiles already hold what
/// a clock does, but not what a program on another core does. A library without known records
/// is scaled by those of libraries that share a core with it (a program on core 0 slows
/// "cores 0-1" too), never by a library on other cores.
///
/// Forgetting. (a) Time: a record stale for `maxAgeMs` is ignored. (b) Load change: when the
/// newest `minSamples` frames of the observed record differ from the rest of it by more than
/// `changeThreshold` (medians, whatever the statistic: one slow frame is not a change of
/// conditions), conditions changed: every other record is dropped (they are predicted by
/// scaling from the fresh one again), except those of mappings on other cores, and the observed
/// record restarts from its newest frames
/// that are closer to the new statistic than to the old (with the median, 3 frames into a step
/// change: the record is known again, on new frames only, `minSamples` frames after the step).
/// A target change alone erases nothing: it says nothing about the hardware, and a level that
/// just proved too slow is still too slow under a new target.
///
/// Not thread-safe: the RuntimeManager owns one per managed model and feeds it from its thread.
/// observe() and predict() never allocate; O(windowFrames) and O(records).
class LevelLatencyModel
{
public:
    using Config = LatencyModelConfig;

    /// Throws std::invalid_argument on a config out of range.
    explicit LevelLatencyModel(const LevelTable& table, Config config = {});

    /// One frame of `level` at `operatingPoint` (-1: the level's own profile). Frames of a level
    /// or point the table does not have are ignored.
    void observe(int level, int operatingPoint, double latencyMs, std::int64_t nowNs);
    [[nodiscard]] LatencyPrediction predict(int level, int operatingPoint,
                                            std::int64_t nowNs) const;
    /// "level 2: learned p50 10.5 ms (12 frames)", "level 2: profile 13.6 ms × 0.80 = 10.9 ms
    /// (scale learned at levels 1, 3)", "level 2: profile 13.6 ms"; with " @ point" when set.
    /// Allocates: for reasons only.
    [[nodiscard]] std::string describe(int level, int operatingPoint,
                                       const LatencyPrediction& prediction) const;
    [[nodiscard]] std::string describe(int level, int operatingPoint, std::int64_t nowNs) const
    {
        return describe(level, operatingPoint, predict(level, operatingPoint, nowNs));
    }

    /// Forgets everything.
    void clear();
    /// Samples held for (level, operating point), fresh or not; 0 for a pair the table lacks.
    [[nodiscard]] int samples(int level, int operatingPoint) const;
    /// Records known at `nowNs` (fresh, with `minSamples` samples).
    [[nodiscard]] int knownCount(std::int64_t nowNs) const;
    /// Load changes seen so far, and the last one.
    [[nodiscard]] std::uint64_t changeCount() const { return m_changeCount; }
    [[nodiscard]] const LatencyChange& lastChange() const { return m_lastChange; }
    [[nodiscard]] const Config& config() const { return m_config; }

private:
    struct Record
    {
        SampleWindow window;
        double priorMs = 0;
        double statMs = 0;  ///< window statistic, kept current by observe()
        std::int64_t newestNs = 0;
        int level = 0;
        int point = -1;
        int library = 0;  ///< LevelTable::libraryOf(level, point)
    };

    /// Index into m_records, or -1.
    [[nodiscard]] int indexOf(int level, int operatingPoint) const;
    [[nodiscard]] bool known(const Record& r, std::int64_t nowNs) const;
    [[nodiscard]] std::string pairName(int level, int operatingPoint) const;
    /// Whether the two records' mappings share a core (or either is not confined).
    [[nodiscard]] bool contend(const Record& a, const Record& b) const;

    Config m_config;
    std::int64_t m_maxAgeNs = 0;
    std::vector<Record> m_records;
    std::vector<LevelLibrary> m_libraries;  ///< the table's, for contend()
    std::vector<int> m_first;               ///< per level: index of its point -1 record
    std::vector<std::vector<std::string>> m_pointNames;  ///< per level, for describe()
    std::uint64_t m_changeCount = 0;
    LatencyChange m_lastChange;
};

}  // namespace dofa
