// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "platform/knob.h"
#include "platform/result.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// A frequency range in sysfs that the kernel keeps ordered: a cpufreq policy
/// (scaling_min_freq/scaling_max_freq, kHz) or a devfreq device (min_freq/max_freq, Hz). It works
/// in kHz and converts at the file. Kernels reject (4.9) or clamp (5.10+) a min above the max, so
/// setRange() orders its writes so that min <= max holds after each one.
class DvfsDomain
{
public:
    struct Files
    {
        std::string minPath;  ///< system paths
        std::string maxPath;
        std::string curPath;               ///< empty: no current-frequency file
        std::string availablePath;         ///< frequency table; empty or missing: no table
        std::int64_t fileUnitsPerKhz = 1;  ///< 1 for cpufreq (kHz), 1000 for devfreq (Hz)
        std::int64_t hwMinKhz = 0;         ///< hardware limits when there is no table (0: unknown)
        std::int64_t hwMaxKhz = 0;
    };

    DvfsDomain(SysfsRoot root, Files files);

    /// Frequency table in kHz, ascending; empty when the driver has none (intel_pstate).
    [[nodiscard]] const std::vector<std::int64_t>& availableKhz() const { return m_availableKhz; }
    [[nodiscard]] Result<std::int64_t> minKhz() const;
    [[nodiscard]] Result<std::int64_t> maxKhz() const;
    [[nodiscard]] Result<std::int64_t> curKhz() const;
    /// Nearest table entry, or the request clamped to the hardware limits when there is no table.
    [[nodiscard]] std::int64_t snap(std::int64_t khz) const;

    /// Snaps both bounds, writes them in a min <= max preserving order, reads both back and
    /// returns them; fails (naming the file) when a write fails or a bound reads back different.
    Result<std::pair<std::int64_t, std::int64_t>> setRange(std::int64_t wantMin,
                                                           std::int64_t wantMax);
    /// True when the max bound must be written first to go from [curMin, curMax] to
    /// [newMin, newMax] without crossing: raising the max goes first, lowering it goes last.
    static bool writeMaxFirst(std::int64_t curMax, std::int64_t newMax) { return newMax >= curMax; }

    /// Empty when both bound files can be written.
    [[nodiscard]] std::string writeProblem() const;
    /// max, min, max with their current file values: replayed in any state this lands the range.
    [[nodiscard]] Result<std::vector<RestoreStep>> restoreSteps() const;
    [[nodiscard]] const Files& files() const { return m_files; }
    [[nodiscard]] const SysfsRoot& root() const { return m_root; }

private:
    Result<std::int64_t> readKhz(const std::string& sysPath) const;
    Result<bool> writeKhz(const std::string& sysPath, std::int64_t khz) const;

    SysfsRoot m_root;
    Files m_files;
    std::vector<std::int64_t> m_availableKhz;
};

}  // namespace dofa
