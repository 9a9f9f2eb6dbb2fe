// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dofa {

/// Linux CPU frequency governors as a SIMULATED model, for the SimulatedBoard: the board has no
/// kernel, so `dofa run --governor` on it needs a stand-in whose rules are written down here. It
/// decides once per sampling period from how busy the CPU was during it; every number it leads to
/// is a model, never a measurement.
///
/// The rules, after the kernel's drivers/cpufreq (f_lo / f_hi: the hardware table's lowest and
/// highest frequency; [min, max]: the policy's bounds; busy: the fraction of the period the CPU
/// ran, 0..1):
///   performance  f = max.
///   powersave    f = min.
///   ondemand     busy > up_threshold (0.80): f = max; else f = f_lo + busy (f_hi - f_lo), the
///                table frequency closest to it (od_update, CPUFREQ_RELATION_C). busy is not
///                frequency-invariant: a slow clock looks busier, which is what makes it jump.
///   schedutil    util = a PELT-like average of the frequency-invariant busy (busy f / f_hi),
///                util <- util d + busy (f / f_hi) (1 - d), d = 0.5^(period / 32 ms);
///                f = 1.25 f_hi util, the lowest table frequency at or above it
///                (get_next_freq, CPUFREQ_RELATION_L).
/// Every result is clamped to [min, max]. Not modelled: schedutil's util_est, iowait boost and
/// per-event updates (here one decision per period, its rate limit), ondemand's
/// sampling_down_factor and powersave_bias, per-core utilisation (the board reports one busy
/// fraction for the whole policy, like the kernel's maximum over its CPUs).
///
/// Pure and deterministic (tests script the busy fractions); not thread-safe, the board locks.
class SimulatedGovernor
{
public:
    enum class Kind { Performance, Powersave, Ondemand, Schedutil };

    struct Tunables
    {
        /// ondemand's sampling_rate and schedutil's rate limit, one value for both: 10 ms.
        std::int64_t periodNs = 10'000'000;
        double upThreshold = 0.80;     ///< ondemand's up_threshold (the kernel's default, 80 %)
        double headroom = 1.25;        ///< schedutil's map_util_freq margin
        double utilHalfLifeNs = 32e6;  ///< PELT's half-life (y^32 = 0.5, 1 ms periods)
    };

    explicit SimulatedGovernor(Kind kind = Kind::Performance) : SimulatedGovernor(kind, {}) {}
    SimulatedGovernor(Kind kind, Tunables tunables);

    /// "performance", "powersave", "ondemand", "schedutil" (the kernel's names).
    static const char* name(Kind kind);
    static std::optional<Kind> fromName(const std::string& name);
    /// The four names, in the order of Kind.
    static const std::vector<std::string>& names();

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] const char* name() const { return name(m_kind); }
    [[nodiscard]] const Tunables& tunables() const { return m_tunables; }
    /// Whether the frequency depends on utilisation (ondemand, schedutil).
    [[nodiscard]] bool isDynamic() const
    {
        return m_kind == Kind::Ondemand || m_kind == Kind::Schedutil;
    }

    /// The decision at the end of a sampling period in which the CPU was busy `busy` (0..1,
    /// clamped) of the time at `curKhz`: the next frequency, a value of `table` (kHz ascending,
    /// table.back() the hardware maximum) within [minKhz, maxKhz].
    std::int64_t decide(double busy, std::int64_t curKhz, std::int64_t minKhz, std::int64_t maxKhz,
                        const std::vector<std::int64_t>& table);
    /// schedutil's tracked utilisation (0..1, frequency-invariant); 0 for the others.
    [[nodiscard]] double utilisation() const { return m_util; }

private:
    Kind m_kind;
    Tunables m_tunables;
    double m_decay;  ///< d of the PELT-like average, per period
    double m_util = 0;
};

}  // namespace dofa
