// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/discovery.h"
#include "platform/knob.h"
#include "platform/monitor.h"

namespace dofa {

class SimulatedBoard;

/// The device layer as the runtime sees it: the monitors and knobs discovered under a root
/// ("/" on a board, a fixture tree in tests), plus the app-level knobs that exist everywhere.
/// Discovery runs once; monitors then read cheaply. Knob writes belong under a KnobGuard.
class Platform
{
public:
    struct Options
    {
        std::string root = "/";
        /// Treat the tree as read-only: every hardware knob reports itself read-only.
        bool readOnly = false;
        /// NVML library to dlopen; empty skips NVML (tests, or when sysfs is the better source).
        std::string nvmlLibrary = "libnvidia-ml.so.1";
        /// app.threads: the inference library's intra-op thread count (at::get_num_threads /
        /// at::set_num_threads); the knob exists when both are given.
        std::function<int()> threadCountGetter;
        std::function<void(int)> threadCountSetter;
        /// app.affinity.<tid> for the thread that calls discover()/simulated(); 0: none.
        bool affinityOfCallingThread = true;
    };

    /// Probes cpufreq, thermal, RAPL, INA3221, the devfreq GPU and NVML under options.root.
    static Platform discover(const Options& options);
    static Platform discover() { return discover(Options()); }
    /// A platform backed by a SimulatedBoard (a new one when `board` is null): always
    /// isSimulated(), and its description starts with "SIMULATED". options.root is ignored.
    static Platform simulated(std::shared_ptr<SimulatedBoard> board, const Options& options);
    static Platform simulated() { return simulated(nullptr, Options()); }

    [[nodiscard]] const std::vector<std::shared_ptr<Monitor>>& monitors() const
    {
        return m_parts.monitors;
    }
    [[nodiscard]] const std::vector<std::shared_ptr<Knob>>& knobs() const { return m_parts.knobs; }
    /// By id; null when absent.
    [[nodiscard]] std::shared_ptr<Monitor> monitor(const std::string& id) const;
    [[nodiscard]] std::shared_ptr<Knob> knob(const std::string& id) const;
    /// The power.total monitor, when the board has one.
    [[nodiscard]] std::shared_ptr<Monitor> totalPower() const;

    [[nodiscard]] bool isSimulated() const { return m_board != nullptr; }
    [[nodiscard]] std::shared_ptr<SimulatedBoard> simulatedBoard() const { return m_board; }
    /// True when a sensor or a hardware knob was found (app-level knobs do not count).
    [[nodiscard]] bool hasHardware() const;
    /// What was found (one line per device), what could not be used and why; says so plainly when
    /// nothing was found.
    [[nodiscard]] std::string description() const;
    [[nodiscard]] const std::vector<std::string>& problems() const { return m_parts.problems; }
    [[nodiscard]] const std::string& root() const { return m_root; }

private:
    void addAppKnobs(const Options& options);

    std::string m_root;
    Discovery m_parts;
    std::shared_ptr<SimulatedBoard> m_board;
};

}  // namespace dofa
