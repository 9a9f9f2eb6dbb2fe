// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "runtime/clock.h"
#include "runtime/level_table.h"
#include "runtime/runtime_manager.h"

namespace dofa::test {

/// Targets with only a latency target.
inline Targets latency(double ms)
{
    Targets t;
    t.latencyMs = ms;
    return t;
}

inline RuntimeLevel makeLevel(double top1, double meanMs, std::optional<double> powerMw = {})
{
    RuntimeLevel l;
    l.top1 = top1;
    l.latencyMeanMs = meanMs;
    l.latencyP90Ms = meanMs * 1.05;
    l.powerMw = powerMw;
    return l;
}

inline LevelTable tableOf(const std::vector<std::pair<double, double>>& top1AndMs)
{
    std::vector<RuntimeLevel> levels;
    for (const auto& [top1, ms] : top1AndMs) {
        levels.push_back(makeLevel(top1, ms));
        levels.back().id = static_cast<int>(levels.size()) - 1;
    }
    return LevelTable(std::move(levels));
}

/// Dynamic-OFA's nets_6 GPU table (reference §5.1): top-1 %, mean latency ms.
inline LevelTable nets6()
{
    return tableOf({{74.202, 41.16},
                    {74.968, 45.42},
                    {76.134, 49.44},
                    {77.540, 51.08},
                    {78.346, 56.75},
                    {79.030, 61.73}});
}

/// nets_7 (reference §5.1).
inline LevelTable nets7()
{
    return tableOf({{73.178, 37.53},
                    {74.540, 41.49},
                    {75.226, 45.36},
                    {76.388, 47.32},
                    {77.034, 48.14},
                    {77.748, 51.32},
                    {78.050, 59.10}});
}

/// Evenly spaced levels, wide enough for a ×1.6 slowdown to stay within reach.
inline LevelTable ladder()
{
    return tableOf(
        {{70.0, 22}, {72.0, 26}, {74.0, 30}, {75.5, 34}, {76.5, 38}, {77.5, 42}, {78.5, 46}});
}

/// ladder() with three mappings per level, as `dofa profile --sweep threads,cores` measures them:
/// one thread on core 0, one thread on core 1 (same latencies), and two threads on both cores,
/// slower for the small levels (waking a second thread costs more than it saves) and faster for
/// the large ones. Each mapping is a library with its own front. With a power, two threads draw
/// it and one thread 60 % of it.
inline LevelTable mappedLadder(std::optional<double> twoThreadPowerMw = {})
{
    std::vector<RuntimeLevel> levels = ladder().levels();
    for (RuntimeLevel& l : levels) {
        const double ms = l.latencyMeanMs;
        auto point = [&](const char* mapping, std::vector<int> cores, double latencyMs) {
            OperatingPoint p;
            p.name = mapping;
            p.mapping = mapping;
            p.cores = std::move(cores);
            p.latencyMs = latencyMs;
            if (twoThreadPowerMw)  // one thread: 60 % of the two-thread power
                p.powerMw = *twoThreadPowerMw * (p.cores.size() == 2 ? 1.0 : 0.6);
            return p;
        };
        l.operatingPoints = {point("1 thread, cores 0", {0}, ms),
                             point("1 thread, cores 1", {1}, ms),
                             point("2 threads, cores 0-1", {0, 1}, ms * (ms < 32 ? 1.3 : 0.75))};
    }
    return LevelTable(std::move(levels));
}

/// A scripted steady clock.
struct FakeClock
{
    std::int64_t nowNs = 1'000'000'000;
    Clock clock()
    {
        return [this] { return nowNs; };
    }
    void advanceMs(double ms) { nowNs += static_cast<std::int64_t>(ms * 1e6); }
};

/// Deterministic uniform noise in [-1, 1): mt19937_64 is specified bit for bit by the standard,
/// and the conversion is ours, so the sequence is the same with every standard library.
class Noise
{
public:
    explicit Noise(std::uint64_t seed) : m_engine(seed) {}
    double next() { return static_cast<double>(m_engine() >> 11) / double(1ull << 52) - 1.0; }

private:
    std::mt19937_64 m_engine;
};

/// Runs model `model` for one frame at the manager's current level on a device that takes
/// profiled × factor × (1 ± noise); advances the clock by the latency. Returns the latency.
inline double runFrame(RuntimeManager& rm, FakeClock& clock, double factor, Noise& noise,
                       double noiseAmplitude, int model = 0, bool* changed = nullptr)
{
    const int level = rm.level(model);
    const double ms =
        rm.table(model).latencyMs(level) * factor * (1 + noiseAmplitude * noise.next());
    clock.advanceMs(ms);
    const bool c = rm.observe(FrameObservation{clock.nowNs, ms, level, model});
    if (changed)
        *changed = c;
    return ms;
}

inline bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace dofa::test
