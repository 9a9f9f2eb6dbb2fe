// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dofa {

class Monitor;
class Platform;

/// One reading of a run's sensors, in canonical units (mW, kHz); nullopt where a monitor is
/// absent or could not be read.
struct PlatformSample
{
    std::int64_t tNs = 0;  ///< when it was taken, on the caller's clock
    std::optional<double> totalMw;
    std::vector<std::optional<double>> railsMw;  ///< in railIds() order
    std::optional<double> cpuKhz;
    std::optional<double> gpuKhz;
};

/// The one reader of a run's power and clock monitors. A counter-based monitor (RAPL) measures
/// from one read to the next, so two readers would each get a window about half as long and
/// irregular; every consumer of a run (the runtime manager's power observations, the telemetry
/// CSV, the dashboard's charts) takes its numbers from this sampler's samples instead.
///
/// Which monitors: the board's total power (the first `isTotal` one, else
/// Platform::totalPower()), every other power monitor as a rail, the first CPU and GPU clock.
/// One owner thread, as for the monitors themselves.
class PlatformSampler
{
public:
    static constexpr std::int64_t kDefaultPeriodNs = 100'000'000;  ///< 10 Hz

    explicit PlatformSampler(const Platform& platform, std::int64_t periodNs = kDefaultPeriodNs);

    /// Reads every monitor once when a period has passed since the last sample (or on the first
    /// call); returns true when it did. `nowNs` is the caller's monotonic clock.
    bool sampleIfDue(std::int64_t nowNs);

    /// The newest sample (all nullopt before the first).
    [[nodiscard]] const PlatformSample& latest() const { return m_latest; }
    /// Samples taken so far: a consumer that polls compares it with what it saw.
    [[nodiscard]] std::uint64_t count() const { return m_count; }

    /// Rails' monitor ids (e.g. "power.rail.VDD_GPU_SOC"), in the samples' order.
    [[nodiscard]] const std::vector<std::string>& railIds() const { return m_railIds; }
    [[nodiscard]] bool hasTotal() const { return m_total != nullptr; }
    [[nodiscard]] bool hasCpuClock() const { return m_cpuClock != nullptr; }
    [[nodiscard]] bool hasGpuClock() const { return m_gpuClock != nullptr; }

private:
    std::int64_t m_periodNs;
    std::shared_ptr<Monitor> m_total, m_cpuClock, m_gpuClock;
    std::vector<std::shared_ptr<Monitor>> m_rails;
    std::vector<std::string> m_railIds;
    PlatformSample m_latest;
    std::uint64_t m_count = 0;
};

}  // namespace dofa
