// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "live/live_run_data.h"
#include "run/run_builder.h"
#include "run/scenario.h"
#include "search/profile.h"

namespace dofa {

/// The inference worker of the live dashboard: lives on its own thread (WorkerThread) and owns
/// everything of a run there: platform, source (behind a LatestFrameSource capture thread),
/// DynamicModel, RuntimeManager and InferencePipeline.
///
/// Frames run one per step(): each step re-posts itself as a queued call, so commands that
/// arrive as queued calls (targets, policy, knobs, loads) are handled between two frames and
/// take effect on the next one. Power and clocks come from the pipeline's PlatformSampler (the
/// run's one reader of the monitors, 10 Hz). Results go to the run's LiveRunData (bounded rings);
/// state changes and errors are reported through queued signals. Never touches the GUI.
class LiveWorker : public QObject
{
    Q_OBJECT
public:
    LiveWorker();
    ~LiveWorker() override;  ///< ends the run on this thread (knobs restored)

    /// Any thread: makes a step blocked on the source return soon and stops further steps.
    /// Used before the thread is stopped, so that its event loop gets to the quit.
    void requestAbort();
    /// Any thread: the run generation the owner wants next. A startRun() for an older one is
    /// skipped, so that several restarts posted in a row (source, threads, platform changed
    /// together) build one run, not one each.
    void setWantedGeneration(int generation) { m_wantedGeneration.store(generation); }

    /// Ends any current run and starts a new one writing to `data`. On failure (source that
    /// does not open, bad model) reports failed() and stays stopped. This thread only (the
    /// controller posts it as a QueuedCall).
    void startRun(const RunConfig& config, const std::shared_ptr<LiveRunData>& data,
                  int generation = 0);

    // This thread only; the controller posts them as QueuedCalls (typed values, no method names
    // or command text).
    void stopRun();
    /// A target or a load, as the controller built it (RunCommand's fields, not its text).
    void apply(const RunCommand& command);
    void setPolicy(const QString& name);
    /// Writes a knob (a number in its canonical unit, or a word) through the pipeline, under the
    /// run's one KnobGuard (InferencePipeline::setKnob).
    void setKnob(const QString& id, const QString& value);

protected:
    /// Runs the controller's QueuedCalls; everything else goes to QObject.
    bool event(QEvent* event) override;

Q_SIGNALS:
    /// The state in the run's LiveRunData changed (running, targets, knobs, load, platform).
    void stateChanged();
    void failed(const QString& message);
    /// A note that is not an error ("source ended").
    void notice(const QString& message);

private:
    void step();
    /// The pipeline sampler's newest sample to the charts, when there is a new one.
    void publishSamples();
    /// Builds the run (buildRun) and publishes what it opened to the run data.
    void openRun(const RunConfig& config);
    void endRun();
    void publishKnobs();
    void publishTargets();
    /// One decision of the manager to the timeline, as of frame `frame`.
    void pushDecision(const Decision& decision, std::int64_t frame);
    /// LiveSnapshot::placement of the running model, read on this (the model's) thread.
    [[nodiscard]] QString placementText() const;
    void setRunning(bool running);

    RunConfig m_config;
    std::shared_ptr<LiveRunData> m_data;
    BuiltRun m_run;                         ///< platform, manager, pipeline (RunConfig's builder)
    LatestFrameSource* m_latest = nullptr;  ///< owned by the pipeline; guarded by m_abortMutex
    std::mutex m_abortMutex;
    std::atomic<bool> m_abort{false};
    std::atomic<int> m_wantedGeneration{0};
    bool m_stepQueued = false;
    std::pair<int, int> m_placedChoice{-1, -1};  ///< (level, operating point) placementText() saw

    std::uint64_t m_samplesSeen = 0;  ///< the pipeline sampler's count published so far
};

}  // namespace dofa
