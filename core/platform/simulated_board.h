// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "platform/discovery.h"

namespace dofa {

/// A Jetson Xavier NX-like board in software, for machines without sensors or knobs. Everything
/// it reports is labelled SIMULATED (name, descriptions, MonitorInfo/KnobInfo::simulated,
/// isSimulated()): its numbers are a model, never a measurement.
///
/// Frequencies: the Xavier NX cpufreq table (115200..1907200 kHz in 76800 kHz steps) and gv11b
/// devfreq table (114750..1109250 kHz). Work runs at the top of the allowed range (a performance
/// governor inside [min, max]), so the effective frequency is the max bound.
///
/// Latency: a network timed at the maximum frequency takes f_max / f longer at f. The board
/// cannot slow the real host, so the caller injects the difference: after a real inference of
/// duration t on processor p, injectDelay(t, p) sleeps t * (f_max / f - 1). Purely
/// frequency-bound scaling overstates memory-bound layers; it is a model, stated as one.
///
/// Power model (mW), dynamic power ~ f V^2 with V ~ f, hence ~ f^3, times the load (0..1):
///   CPU  = 4500 * (f_cpu / 1907.2 MHz)^3 * load_cpu    (6 Carmel cores, full load at max)
///   GPU  = 6000 * (f_gpu / 1109.25 MHz)^3 * load_gpu
///   VDD_CPU_GPU_CV = 300 + CPU + GPU;  VDD_SOC = 1400;  VDD_IN = VDD_CPU_GPU_CV + VDD_SOC + 1500
/// i.e. about 3.2 W idle and 13.7 W flat out, the scale of Xavier NX's 15 W mode. Temperature:
/// 35 °C + 2.5 °C per W of VDD_IN (steady state, no thermal inertia).
///
/// Thread-safe: the inference thread reports loads and injects delays while the sampler reads
/// monitors and the runtime turns knobs.
class SimulatedBoard
{
public:
    enum class Processor { Cpu, Gpu };

    SimulatedBoard();

    static const char* name() { return "SIMULATED Jetson Xavier NX-like board"; }
    static bool isSimulated() { return true; }
    /// Frequency tables, kHz ascending.
    static const std::vector<std::int64_t>& cpuTableKhz();
    static const std::vector<std::int64_t>& gpuTableKhz();

    /// Allowed range (min, max) in kHz.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> range(Processor p) const;
    /// Snaps both bounds to the table, orders them, returns the range now in force.
    std::pair<std::int64_t, std::int64_t> setRange(Processor p, std::int64_t minKhz,
                                                   std::int64_t maxKhz);
    /// Effective frequency (the max bound), kHz.
    [[nodiscard]] std::int64_t frequencyKhz(Processor p) const;
    /// Load the caller measures or assumes, ‰ (clamped to 0..1000).
    void setLoad(Processor p, int permille);
    [[nodiscard]] int load(Processor p) const;

    /// f_max / f >= 1: how much longer work takes at the current frequency.
    [[nodiscard]] double delayFactor(Processor p) const;
    /// `measured` scaled by delayFactor().
    [[nodiscard]] std::chrono::nanoseconds stretch(std::chrono::nanoseconds measured,
                                                   Processor p) const;
    /// Sleeps measured * (delayFactor - 1) through the sleeper and returns that delay.
    std::chrono::nanoseconds injectDelay(std::chrono::nanoseconds measured, Processor p);
    /// Replaces std::this_thread::sleep_for (tests).
    void setSleeper(std::function<void(std::chrono::nanoseconds)> sleeper);

    /// Rail powers of the model, mW.
    [[nodiscard]] double cpuGpuCvMw() const;
    [[nodiscard]] double socMw() const;
    [[nodiscard]] double totalMw() const;
    [[nodiscard]] double temperatureMilliC() const;

    /// Adds the board's monitors (power.rail.*, power.total, freq.cpu.policy0, freq.gpu, load.gpu,
    /// temp.tj) and knobs (cpu.policy0.min_khz/max_khz, gpu.min_khz/max_khz) to `out`.
    static void addTo(const std::shared_ptr<SimulatedBoard>& board, Discovery& out);

private:
    double cpuMwLocked() const;
    double gpuMwLocked() const;

    mutable std::mutex m_mutex;
    std::int64_t m_cpuMin, m_cpuMax, m_gpuMin, m_gpuMax;
    int m_cpuLoad = 0;
    int m_gpuLoad = 0;
    std::function<void(std::chrono::nanoseconds)> m_sleeper;
};

}  // namespace dofa
