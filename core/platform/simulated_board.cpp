// SPDX-License-Identifier: MIT
#include "platform/simulated_board.h"

#include <algorithm>
#include <thread>

#include "platform/function_monitor.h"
#include "platform/simulated_freq_knob.h"

namespace dofa {

namespace {

constexpr double kCpuFullMw = 4500;
constexpr double kGpuFullMw = 6000;
constexpr double kCpuGpuCvStaticMw = 300;
constexpr double kSocMw = 1400;
constexpr double kModuleRestMw = 1500;

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
      m_sleeper([](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); })
{}

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
    return range(p).second;
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
    const std::chrono::nanoseconds extra = stretch(measured, p) - measured;
    std::function<void(std::chrono::nanoseconds)> sleeper;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        sleeper = m_sleeper;
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

double SimulatedBoard::cpuMwLocked() const
{
    return kCpuFullMw * cube(static_cast<double>(m_cpuMax) / cpuTableKhz().back()) * m_cpuLoad /
           1000.0;
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
    out.found.push_back(std::string(name()) +
                        ": CPU and GPU frequency tables, power model, no real sensors");
}

}  // namespace dofa
