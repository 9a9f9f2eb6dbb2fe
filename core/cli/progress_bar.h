// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace dofa {

/// A one-line progress bar with ETA on stderr. On a terminal it redraws in place; in a log
/// file (not a TTY) it prints a plain line at most every `logIntervalSeconds`.
class ProgressBar
{
public:
    explicit ProgressBar(std::string label, double logIntervalSeconds = 30.0);
    ~ProgressBar();

    /// fraction in [0, 1]; `detail` is shown after the bar.
    void update(double fraction, const std::string& detail = {});
    /// Ends the line (also done by the destructor).
    void finish(const std::string& detail = {});

    static std::string formatDuration(double seconds);

private:
    std::string m_label;
    double m_logInterval;
    bool m_tty;
    bool m_finished = false;
    double m_lastFraction = 0;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastPrint;
    std::chrono::steady_clock::time_point m_lastDraw;
};

}  // namespace dofa
