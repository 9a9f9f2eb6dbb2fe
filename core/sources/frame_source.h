// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sources/frame.h"

namespace dofa {

/// A stream of frames: dataset replay, camera, video file or GStreamer pipeline.
///
/// Threading: a source is used by one thread at a time (the pipeline's capture thread);
/// next() may block for up to a frame period (capture, pacing).
class FrameSource
{
public:
    FrameSource() = default;
    virtual ~FrameSource() = default;
    FrameSource(const FrameSource&) = delete;
    FrameSource& operator=(const FrameSource&) = delete;

    /// Fills `out` with the next frame; false at the end of the stream. Throws
    /// std::runtime_error naming the source when reading fails.
    virtual bool next(Frame& out) = 0;

    /// One line for the UI and the CLI, e.g. "camera 0 (V4L2, 640x480)".
    [[nodiscard]] virtual std::string description() const = 0;

    /// True when frames carry ground-truth labels (live accuracy can be measured).
    [[nodiscard]] virtual bool hasLabels() const = 0;

    /// True for sources that run at their own rate (camera, GStreamer): frames not taken in
    /// time are lost, so consumers should keep only the latest.
    [[nodiscard]] virtual bool isLive() const = 0;

    [[nodiscard]] std::int64_t framesDelivered() const { return m_delivered; }

    /// The steady clock in nanoseconds, the time base of Frame::tNs.
    [[nodiscard]] static std::int64_t nowNs();

protected:
    /// Sets the frame's sequence number and capture time and counts it; implementations call
    /// this for every frame they return.
    void stamp(Frame& frame);

    /// Pacing at `fps` frames per second (0: none), shared by the replaying sources.
    void setPacing(double fps);
    [[nodiscard]] double pacingFps() const { return m_fps; }

    /// Sleeps until the next frame is due. A consumer that falls behind by more than a frame
    /// period restarts the schedule rather than receiving a burst of overdue frames.
    void waitForDueTime();

private:
    std::int64_t m_delivered = 0;
    double m_fps = 0.0;
    std::chrono::steady_clock::duration m_period{};
    std::chrono::steady_clock::time_point m_due{};
    bool m_scheduled = false;
};

}  // namespace dofa
