// SPDX-License-Identifier: MIT
#include "platform/nvml_backend.h"

#include <algorithm>
#include <functional>

#include "platform/function_monitor.h"
#include "platform/nvml_library.h"
#include "platform/nvml_locked_clocks_knob.h"

namespace dofa {

void NvmlBackend::discover(const std::string& libraryPath, Discovery& out)
{
    if (libraryPath.empty())
        return;
    const auto loaded = NvmlLibrary::load(libraryPath);
    if (!loaded) {
        out.problems.push_back(loaded.error());
        return;
    }
    const std::shared_ptr<NvmlLibrary> nvml = loaded.value();
    const Result<unsigned> count = nvml->deviceCount();
    if (!count) {
        out.problems.push_back("NVML: " + count.error());
        return;
    }
    for (unsigned i = 0; i < count.value(); ++i) {
        const Result<NvmlLibrary::Device> handle = nvml->device(i);
        if (!handle) {
            out.problems.push_back("NVML device " + std::to_string(i) + ": " + handle.error());
            continue;
        }
        const NvmlLibrary::Device d = handle.value();
        const std::string n = std::to_string(i);
        const std::string name = nvml->name(d).valueOr("GPU " + n);
        std::vector<std::string> supported;
        // Adds a monitor when its first query works; the reader returns the canonical unit.
        auto add = [&](const std::string& id, Unit unit, const std::string& what,
                       std::function<Result<double>()> read) {
            const Result<double> probe = read();
            if (!probe) {
                out.problems.push_back("NVML " + name + " " + what + ": " + probe.error());
                return;
            }
            MonitorInfo info;
            info.id = id;
            info.unit = unit;
            info.source = "nvml:" + n;
            info.description = name + " " + what + " (NVML)";
            out.monitors.push_back(std::make_shared<FunctionMonitor>(info, std::move(read)));
            supported.push_back(what);
        };
        auto convert = [](auto r, double scale) {
            return r ? Result<double>::ok(static_cast<double>(r.value()) * scale)
                     : Result<double>::fail(r.error());
        };
        add("power.nvml" + n, Unit::MilliWatt, "power",
            [=] { return convert(nvml->powerMw(d), 1.0); });
        add("energy.nvml" + n, Unit::MicroJoule, "energy",
            [=] { return convert(nvml->energyMj(d), 1000.0); });
        add("freq.nvml" + n + ".sm", Unit::KiloHertz, "SM clock",
            [=] { return convert(nvml->clockMhz(d, NvmlLibrary::Sm), 1000.0); });
        add("freq.nvml" + n + ".mem", Unit::KiloHertz, "memory clock",
            [=] { return convert(nvml->clockMhz(d, NvmlLibrary::Memory), 1000.0); });
        add("load.nvml" + n, Unit::PerMille, "load",
            [=] { return convert(nvml->utilizationPercent(d), 10.0); });
        add("temp.nvml" + n, Unit::MilliCelsius, "temperature",
            [=] { return convert(nvml->temperatureC(d), 1000.0); });

        const Result<unsigned> mem = nvml->clockMhz(d, NvmlLibrary::Memory);
        const auto clocks = mem ? nvml->supportedGraphicsClocksMhz(d, mem.value())
                                : Result<std::vector<unsigned>>::fail(mem.error());
        if (clocks && !clocks.value().empty()) {
            std::vector<std::int64_t> khz;
            for (const unsigned c : clocks.value())
                khz.push_back(static_cast<std::int64_t>(c) * 1000);
            std::sort(khz.begin(), khz.end());
            out.knobs.push_back(std::make_shared<NvmlLockedClocksKnob>(nvml, i, d, khz));
            supported.push_back("locked clocks");
        } else {
            out.problems.push_back("NVML " + name + " locked clocks: " +
                                   (clocks ? std::string("no supported clocks") : clocks.error()));
        }
        std::string list;
        for (const std::string& s : supported)
            list += (list.empty() ? "" : ", ") + s;
        out.found.push_back("NVML " + name + " (" + nvml->path() +
                            "): " + (list.empty() ? std::string("nothing supported") : list));
    }
}

}  // namespace dofa
