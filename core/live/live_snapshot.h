// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace dofa {

/// One time series over the dashboard's window (the last N seconds): x is seconds since the
/// run started, y in `unit`. QPointF so that a chart series can `replace()` it directly.
struct LiveSeries
{
    QString name;  ///< "latency", "target", "power VDD_IN", "CPU clock", ...
    QString unit;  ///< "ms", "%", "W", "MHz", "" (level index)
    QList<QPointF> points;
};

/// A decision of the runtime manager, as the decision log shows it.
struct LiveDecision
{
    double tSeconds = 0;
    std::int64_t frame = 0;
    int fromLevel = 0;
    int toLevel = 0;
    QString reason;
};

/// A knob of the platform as the knob panel shows it (read on the worker thread).
struct LiveKnob
{
    QString id, description, unit;
    qint64 value = 0;
    QList<qint64> allowed;  ///< empty: any value
    /// A text knob (a governor): its word now and the words it accepts; `unit` is empty and
    /// `value` unused.
    bool isText = false;
    QString text;
    QStringList choices;
    bool writable = false;
    bool simulated = false;
};

/// What the views draw on one GUI tick (15-30 Hz), pulled by DashboardController from the
/// worker's bounded buffers. Plain data: no torch, no widgets; the frame is shared read-only.
struct LiveSnapshot
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    // Video and classification of the newest frame.
    cv::Mat frame;  ///< as the source delivered it (8-bit gray or BGR), never written to
    std::int64_t frameIndex = -1;
    int label = -1;                             ///< ground truth, -1: the source has none
    std::array<int, 3> topClass{{-1, -1, -1}};  ///< class indices, best first
    std::array<float, 3> topScore{{0, 0, 0}};   ///< softmax probabilities
    double runningTop1 = kNone;                 ///< % over the labelled frames of this run
    std::int64_t labelledFrames = 0;
    double fps = 0;                  ///< inferred frames per second, last ~2 s
    std::int64_t framesDone = 0;     ///< inferred since the run started
    std::int64_t framesDropped = 0;  ///< delivered by a live source, never inferred

    // State of the runtime manager and the device.
    int currentLevel = -1;           ///< -1: nothing running
    double latencyMs = kNone;        ///< newest frame
    double latencyP50Ms = kNone;     ///< median over the last ~30 frames
    double powerW = kNone;           ///< board total, where a sensor (or the SIMULATED board) is
    double targetLatencyMs = kNone;  ///< in force, kNone: no target
    QString loadDescription;         ///< competing workload running, empty: none
    /// Where the model runs now: processor, intra-op threads, the cores its thread may use, the
    /// level's backend, and the operating point the manager chose ("CPU · 2 threads · cores
    /// 0-1 · torch · point 2 threads, cores 0-1"); empty: nothing running.
    QString placement;
    /// The level library of the manager's choice (LevelLibrary::name: "as configured", or the
    /// mapping its operating point sets, "2 threads, cores 0-1"), as LiveProfile::libraries
    /// names it; the Pareto charts highlight it. Empty: nothing running.
    QString library;

    // Time series over the window (bounded; empty where nothing is measured).
    LiveSeries latency;                   ///< ms per frame
    LiveSeries latencyTarget;             ///< ms, only while a target is set
    LiveSeries accuracy;                  ///< running top-1 %, labelled sources only
    LiveSeries powerTotal;                ///< W
    std::vector<LiveSeries> powerRails;   ///< W, one per rail the platform has
    LiveSeries cpuClock;                  ///< MHz
    LiveSeries gpuClock;                  ///< MHz
    LiveSeries level;                     ///< level index
    std::vector<LiveDecision> decisions;  ///< newest last, at most ~50

    bool running = false;
    double elapsedSeconds = 0;
};

}  // namespace dofa
