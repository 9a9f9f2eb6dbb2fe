// SPDX-License-Identifier: MIT
#include "progress_bar.h"

#include <algorithm>
#include <cmath>

#include <unistd.h>

namespace dofa {

ProgressBar::ProgressBar(std::string label, double logIntervalSeconds)
    : m_label(std::move(label)),
      m_logInterval(logIntervalSeconds),
      m_tty(isatty(fileno(stderr)) != 0),
      m_start(std::chrono::steady_clock::now()),
      m_lastPrint(m_start),
      m_lastDraw(m_start)
{}

ProgressBar::~ProgressBar()
{
    if (!m_finished && m_lastFraction > 0) {
        finish();
    }
}

std::string ProgressBar::formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) {
        return "--:--";
    }
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    }
    return buf;
}

void ProgressBar::update(double fraction, const std::string& detail)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    m_lastFraction = fraction;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : -1;
    if (m_tty) {
        // Redraw at most 10 times a second: a terminal is slower than a training step.
        if (std::chrono::duration<double>(now - m_lastDraw).count() < 0.1 && fraction < 1.0) {
            return;
        }
        m_lastDraw = now;
        constexpr int kWidth = 30;
        const int filled = static_cast<int>(fraction * kWidth);
        std::string bar(static_cast<size_t>(filled), '#');
        bar.resize(kWidth, '.');
        std::fprintf(stderr, "\r%s [%s] %5.1f%% %s ETA %s  %s\x1b[K", m_label.c_str(), bar.c_str(),
                     100.0 * fraction, formatDuration(elapsed).c_str(), formatDuration(eta).c_str(),
                     detail.c_str());
    } else if (std::chrono::duration<double>(now - m_lastPrint).count() >= m_logInterval) {
        m_lastPrint = now;
        std::fprintf(stderr, "%s %5.1f%% elapsed %s ETA %s  %s\n", m_label.c_str(),
                     100.0 * fraction, formatDuration(elapsed).c_str(), formatDuration(eta).c_str(),
                     detail.c_str());
    }
    std::fflush(stderr);
}

void ProgressBar::finish(const std::string& detail)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    if (m_tty) {
        std::fprintf(stderr, "\r%s done in %s  %s\x1b[K\n", m_label.c_str(),
                     formatDuration(elapsed).c_str(), detail.c_str());
    } else {
        std::fprintf(stderr, "%s done in %s  %s\n", m_label.c_str(),
                     formatDuration(elapsed).c_str(), detail.c_str());
    }
    std::fflush(stderr);
}

}  // namespace dofa
