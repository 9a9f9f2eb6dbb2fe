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
#include "platform/simulated_governor.h"

namespace dofa {

/// A Jetson Xavier NX-like board in software, for machines without sensors or knobs. Everything
/// it reports is labelled SIMULATED (name, descriptions, MonitorInfo/KnobInfo::simulated,
/// isSimulated()): its numbers are a model, never a measurement.
///
/// Frequencies: the Xavier NX cpufreq table (115200..1907200 kHz in 76800 kHz steps) and gv11b
/// devfreq table (114750..1109250 kHz). By default work runs at the top of the allowed range (a
/// performance governor inside [min, max]), so the effective frequency is the max bound. The GPU
/// always does; the CPU follows its SIMULATED governor (setGovernor, knob cpu.policy0.governor):
/// performance (the default: the max bound), powersave (the min bound), or ondemand / schedutil
/// as SimulatedGovernor models them, deciding every 10 ms on the board's clock from how busy the
/// CPU was (the frames that injectDelay timed, and the background load).
///
/// Under ondemand and schedutil a frame's duration is integrated over the clock as the governor
/// changes it: work of duration t at f_max takes as long as it needs to get through t f_max of
/// cycles, period by period. Frames of concurrent callers overlap on one CPU timeline (their union
/// is the busy time the governor sees, as the kernel takes the busiest CPU of a policy).
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
/// 35 °C + 2.5 °C per W of VDD_IN (steady state, no thermal inertia). The power monitors give
/// that power at the current clock and load.
///
/// Energy meter (energyMj): what the power model integrates over the board's clock when the CPU
/// is busy only while a frame runs (the union of the frames injectDelay timed) or the background
/// load keeps it busy, and idle otherwise (a governor's race to idle is credited): the static
/// rails and the GPU term for all the time, the CPU term × load for the busy time, at the clock
/// of that time. This is the figure to compare governors on: the power monitors cannot tell a
/// paced frame from idle.
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
    /// Effective frequency, kHz: the max bound (GPU; CPU under performance), the min bound (CPU
    /// under powersave) or the governor's latest decision within the bounds.
    [[nodiscard]] std::int64_t frequencyKhz(Processor p) const;
    /// The CPU's SIMULATED governor; a new one starts from the current frequency with no history.
    void setGovernor(SimulatedGovernor::Kind kind);
    [[nodiscard]] SimulatedGovernor::Kind governor() const;
    /// Tunables for the next setGovernor (tests).
    void setGovernorTunables(SimulatedGovernor::Tunables tunables);
    /// A competing program the board cannot time (`dofa run --load`: a CPU burner or a model
    /// running back to back) keeps the CPU this busy, ‰ of the time frames leave idle. The
    /// governors see it and the energy meter charges it.
    void setBackgroundLoad(int permille);
    /// Load the caller measures or assumes, ‰ (clamped to 0..1000).
    void setLoad(Processor p, int permille);
    [[nodiscard]] int load(Processor p) const;

    /// f_max / f >= 1: how much longer work takes at the current frequency (for a CPU under
    /// ondemand or schedutil, at the frequency of this moment; injectDelay integrates).
    [[nodiscard]] double delayFactor(Processor p) const;
    /// `measured` scaled by delayFactor().
    [[nodiscard]] std::chrono::nanoseconds stretch(std::chrono::nanoseconds measured,
                                                   Processor p) const;
    /// Work of `measured` on the host (taken as f_max) just ended: sleeps what it would have
    /// taken more on the board through the sleeper and returns that delay. measured *
    /// (delayFactor - 1) at a fixed clock; integrated over the governor's decisions on a CPU under
    /// ondemand or schedutil. CPU work is also recorded as busy time for the governor and the
    /// energy meter.
    std::chrono::nanoseconds injectDelay(std::chrono::nanoseconds measured, Processor p);
    /// Replaces std::this_thread::sleep_for (tests).
    void setSleeper(std::function<void(std::chrono::nanoseconds)> sleeper);
    /// Replaces the board's clock, steady_clock in ns (tests script time with it).
    void setClock(std::function<std::int64_t()> clock);

    /// SIMULATED energy since the board was made or resetEnergy(), mJ (see the class comment).
    [[nodiscard]] double energyMj() const;
    /// Its CPU term alone (what the clock and the governor change), mJ.
    [[nodiscard]] double cpuEnergyMj() const;
    void resetEnergy();

    /// Rail powers of the model, mW.
    [[nodiscard]] double cpuGpuCvMw() const;
    [[nodiscard]] double socMw() const;
    [[nodiscard]] double totalMw() const;
    [[nodiscard]] double temperatureMilliC() const;

    /// Adds the board's monitors (power.rail.*, power.total, freq.cpu.policy0, freq.gpu, load.gpu,
    /// temp.tj) and knobs (cpu.policy0.min_khz/max_khz/governor, gpu.min_khz/max_khz) to `out`.
    static void addTo(const std::shared_ptr<SimulatedBoard>& board, Discovery& out);

private:
    /// A CPU frequency decided at a sampling boundary, in force from `fromNs` on.
    struct FreqStep
    {
        std::int64_t fromNs;
        std::int64_t khz;
    };

    double cpuMwLocked() const;
    double gpuMwLocked() const;
    /// CPU power of the model at `khz` under the current load, mW.
    double cpuMwAtLocked(std::int64_t khz) const;
    std::int64_t cpuKhzLocked() const;
    /// The CPU frequency at board time `t` (the timeline's, clamped to the bounds).
    std::int64_t cpuKhzAtLocked(std::int64_t t) const;
    /// Makes every governor decision due at a sampling boundary <= `t`.
    void advanceLocked(std::int64_t t) const;
    /// Adds [from, to) to the CPU's busy time, charges its energy at `khz`; returns the part that
    /// was not busy already.
    std::int64_t addBusyLocked(std::int64_t from, std::int64_t to, std::int64_t khz) const;
    [[nodiscard]] std::int64_t busyInLocked(std::int64_t from, std::int64_t to) const;
    /// When CPU work of `workNs` at f_max started at `startNs` ends on the board's timeline.
    std::int64_t runCpuLocked(std::int64_t startNs, std::int64_t workNs) const;

    mutable std::mutex m_mutex;
    std::int64_t m_cpuMin, m_cpuMax, m_gpuMin, m_gpuMax;
    int m_cpuLoad = 0;
    int m_gpuLoad = 0;
    int m_backgroundLoad = 0;
    std::function<void(std::chrono::nanoseconds)> m_sleeper;
    std::function<std::int64_t()> m_clock;
    // The CPU timeline: mutable because the governor's decisions come due when time is read
    // (energyMj), not only when work is recorded.
    SimulatedGovernor::Tunables m_tunables;
    mutable SimulatedGovernor m_governor;
    mutable std::int64_t m_cpuKhz;          ///< the dynamic governor's latest decision
    mutable std::vector<FreqStep> m_steps;  ///< recent decisions, ascending
    mutable std::int64_t m_decidedNs = -1;  ///< last boundary decided; -1: timeline not started
    mutable std::vector<std::pair<std::int64_t, std::int64_t>> m_busy;  ///< merged, ascending
    mutable double m_cpuEnergyMj = 0;  ///< the CPU term of the energy meter
    std::int64_t m_energyFromNs = 0;
};

}  // namespace dofa
