// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "live/live_snapshot.h"
#include "run/frame_record.h"
#include "run/telemetry_ring.h"

namespace dofa {

/// One inferred frame as the time series need it (the slim copy of a FrameRecord).
struct LiveFramePoint
{
    double t = 0;  ///< seconds since the run started
    double latencyMs = 0;
    int level = 0;
    double targetMs = std::numeric_limits<double>::quiet_NaN();     ///< NaN: no target
    double runningTop1 = std::numeric_limits<double>::quiet_NaN();  ///< NaN: no labels yet
};

/// One reading of the platform sampler (~10 Hz), already in display units.
struct LivePlatformSample
{
    double t = 0;  ///< seconds since the run started
    double totalW = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> railsW;  ///< as LiveRunData::railNames; NaN where a read failed
    double cpuMHz = std::numeric_limits<double>::quiet_NaN();
    double gpuMHz = std::numeric_limits<double>::quiet_NaN();
};

/// The newest frame and the worker's state (LiveRunData::state, under its mutex).
struct LiveRunState
{
    cv::Mat image;
    std::int64_t frameIndex = -1;
    int label = -1;
    std::array<int, 3> topClass{{-1, -1, -1}};
    std::array<float, 3> topScore{{0.f, 0.f, 0.f}};
    int level = -1;
    double latencyMs = std::numeric_limits<double>::quiet_NaN();
    bool running = false;
    double elapsedSeconds = 0;
    QString managerTargets;
    QString load;
    QString placement;  ///< where the model runs now (LiveSnapshot::placement)
    QString library;    ///< LiveSnapshot::library
    QString sourceText;
    QString platformText;
    bool simulated = false;
    bool hasLabels = false;
    QStringList railNames;  ///< per rail of LivePlatformSample::railsW
    bool hasCpuClock = false, hasGpuClock = false;
    std::vector<LiveKnob> knobs;
};

/// Everything one run shares between its LiveWorker (the only writer) and the GUI thread's
/// DashboardController (reader). A new object per run, so a restart never races with a reader
/// of the old one. Bounded: the rings never grow beyond their capacity.
struct LiveRunData
{
    explicit LiveRunData(std::size_t recordingCapacity = 20000, std::size_t pointCapacity = 16384)
        : points(pointCapacity), recording(recordingCapacity)
    {}

    TelemetryRing<LiveFramePoint> points;
    TelemetryRing<FrameRecord> recording;  ///< full rows for the telemetry CSV export
    TelemetryRing<LivePlatformSample> samples{1024};
    TelemetryRing<LiveDecision> decisions{50};

    std::atomic<std::int64_t> framesDone{0};
    std::atomic<std::int64_t> framesDropped{0};
    std::atomic<std::int64_t> labelled{0};
    std::atomic<std::int64_t> correct{0};

    mutable std::mutex mutex;
    LiveRunState state;  ///< guarded by `mutex`

    [[nodiscard]] LiveRunState copyState() const
    {
        std::lock_guard<std::mutex> lock(mutex);
        return state;
    }
};

}  // namespace dofa
