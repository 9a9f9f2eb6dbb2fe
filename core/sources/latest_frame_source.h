// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "sources/frame_source.h"

namespace dofa {

/// The "latest-frame slot" of ARCHITECTURE.md's data flow: runs a wrapped source on its own capture
/// thread, so capture (a camera read, GStreamer, pacing) never runs on the inference thread.
///
/// A live source (camera, GStreamer) keeps producing at its own rate: a frame not taken by the
/// consumer before the next one arrives is replaced and counted in framesDropped(). A replaying
/// source (dataset, file) waits for the consumer instead, so nothing is dropped.
///
/// next() blocks until a new frame, the end of the stream, or stop(); an exception the wrapped
/// source threw on the capture thread is rethrown by next(). stop() may be called from any
/// thread and wakes a blocked next(). The destructor stops the capture thread and waits for it
/// at most `joinTimeout`; a capture blocked longer (a stuck camera read) is left to finish on
/// its own: the thread owns the wrapped source and the slot, so nothing it touches dies first.
class LatestFrameSource : public FrameSource
{
public:
    explicit LatestFrameSource(std::unique_ptr<FrameSource> source,
                               std::chrono::milliseconds joinTimeout = std::chrono::seconds(2));
    ~LatestFrameSource() override;

    bool next(Frame& out) override;
    [[nodiscard]] std::string description() const override { return m_description; }
    [[nodiscard]] bool hasLabels() const override { return m_hasLabels; }
    [[nodiscard]] bool isLive() const override { return m_isLive; }

    /// Ends the stream: the capture thread stops after its current read and next() returns
    /// false. Any thread; idempotent.
    void stop();
    /// Frames the wrapped source delivered that were replaced before next() took them.
    [[nodiscard]] std::int64_t framesDropped() const;
    /// Frames the wrapped source delivered so far.
    [[nodiscard]] std::int64_t framesCaptured() const;

private:
    struct Slot;
    static void capture(const std::shared_ptr<Slot>& slot);

    std::shared_ptr<Slot> m_slot;
    std::thread m_thread;
    std::chrono::milliseconds m_joinTimeout;
    std::string m_description;
    bool m_hasLabels = false;
    bool m_isLive = false;
};

}  // namespace dofa
