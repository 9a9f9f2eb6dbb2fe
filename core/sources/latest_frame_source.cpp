// SPDX-License-Identifier: MIT
#include "sources/latest_frame_source.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>

namespace dofa {

/// Shared by the capture thread and the consumer; outlives both (shared_ptr).
struct LatestFrameSource::Slot
{
    std::unique_ptr<FrameSource> source;  ///< used by the capture thread only
    bool live = false;

    std::mutex mutex;
    std::condition_variable changed;
    std::optional<Frame> frame;  ///< the latest frame not yet taken
    bool ended = false;          ///< the source ended (or failed, see error)
    std::exception_ptr error;
    std::int64_t dropped = 0;
    std::int64_t captured = 0;
    std::atomic<bool> stopping{false};
    std::promise<void> finished;  ///< set when the capture thread returns
};

LatestFrameSource::LatestFrameSource(std::unique_ptr<FrameSource> source,
                                     std::chrono::milliseconds joinTimeout)
    : m_slot(std::make_shared<Slot>()), m_joinTimeout(joinTimeout)
{
    m_description = source->description();
    m_hasLabels = source->hasLabels();
    m_isLive = source->isLive();
    m_slot->live = m_isLive;
    m_slot->source = std::move(source);
    m_thread = std::thread([slot = m_slot] { capture(slot); });
}

LatestFrameSource::~LatestFrameSource()
{
    stop();
    std::future<void> done = m_slot->finished.get_future();
    if (done.wait_for(m_joinTimeout) == std::future_status::ready) {
        m_thread.join();
    } else {
        // A read that does not return (a stuck driver): the thread keeps the slot and the
        // source alive through its shared_ptr and ends when the read does.
        m_thread.detach();
    }
}

void LatestFrameSource::capture(const std::shared_ptr<Slot>& slot)
{
    try {
        while (!slot->stopping.load()) {
            Frame frame;
            const bool ok = slot->source->next(frame);
            std::unique_lock<std::mutex> lock(slot->mutex);
            if (!ok) {
                slot->ended = true;
                break;
            }
            ++slot->captured;
            if (!slot->live) {
                // Replay: wait for the consumer rather than lose a frame.
                slot->changed.wait(lock, [&] { return !slot->frame || slot->stopping.load(); });
                if (slot->stopping.load()) {
                    break;
                }
            } else if (slot->frame) {
                ++slot->dropped;
            }
            slot->frame = std::move(frame);
            lock.unlock();
            slot->changed.notify_all();
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(slot->mutex);
        slot->error = std::current_exception();
    }
    {
        std::lock_guard<std::mutex> lock(slot->mutex);
        slot->ended = true;
        // The source is released on this thread, where it was read.
        slot->source.reset();
    }
    slot->changed.notify_all();
    slot->finished.set_value();
}

bool LatestFrameSource::next(Frame& out)
{
    std::unique_lock<std::mutex> lock(m_slot->mutex);
    m_slot->changed.wait(lock,
                         [&] { return m_slot->frame || m_slot->ended || m_slot->stopping.load(); });
    if (m_slot->stopping.load()) {
        return false;
    }
    if (m_slot->frame) {
        out = std::move(*m_slot->frame);
        m_slot->frame.reset();
        lock.unlock();
        m_slot->changed.notify_all();
        // Keep the wrapped source's numbering and capture time; count it here too.
        const std::int64_t index = out.index;
        const std::int64_t tNs = out.tNs;
        stamp(out);
        out.index = index;
        out.tNs = tNs;
        return true;
    }
    if (m_slot->error) {
        std::exception_ptr error = m_slot->error;
        m_slot->error = nullptr;  // thrown once; the stream has ended afterwards
        std::rethrow_exception(error);
    }
    return false;
}

void LatestFrameSource::stop()
{
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        m_slot->stopping.store(true);
    }
    m_slot->changed.notify_all();
}

std::int64_t LatestFrameSource::framesDropped() const
{
    std::lock_guard<std::mutex> lock(m_slot->mutex);
    return m_slot->dropped;
}

std::int64_t LatestFrameSource::framesCaptured() const
{
    std::lock_guard<std::mutex> lock(m_slot->mutex);
    return m_slot->captured;
}

}  // namespace dofa
