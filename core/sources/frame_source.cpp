// SPDX-License-Identifier: MIT
#include "sources/frame_source.h"

#include <stdexcept>
#include <thread>

namespace dofa {

std::int64_t FrameSource::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void FrameSource::stamp(Frame& frame)
{
    frame.index = m_delivered++;
    frame.tNs = nowNs();
}

void FrameSource::setPacing(double fps)
{
    if (!(fps >= 0.0)) {  // also rejects NaN
        throw std::invalid_argument("frame pacing: fps must be >= 0 (0: no pacing), got " +
                                    std::to_string(fps));
    }
    m_fps = fps;
    m_period = fps > 0.0 ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(1.0 / fps))
                         : std::chrono::steady_clock::duration{};
    m_scheduled = false;
}

void FrameSource::waitForDueTime()
{
    if (m_fps <= 0.0) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!m_scheduled || now > m_due + m_period) {
        // First frame, or the consumer stalled: deliver now and pace from here.
        m_scheduled = true;
        m_due = now + m_period;
        return;
    }
    std::this_thread::sleep_until(m_due);
    m_due += m_period;
}

}  // namespace dofa
