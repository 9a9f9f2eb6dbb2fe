// SPDX-License-Identifier: MIT
#include "platform/linux_backend.h"

#include <algorithm>
#include <map>
#include <set>

#include "platform/dvfs_bound_knob.h"
#include "platform/function_monitor.h"
#include "platform/rapl_monitor.h"
#include "platform/sysfs_choice_knob.h"
#include "platform/sysfs_value_monitor.h"

namespace dofa {

namespace {

bool isNumber(const std::string& s)
{
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void LinuxBackend::discover(const SysfsRoot& root, Discovery& out)
{
    discoverCpufreq(root, out);
    discoverThermal(root, out);
    discoverRapl(root, out);
}

void LinuxBackend::discoverCpufreq(const SysfsRoot& root, Discovery& out)
{
    // name -> policy directory
    std::vector<std::pair<std::string, std::string>> policies;
    const std::string base = "/sys/devices/system/cpu/cpufreq";
    for (const std::string& p : root.list(base, "policy"))
        policies.emplace_back(p, base + "/" + p);
    if (policies.empty()) {
        std::set<std::string> seen;
        for (const std::string& cpu : root.list("/sys/devices/system/cpu", "cpu")) {
            const std::string dir = "/sys/devices/system/cpu/" + cpu + "/cpufreq";
            if (!isNumber(cpu.substr(3)) || !root.isDir(dir))
                continue;
            if (seen.insert(root.resolve(dir).valueOr(dir)).second)
                policies.emplace_back(cpu, dir);
        }
    }
    for (const auto& [name, dir] : policies) {
        const std::string cpus = root.readText(dir + "/affected_cpus").valueOr("?");
        const std::string driver = root.readText(dir + "/scaling_driver").valueOr("unknown driver");
        std::string curFile = dir + "/scaling_cur_freq";
        if (!root.exists(curFile))
            curFile = dir + "/cpuinfo_cur_freq";
        MonitorInfo info;
        info.id = "freq.cpu." + name;
        info.unit = Unit::KiloHertz;
        info.description = "CPU " + cpus + " frequency (" + driver + ")";
        out.monitors.push_back(std::make_shared<SysfsValueMonitor>(root, info, curFile));

        if (!root.exists(dir + "/scaling_min_freq") || !root.exists(dir + "/scaling_max_freq")) {
            out.problems.push_back("cpufreq " + name +
                                   ": no scaling_min_freq/scaling_max_freq in " + root.path(dir));
            continue;
        }
        DvfsDomain::Files files;
        files.minPath = dir + "/scaling_min_freq";
        files.maxPath = dir + "/scaling_max_freq";
        files.curPath = curFile;
        files.availablePath = dir + "/scaling_available_frequencies";
        files.hwMinKhz = root.readInt(dir + "/cpuinfo_min_freq").valueOr(0);
        files.hwMaxKhz = root.readInt(dir + "/cpuinfo_max_freq").valueOr(0);
        auto domain = std::make_shared<DvfsDomain>(root, files);
        const std::string prefix = "cpu." + name;
        out.knobs.push_back(std::make_shared<DvfsBoundKnob>(
            domain, DvfsBoundKnob::Bound::Min, prefix + ".min_khz", "CPU " + cpus + " minimum"));
        out.knobs.push_back(std::make_shared<DvfsBoundKnob>(
            domain, DvfsBoundKnob::Bound::Max, prefix + ".max_khz", "CPU " + cpus + " maximum"));
        if (root.exists(dir + "/scaling_governor"))
            out.knobs.push_back(std::make_shared<SysfsChoiceKnob>(
                root, prefix + ".governor", dir + "/scaling_governor",
                dir + "/scaling_available_governors", "CPU " + cpus + " cpufreq governor"));
        const auto table = domain->availableKhz();
        out.found.push_back("cpufreq " + name + " (CPU " + cpus + ", " + driver + ", " +
                            (table.empty() ? std::string("no frequency table")
                                           : std::to_string(table.size()) + " frequencies") +
                            ")");
    }
}

void LinuxBackend::discoverThermal(const SysfsRoot& root, Discovery& out)
{
    const std::string base = "/sys/class/thermal";
    std::set<std::string> ids;
    std::vector<std::string> names;
    for (const std::string& zone : root.list(base, "thermal_zone")) {
        const std::string dir = base + "/" + zone;
        const Result<std::string> type = root.readText(dir + "/type");
        if (!type) {
            out.problems.push_back("thermal " + zone + ": " + type.error());
            continue;
        }
        if (type.value().find("PMIC") != std::string::npos)
            continue;  // PMIC-Die always reads 100 °C: a trip point, not a measurement
        MonitorInfo info;
        info.id = "temp." + type.value();
        if (!ids.insert(info.id).second)
            info.id += "." + zone;
        info.unit = Unit::MilliCelsius;
        info.description = "temperature of " + type.value() + " (" + zone + ")";
        out.monitors.push_back(
            std::make_shared<SysfsValueMonitor>(root, info, dir + "/temp", 1, -256000));
        names.push_back(type.value());
    }
    if (!names.empty()) {
        std::string list;
        for (const std::string& n : names)
            list += (list.empty() ? "" : ", ") + n;
        out.found.push_back("thermal zones: " + list);
    }
}

void LinuxBackend::discoverRapl(const SysfsRoot& root, Discovery& out)
{
    const std::string base = "/sys/class/powercap";
    std::map<std::string, std::string> nameOf;  // zone directory name -> RAPL name
    std::vector<std::string> zones;
    for (const std::string& zone : root.list(base, "intel-rapl:")) {
        const Result<std::string> name = root.readText(base + "/" + zone + "/name");
        if (!name) {
            out.problems.push_back("RAPL " + zone + ": " + name.error());
            continue;
        }
        nameOf[zone] = name.value();
        zones.push_back(zone);
    }
    if (zones.empty())
        return;

    std::vector<std::string> totalZones;
    std::string psysZone;
    std::vector<std::string> labels;
    for (const std::string& zone : zones) {
        const std::string dir = base + "/" + zone;
        const auto lastColon = zone.rfind(':');
        const bool top = zone.find(':') == lastColon;
        const std::string parent = zone.substr(0, lastColon);
        const std::string& name = nameOf[zone];
        const std::string label = top || !nameOf.count(parent) ? name : nameOf[parent] + "." + name;
        labels.push_back(label);

        MonitorInfo info;
        info.id = "energy.rapl." + label;
        info.description = "RAPL " + label + " energy since start";
        out.monitors.push_back(
            std::make_shared<RaplMonitor>(root, info, dir, RaplMonitor::Mode::Energy));
        info.id = "power.rapl." + label;
        info.description = "RAPL " + label + " power";
        out.monitors.push_back(
            std::make_shared<RaplMonitor>(root, info, dir, RaplMonitor::Mode::Power));

        const Result<std::string> readable = root.readText(dir + "/energy_uj");
        if (!readable)
            out.problems.push_back("RAPL " + label + ": " + readable.error() +
                                   " (energy_uj is root-only since Linux 5.10)");
        if (name == "psys")
            psysZone = dir;
        else if ((top && name.rfind("package", 0) == 0) || (!top && name == "dram"))
            totalZones.push_back(dir);
    }

    MonitorInfo total;
    total.id = "power.total";
    total.unit = Unit::MilliWatt;
    total.isTotal = true;
    if (!psysZone.empty()) {
        total.description = "total power: RAPL psys (platform)";
        out.monitors.push_back(
            std::make_shared<RaplMonitor>(root, total, psysZone, RaplMonitor::Mode::Power));
    } else if (!totalZones.empty()) {
        // Own monitors, so that reading the total does not shorten the rails' intervals.
        std::vector<std::shared_ptr<Monitor>> parts;
        std::string summed;
        for (const std::string& dir : totalZones) {
            const std::string zone = dir.substr(base.size() + 1);
            MonitorInfo part;
            part.id = "power.total.part." + zone;
            parts.push_back(
                std::make_shared<RaplMonitor>(root, part, dir, RaplMonitor::Mode::Power));
            summed += (summed.empty() ? "" : " + ") + zone;
        }
        total.description = "total power: sum of RAPL " + summed + " (CPU package only)";
        total.source = summed;
        out.monitors.push_back(FunctionMonitor::sumOf(total, std::move(parts)));
    }
    std::string list;
    for (const std::string& l : labels)
        list += (list.empty() ? "" : ", ") + l;
    out.found.push_back("RAPL powercap zones: " + list);
}

}  // namespace dofa
