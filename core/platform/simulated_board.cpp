// SPDX-License-Identifier: MIT
#include "platform/simulated_board.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "platform/function_monitor.h"
#include "platform/simulated_freq_knob.h"
#include "platform/simulated_governor_knob.h"

namespace dofa {

namespace {

constexpr double kCpuFullMw = 4500;
constexpr double kGpuFullMw = 6000;
constexpr double kCpuGpuCvStaticMw = 300;
constexpr double kSocMw = 1400;
constexpr double kModuleRestMw = 1500;
// How far back the CPU timeline keeps busy time and decisions: a concurrent caller's frame that
// started earlier than the newest decision is integrated over them.
constexpr std::int64_t kHistoryNs = 1'000'000'000;
// More idle periods than this in one go (a clock jump) are skipped, not decided one by one.
constexpr std::int64_t kMaxPeriodsAtOnce = 100'000;

std::int64_t steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::vector<std::int64_t> makeCpuTable()
{
    std::vector<std::int64_t> t;
    for (std::int64_t f = 115200; f <= 1881600; f += 76800)
        t.push_back(f);
    t.push_back(1907200);
    return t;
}

double cube(double x)
{
    return x * x * x;
}

}  // namespace

const std::vector<std::int64_t>& SimulatedBoard::cpuTableKhz()
{
    static const std::vector<std::int64_t> table = makeCpuTable();
    return table;
}

const std::vector<std::int64_t>& SimulatedBoard::gpuTableKhz()
{
    static const std::vector<std::int64_t> table = {114750, 204000, 306000,  408000,  510000,
                                                    599250, 701250, 752250,  803250,  854250,
                                                    905250, 956250, 1007250, 1058250, 1109250};
    return table;
}

SimulatedBoard::SimulatedBoard()
    : m_cpuMin(cpuTableKhz().front()),
      m_cpuMax(cpuTableKhz().back()),
      m_gpuMin(gpuTableKhz().front()),
      m_gpuMax(gpuTableKhz().back()),
      m_sleeper([](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }),
      m_clock(steadyNowNs),
      m_cpuKhz(cpuTableKhz().back()),
      m_energyFromNs(steadyNowNs())
{
    advanceLocked(m_energyFromNs);  // the timeline starts now: idle until work comes
}

std::pair<std::int64_t, std::int64_t> SimulatedBoard::range(Processor p) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return p == Processor::Cpu ? std::make_pair(m_cpuMin, m_cpuMax)
                               : std::make_pair(m_gpuMin, m_gpuMax);
}

std::pair<std::int64_t, std::int64_t> SimulatedBoard::setRange(Processor p, std::int64_t minKhz,
                                                               std::int64_t maxKhz)
{
    const auto& table = p == Processor::Cpu ? cpuTableKhz() : gpuTableKhz();
    const std::int64_t lo = snapToAllowed(table, std::min(minKhz, maxKhz));
    const std::int64_t hi = snapToAllowed(table, std::max(minKhz, maxKhz));
    std::lock_guard<std::mutex> lock(m_mutex);
    (p == Processor::Cpu ? m_cpuMin : m_gpuMin) = lo;
    (p == Processor::Cpu ? m_cpuMax : m_gpuMax) = hi;
    return {lo, hi};
}

std::int64_t SimulatedBoard::frequencyKhz(Processor p) const
{
    if (p == Processor::Gpu) {
        return range(p).second;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    return cpuKhzLocked();
}

std::int64_t SimulatedBoard::cpuKhzLocked() const
{
    switch (m_governor.kind()) {
        case SimulatedGovernor::Kind::Performance:
            return m_cpuMax;
        case SimulatedGovernor::Kind::Powersave:
            return m_cpuMin;
        default:
            return std::clamp(m_cpuKhz, m_cpuMin, m_cpuMax);
    }
}

std::int64_t SimulatedBoard::cpuKhzAtLocked(std::int64_t t) const
{
    if (!m_governor.isDynamic() || m_steps.empty()) {
        return cpuKhzLocked();
    }
    // The last decision in force at t; before the oldest one kept, the oldest.
    auto it = std::upper_bound(m_steps.begin(), m_steps.end(), t,
                               [](std::int64_t v, const FreqStep& s) { return v < s.fromNs; });
    const std::int64_t khz = it == m_steps.begin() ? it->khz : (it - 1)->khz;
    return std::clamp(khz, m_cpuMin, m_cpuMax);
}

void SimulatedBoard::setGovernor(SimulatedGovernor::Kind kind)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    advanceLocked(m_clock());
    // The new governor starts where the clock is now, with no history of its own.
    const std::int64_t now = cpuKhzLocked();
    m_governor = SimulatedGovernor(kind, m_tunables);
    m_cpuKhz = now;
    m_steps.assign(1, FreqStep{std::numeric_limits<std::int64_t>::min(), now});
}

SimulatedGovernor::Kind SimulatedBoard::governor() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_governor.kind();
}

void SimulatedBoard::setGovernorTunables(SimulatedGovernor::Tunables tunables)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_tunables = tunables;
}

void SimulatedBoard::setBackgroundLoad(int permille)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    advanceLocked(m_clock());  // the periods so far ran with the old background
    m_backgroundLoad = std::clamp(permille, 0, 1000);
}

void SimulatedBoard::setClock(std::function<std::int64_t()> clock)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_clock = std::move(clock);
    m_energyFromNs = m_clock();
    m_decidedNs = -1;
    m_busy.clear();
    advanceLocked(m_energyFromNs);
}

std::int64_t SimulatedBoard::busyInLocked(std::int64_t from, std::int64_t to) const
{
    std::int64_t sum = 0;
    for (const auto& [a, b] : m_busy) {
        sum += std::max<std::int64_t>(0, std::min(b, to) - std::max(a, from));
    }
    return sum;
}

std::int64_t SimulatedBoard::addBusyLocked(std::int64_t from, std::int64_t to,
                                           std::int64_t khz) const
{
    if (to <= from) {
        return 0;
    }
    const std::int64_t fresh = (to - from) - busyInLocked(from, to);
    // Merge [from, to) into the ascending, disjoint list.
    std::vector<std::pair<std::int64_t, std::int64_t>> merged;
    merged.reserve(m_busy.size() + 1);
    bool placed = false;
    for (const auto& iv : m_busy) {
        if (iv.second < from) {
            merged.push_back(iv);
        } else if (iv.first > to) {
            if (!placed) {
                merged.emplace_back(from, to);
                placed = true;
            }
            merged.push_back(iv);
        } else {
            from = std::min(from, iv.first);
            to = std::max(to, iv.second);
        }
    }
    if (!placed) {
        merged.emplace_back(from, to);
    }
    m_busy.swap(merged);
    m_cpuEnergyMj += cpuMwAtLocked(khz) * static_cast<double>(fresh) * 1e-9;
    return fresh;
}

void SimulatedBoard::advanceLocked(std::int64_t t) const
{
    const std::int64_t period = m_governor.tunables().periodNs;
    if (m_decidedNs < 0) {
        // The timeline starts at the sampling boundary before the first thing it sees.
        m_decidedNs = t - ((t % period) + period) % period;
        return;
    }
    if ((t - m_decidedNs) / period > kMaxPeriodsAtOnce) {
        m_decidedNs = t - ((t % period) + period) % period - kMaxPeriodsAtOnce * period;
    }
    const double bg = m_backgroundLoad / 1000.0;
    const auto& table = cpuTableKhz();
    while (m_decidedNs + period <= t) {
        const std::int64_t end = m_decidedNs + period;
        const double frames =
            static_cast<double>(busyInLocked(m_decidedNs, end)) / static_cast<double>(period);
        const std::int64_t khz = cpuKhzAtLocked(m_decidedNs);
        // The background fills that share of the time the frames left idle.
        m_cpuEnergyMj +=
            cpuMwAtLocked(khz) * bg * (1.0 - frames) * static_cast<double>(period) * 1e-9;
        if (m_governor.isDynamic()) {
            const std::int64_t next =
                m_governor.decide(frames + bg * (1.0 - frames), khz, m_cpuMin, m_cpuMax, table);
            if (next != m_cpuKhz) {
                m_steps.push_back(FreqStep{end, next});
            }
            m_cpuKhz = next;
        }
        m_decidedNs = end;
    }
    // Forget what no frame can reach any more (keeping the decision in force at the horizon).
    const std::int64_t horizon = m_decidedNs - kHistoryNs;
    m_busy.erase(m_busy.begin(), std::find_if(m_busy.begin(), m_busy.end(), [&](const auto& iv) {
                     return iv.second >= horizon;
                 }));
    while (m_steps.size() > 1 && m_steps[1].fromNs <= horizon) {
        m_steps.erase(m_steps.begin());
    }
}

std::int64_t SimulatedBoard::runCpuLocked(std::int64_t startNs, std::int64_t workNs) const
{
    const double fMax = static_cast<double>(cpuTableKhz().back());
    advanceLocked(startNs);
    if (!m_governor.isDynamic()) {
        const std::int64_t khz = cpuKhzLocked();
        const auto end =
            startNs + static_cast<std::int64_t>(static_cast<double>(workNs) * fMax / khz);
        addBusyLocked(startNs, end, khz);
        return end;
    }
    const std::int64_t period = m_governor.tunables().periodNs;
    std::int64_t t = startNs;
    double remaining = static_cast<double>(workNs);  // ns of work at f_max
    for (;;) {
        const std::int64_t khz = cpuKhzAtLocked(t);
        // The clock holds until the next decision: one already made (a frame that started
        // before the newest decision runs through them), else the next sampling boundary.
        std::int64_t next = m_decidedNs + period;
        for (const FreqStep& s : m_steps) {
            if (s.fromNs > t) {
                next = std::min(next, s.fromNs);
                break;
            }
        }
        const double rate = static_cast<double>(khz) / fMax;
        const double need = remaining / rate;
        if (static_cast<double>(next - t) >= need) {
            const std::int64_t end = t + static_cast<std::int64_t>(std::ceil(need));
            addBusyLocked(t, end, khz);
            return end;
        }
        remaining -= static_cast<double>(next - t) * rate;
        addBusyLocked(t, next, khz);
        t = next;
        advanceLocked(t);  // the boundary's decision sees this frame's busy time so far
    }
}

void SimulatedBoard::setLoad(Processor p, int permille)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    (p == Processor::Cpu ? m_cpuLoad : m_gpuLoad) = std::clamp(permille, 0, 1000);
}

int SimulatedBoard::load(Processor p) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return p == Processor::Cpu ? m_cpuLoad : m_gpuLoad;
}

double SimulatedBoard::delayFactor(Processor p) const
{
    const auto& table = p == Processor::Cpu ? cpuTableKhz() : gpuTableKhz();
    return static_cast<double>(table.back()) / static_cast<double>(frequencyKhz(p));
}

std::chrono::nanoseconds SimulatedBoard::stretch(std::chrono::nanoseconds measured,
                                                 Processor p) const
{
    return std::chrono::nanoseconds(
        static_cast<std::int64_t>(static_cast<double>(measured.count()) * delayFactor(p)));
}

std::chrono::nanoseconds SimulatedBoard::injectDelay(std::chrono::nanoseconds measured, Processor p)
{
    std::chrono::nanoseconds extra = stretch(measured, p) - measured;
    std::function<void(std::chrono::nanoseconds)> sleeper;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        sleeper = m_sleeper;
        if (p == Processor::Cpu && measured.count() > 0) {
            const std::int64_t now = m_clock();
            const std::int64_t end = runCpuLocked(now - measured.count(), measured.count());
            if (m_governor.isDynamic()) {
                extra = std::chrono::nanoseconds(std::max<std::int64_t>(0, end - now));
            }
        }
    }
    if (extra.count() > 0 && sleeper)
        sleeper(extra);
    return extra;
}

void SimulatedBoard::setSleeper(std::function<void(std::chrono::nanoseconds)> sleeper)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_sleeper = std::move(sleeper);
}

double SimulatedBoard::cpuMwAtLocked(std::int64_t khz) const
{
    return kCpuFullMw * cube(static_cast<double>(khz) / cpuTableKhz().back()) * m_cpuLoad / 1000.0;
}

double SimulatedBoard::cpuMwLocked() const
{
    return cpuMwAtLocked(cpuKhzLocked());
}

double SimulatedBoard::gpuMwLocked() const
{
    return kGpuFullMw * cube(static_cast<double>(m_gpuMax) / gpuTableKhz().back()) * m_gpuLoad /
           1000.0;
}

double SimulatedBoard::cpuGpuCvMw() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return kCpuGpuCvStaticMw + cpuMwLocked() + gpuMwLocked();
}

double SimulatedBoard::socMw() const
{
    return kSocMw;
}

double SimulatedBoard::totalMw() const
{
    return cpuGpuCvMw() + socMw() + kModuleRestMw;
}

double SimulatedBoard::energyMj() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::int64_t now = m_clock();
    advanceLocked(now);
    const double restMw = kCpuGpuCvStaticMw + kSocMw + kModuleRestMw + gpuMwLocked();
    return restMw * static_cast<double>(now - m_energyFromNs) * 1e-9 + m_cpuEnergyMj;
}

double SimulatedBoard::cpuEnergyMj() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    advanceLocked(m_clock());
    return m_cpuEnergyMj;
}

void SimulatedBoard::resetEnergy()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::int64_t now = m_clock();
    advanceLocked(now);
    m_cpuEnergyMj = 0;
    m_energyFromNs = now;
}

double SimulatedBoard::temperatureMilliC() const
{
    return 35000.0 + 2.5 * totalMw();
}

void SimulatedBoard::addTo(const std::shared_ptr<SimulatedBoard>& board, Discovery& out)
{
    auto add = [&](const std::string& id, Unit unit, const std::string& what, bool total,
                   std::function<double()> value) {
        MonitorInfo info;
        info.id = id;
        info.unit = unit;
        info.source = "simulated";
        info.description = "SIMULATED " + what;
        info.isTotal = total;
        info.simulated = true;
        out.monitors.push_back(std::make_shared<FunctionMonitor>(
            info, [value]() { return Result<double>::ok(value()); }));
    };
    using P = Processor;
    add("power.rail.VDD_IN", Unit::MilliWatt, "VDD_IN power (model)", false,
        [board] { return board->totalMw(); });
    add("power.rail.VDD_CPU_GPU_CV", Unit::MilliWatt, "VDD_CPU_GPU_CV power (model)", false,
        [board] { return board->cpuGpuCvMw(); });
    add("power.rail.VDD_SOC", Unit::MilliWatt, "VDD_SOC power (model)", false,
        [board] { return board->socMw(); });
    add("power.total", Unit::MilliWatt, "total power: VDD_IN (model)", true,
        [board] { return board->totalMw(); });
    add("freq.cpu.policy0", Unit::KiloHertz, "CPU frequency", false,
        [board] { return static_cast<double>(board->frequencyKhz(P::Cpu)); });
    add("freq.gpu", Unit::KiloHertz, "GPU frequency", false,
        [board] { return static_cast<double>(board->frequencyKhz(P::Gpu)); });
    add("load.gpu", Unit::PerMille, "GPU load (as reported by the caller)", false,
        [board] { return static_cast<double>(board->load(P::Gpu)); });
    add("temp.tj", Unit::MilliCelsius, "junction temperature (model)", false,
        [board] { return board->temperatureMilliC(); });
    using B = SimulatedFreqKnob::Bound;
    out.knobs.push_back(
        std::make_shared<SimulatedFreqKnob>(board, P::Cpu, B::Min, "cpu.policy0.min_khz"));
    out.knobs.push_back(
        std::make_shared<SimulatedFreqKnob>(board, P::Cpu, B::Max, "cpu.policy0.max_khz"));
    out.knobs.push_back(std::make_shared<SimulatedFreqKnob>(board, P::Gpu, B::Min, "gpu.min_khz"));
    out.knobs.push_back(std::make_shared<SimulatedFreqKnob>(board, P::Gpu, B::Max, "gpu.max_khz"));
    out.knobs.push_back(std::make_shared<SimulatedGovernorKnob>(board));
    out.found.push_back(
        std::string(name()) +
        ": CPU and GPU frequency tables, CPU governor model, power model, no real sensors");
}

}  // namespace dofa
