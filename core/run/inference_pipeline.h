// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "platform/result.h"
#include "run/frame_record.h"
#include "sources/frame_converter.h"

namespace dofa {

class CompetingLoad;
class DynamicModel;
class FrameSource;
class Knob;
class KnobGuard;
class PlatformSampler;
class Monitor;
class Platform;
class ProcessAffinity;
class RuntimeManager;
class SimulatedBoard;
struct RunCommand;

/// One managed model and where its frames come from.
struct PipelineLane
{
    std::unique_ptr<FrameSource> source;
    std::unique_ptr<DynamicModel> model;
};

/// The inference loop of ARCHITECTURE.md's data flow, without a GUI: frame -> preprocess ->
/// DynamicModel (current level) -> top-1 -> per-frame latency -> RuntimeManager -> level switch.
///
/// Several lanes (the joint policy's models) run concurrently, one frame each per round: lane 0
/// on the calling thread, the others on their own threads, so the models really compete for the
/// cores; the manager is then fed every lane's frame on the calling thread, which owns it (its
/// threading contract). Level switches happen between rounds, never under a running forward.
///
/// Operating points: when the manager picks one (energy policy), its knob settings are written
/// through the platform under a KnobGuard that restores them when the pipeline ends (and on
/// SIGINT/SIGTERM). On a SIMULATED board the frame's real inference time is stretched by the
/// board's injected delay (f_max / f), so a lower simulated clock really slows the frames.
///
/// The calling thread owns the pipeline (step, apply). Not copyable.
class InferencePipeline
{
public:
    /// `manager` must manage exactly lanes.size() models whose level tables match the lanes'
    /// profiles; `platform` (optional) gives power and CPU frequency for telemetry. Throws
    /// std::invalid_argument on a mismatch.
    InferencePipeline(std::vector<PipelineLane> lanes, RuntimeManager& manager,
                      Platform* platform = nullptr);
    InferencePipeline(const InferencePipeline&) = delete;
    InferencePipeline& operator=(const InferencePipeline&) = delete;
    ~InferencePipeline();

    /// One round: a frame per lane, run concurrently, then the manager's decisions applied.
    /// Appends one record per lane to `out`, with the frame's image and the decisions the
    /// manager took since the previous round (FrameRecord::decisions). Returns false (appending
    /// nothing) when a source has ended. Throws what a source or a forward threw.
    bool step(std::vector<FrameRecord>& out);

    /// A run command: targets go to the manager (taking effect on the next frame), loads start
    /// and stop here. `Stop` is the caller's business (returns false for it, true otherwise).
    bool apply(const RunCommand& command);

    [[nodiscard]] int laneCount() const { return static_cast<int>(m_lanes.size()); }
    [[nodiscard]] DynamicModel& model(int lane) { return *m_lanes.at(lane)->lane.model; }
    [[nodiscard]] FrameSource& source(int lane) { return *m_lanes.at(lane)->lane.source; }
    [[nodiscard]] RuntimeManager& manager() { return m_manager; }
    /// Seconds since construction (the run's clock).
    [[nodiscard]] double elapsedSeconds() const;
    [[nodiscard]] std::int64_t rounds() const { return m_round; }
    /// The competing load running now, or null.
    [[nodiscard]] const CompetingLoad* load() const { return m_load.get(); }
    /// Latency of a frame of `lane` at `level` that really took `measuredMs`.
    using LatencyScript = std::function<double(int lane, int level, double measuredMs)>;
    /// From now on every frame still runs for real, but the latency handed to the manager and
    /// recorded is the script's: deterministic tests of the whole loop (non-uniform slowdowns,
    /// loads that come and go) on any machine. Set before step(); called on the lanes' threads.
    void scriptLatencies(LatencyScript script) { m_latencyScript = std::move(script); }

    /// The run's one reader of the platform's power and clock monitors (null without a
    /// platform): it samples at 10 Hz as frames run and feeds the manager and the records;
    /// other consumers (the dashboard's charts) read its samples, never the monitors.
    [[nodiscard]] const PlatformSampler* sampler() const { return m_sampler.get(); }
    /// Seconds of the run's clock at `ns` (a PlatformSample's tNs).
    [[nodiscard]] double secondsAt(std::int64_t ns) const;

    /// A knob written by hand (the dashboard's knob panel, `dofa run --governor`) under the
    /// run's one KnobGuard, which also holds the manager's writes: each knob is captured once,
    /// before the run's first write to it, and that value comes back when the pipeline ends,
    /// whoever wrote last. A knob the manager drives (one its operating points set) is refused
    /// while the run lasts, so that a hand-set value is never silently overwritten.
    Result<std::string> setKnob(const std::shared_ptr<Knob>& knob, const std::string& value);

    /// Knob writes that failed (read-only knob, no such knob), one line each, newest last.
    [[nodiscard]] const std::vector<std::string>& knobProblems() const { return m_knobProblems; }

private:
    /// What a lane's thread made of its frame; step() completes the record.
    struct LaneResult
    {
        bool ok = false;  ///< false: the source ended
        FrameRecord record;
        std::int64_t endNs = 0;
        std::exception_ptr error;
    };
    struct LaneState
    {
        PipelineLane lane;
        FrameConverter converter;
        int index = 0;  ///< the lane's number
        LaneResult result;
        std::thread thread;  ///< lanes >= 1
        std::int64_t requestedRound = 0;
        std::int64_t finishedRound = 0;
        /// Intra-op threads the chosen operating point asks for (app.threads), set by the lane
        /// on its own thread; 0: as started.
        int threads = 0;
    };

    void runLane(LaneState& state);
    void laneLoop(LaneState& state);
    void readPlatform(FrameRecord& record);
    void applyOperatingPoint(int lane);
    /// A knob write that failed: logged (dofa.run) and kept for knobProblems().
    void knobProblem(const std::string& text);

    std::vector<std::unique_ptr<LaneState>> m_lanes;
    RuntimeManager& m_manager;
    Platform* m_platform = nullptr;
    std::unique_ptr<PlatformSampler> m_sampler;  ///< the run's one reader of the monitors
    std::unique_ptr<CompetingLoad> m_load;
    std::shared_ptr<SimulatedBoard> m_board;
    std::unique_ptr<KnobGuard> m_knobs;   ///< the run's one guard: the manager's and hand writes
    std::set<std::string> m_drivenKnobs;  ///< ids the manager's operating points set
    std::vector<int> m_appliedOperatingPoint;     ///< per lane, -1: none applied
    std::unique_ptr<ProcessAffinity> m_affinity;  ///< app.affinity of operating points
    int m_callerThreads = 1;                      ///< intra-op threads of the caller at start
    std::vector<std::string> m_knobProblems;
    LatencyScript m_latencyScript;
    std::int64_t m_startNs = 0;
    std::int64_t m_round = 0;
    /// The manager's decisionCount() already handed out in records; those before the first
    /// round (the start) are the run's, read from the manager by whoever built it.
    std::uint64_t m_decisionsReported = 0;

    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    bool m_quit = false;
};

}  // namespace dofa
