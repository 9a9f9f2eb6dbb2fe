// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "search/latency_meter.h"
#include "search/profile.h"
#include "supernet/supernet.h"

namespace dofa {

class Platform;

/// One knob of a sweep and the values it takes.
struct SweepAxis
{
    std::string knob;  ///< "app.threads", "app.affinity", "app.backend", "cpu.policy0.max_khz"
    std::vector<std::string> values;
    bool simulated = false;  ///< a knob of the SIMULATED board: its effect is modelled
};

/// `dofa profile --sweep`: every level of a profile measured at every combination of the named
/// knobs' values, stored as the levels' operating points (ProfileLevel::operatingPoints).
///
/// Knobs by name:
/// - `threads`: intra-op threads 1..cores (at most 8), set on the measuring thread;
/// - `cores`: the measuring thread's affinity: each allowed CPU alone, then all of them;
/// - `backend`: torch and opencv (a level OpenCV cannot run falls back to LibTorch, and the
///   point says so by its latency, not by a failure);
/// - `processor`: the CPU, and each CUDA device when this LibTorch has CUDA (Debian's has not:
///   the axis is then the CPU alone, and a line on stderr says why); the input upload is timed
///   and a GPU is timed to completion. OpenCV DNN is not combined with a GPU;
/// - `clock`: every writable CPU clock cap of the platform (cpufreq's scaling_max_freq, through
///   its knob), at up to 4 values from its table, top included. On the SIMULATED board the cap is
///   its model's: the measured latency is stretched by the model's factor and the power is the
///   model's, and each such point is marked simulated.
/// Power and energy per inference are read where the platform has a total-power monitor.
///
/// Not measured: a combination with more intra-op threads than cores in its affinity. The
/// threads share cores, so fewer threads on the same cores are as fast or faster; and LibTorch's
/// OpenMP threads, which chose to spin at their barriers while the process could use every core,
/// spin through their time slices waiting for a thread that cannot run: two threads on one core
/// took 160-416 ms a frame where one took 0.27-0.86 (the shipped model, 2026-12-05, README
/// "Operating points"), and measuring them took most of the sweep's time.
///
/// Knobs are set through a KnobGuard and restored when run() returns, also when it stops early;
/// SIGINT/SIGTERM restore the file-backed ones (SignalRestorer). Results are written after every
/// combination to the resume file, so an interrupted sweep goes on where it stopped.
class OperatingPointSweep
{
public:
    struct Options
    {
        LatencyOptions backToBack;
        LatencyOptions paced;    ///< paceFps 0: no paced latency
        std::string resumePath;  ///< empty: no resume file
    };
    using Progress = std::function<void(double fraction, const std::string& stage)>;

    /// The axes of `names` ("threads", "cores", "backend", "clock") on this machine. Throws
    /// std::invalid_argument naming a knob that does not exist here, and why.
    static std::vector<SweepAxis> axes(const std::vector<std::string>& names,
                                       const Platform* platform);

    OperatingPointSweep(Supernet net, Profile profile, std::vector<SweepAxis> axes,
                        Platform* platform, Options options);

    /// Measures what the resume file does not hold yet. False when `stop` ended it early (what
    /// was measured is in the resume file). Throws std::runtime_error when a knob cannot be set.
    bool run(const Progress& progress, const std::atomic<bool>* stop);

    /// The profile with every level's operating points (complete after run() returned true).
    [[nodiscard]] const Profile& profile() const { return m_profile; }
    /// Combinations not measured: more threads than cores, or OpenCV DNN on a GPU.
    [[nodiscard]] int skippedCombinations() const;
    /// Combinations taken from the resume file instead of measured.
    [[nodiscard]] int resumedCombinations() const { return m_resumed; }
    /// Knobs that did not come back when the sweep restored them (empty: all did).
    [[nodiscard]] const std::vector<std::string>& restoreProblems() const
    {
        return m_restoreProblems;
    }

private:
    [[nodiscard]] size_t combinations() const;
    [[nodiscard]] std::vector<std::string> combination(size_t index) const;
    /// False for a combination no level can run (OpenCV DNN on a CUDA device) or not worth
    /// measuring (more threads than cores in its affinity: see the class comment).
    [[nodiscard]] bool runnable(const std::vector<std::string>& values) const;
    void loadResumeFile();
    void saveResumeFile() const;

    Supernet m_net;
    Profile m_profile;
    std::vector<SweepAxis> m_axes;
    Platform* m_platform;
    Options m_options;
    /// Per combination, per level; empty while not measured.
    std::vector<std::vector<ProfileOperatingPoint>> m_points;
    int m_resumed = 0;
    std::vector<std::string> m_restoreProblems;
};

}  // namespace dofa
