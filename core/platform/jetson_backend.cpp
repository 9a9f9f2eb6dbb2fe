// SPDX-License-Identifier: MIT
#include "platform/jetson_backend.h"

#include <algorithm>
#include <set>

#include "platform/dvfs_bound_knob.h"
#include "platform/function_monitor.h"
#include "platform/sysfs_choice_knob.h"
#include "platform/sysfs_value_monitor.h"
#include "platform/volt_amp_power_monitor.h"

namespace dofa {

namespace {

/// Channel number K of "<prefix>K<suffix>", or -1.
int channelOf(const std::string& name, const std::string& prefix, const std::string& suffix)
{
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix))
        return -1;
    const std::string digits =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    return std::stoi(digits);
}

struct Rail
{
    std::string label;
    std::shared_ptr<Monitor> power;
};

std::string joined(const std::vector<std::string>& names)
{
    std::string s;
    for (const std::string& n : names)
        s += (s.empty() ? "" : ", ") + n;
    return s.empty() ? std::string("no rails") : s;
}

bool isNotConnected(const std::string& label)
{
    std::string upper = label;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    return upper == "NC";
}

}  // namespace

void JetsonBackend::discover(const SysfsRoot& root, Discovery& out)
{
    discoverIna3221(root, out);
    discoverGpu(root, out);
}

void JetsonBackend::discoverIna3221(const SysfsRoot& root, Discovery& out)
{
    const std::string base = "/sys/bus/i2c/devices";
    std::vector<Rail> rails;
    std::set<std::string> labels;

    // Voltage and current monitors of one rail; returns the rail's unique name.
    auto addRail = [&](const std::string& device, std::string label, const std::string& voltagePath,
                       const std::string& currentPath) {
        if (!labels.insert(label).second)
            label += "@" + device;  // the same label on two chips
        MonitorInfo info;
        info.id = "voltage.rail." + label;
        info.unit = Unit::MilliVolt;
        info.description = label + " bus voltage (INA3221 " + device + ")";
        out.monitors.push_back(std::make_shared<SysfsValueMonitor>(root, info, voltagePath));
        info.id = "current.rail." + label;
        info.unit = Unit::MilliAmp;
        info.description = label + " current (INA3221 " + device + ")";
        out.monitors.push_back(std::make_shared<SysfsValueMonitor>(root, info, currentPath));
        return label;
    };

    for (const std::string& device : root.list(base)) {
        const std::string dir = base + "/" + device;
        const Result<std::string> chip = root.readText(dir + "/name");
        if (!chip || chip.value().find("ina3221") == std::string::npos)
            continue;
        std::vector<std::string> found;
        // JP5+: mainline hwmon driver; the first hwmonN below the device, whatever N is.
        const std::vector<std::string> hwmons = root.list(dir + "/hwmon", "hwmon");
        if (!hwmons.empty()) {
            const std::string hw = dir + "/hwmon/" + hwmons.front();
            for (const std::string& file : root.list(hw, "in")) {
                const int k = channelOf(file, "in", "_label");
                if (k < 0 || k == 7)
                    continue;  // in7 is the sum of the shunt voltages, not a rail
                const Result<std::string> label = root.readText(hw + "/" + file);
                if (!label) {
                    out.problems.push_back("INA3221 " + device + ": " + label.error());
                    continue;
                }
                if (isNotConnected(label.value()) || label.value().empty())
                    continue;
                const std::string in = hw + "/in" + std::to_string(k) + "_input";
                const std::string curr = hw + "/curr" + std::to_string(k) + "_input";
                if (!root.exists(in) || !root.exists(curr)) {
                    out.problems.push_back("INA3221 " + device + " rail " + label.value() +
                                           ": missing " + root.path(root.exists(in) ? curr : in));
                    continue;
                }
                const std::string name = addRail(device, label.value(), in, curr);
                MonitorInfo info;
                info.id = "power.rail." + name;
                info.unit = Unit::MilliWatt;
                info.description = name + " power, V x I (INA3221 " + device + ", hwmon)";
                auto power = std::make_shared<VoltAmpPowerMonitor>(root, info, in, curr);
                out.monitors.push_back(power);
                rails.push_back({name, power});
                found.push_back(name);
            }
            out.found.push_back("INA3221 " + device + " (hwmon " + hwmons.front() +
                                "): " + joined(found));
            continue;
        }
        // JP4: NVIDIA's out-of-tree IIO driver ina3221x.
        for (const std::string& iio : root.list(dir, "iio:device")) {
            const std::string iioDir = dir + "/" + iio;
            for (const std::string& file : root.list(iioDir, "rail_name_")) {
                const int k = channelOf(file, "rail_name_", "");
                if (k < 0)
                    continue;
                const Result<std::string> label = root.readText(iioDir + "/" + file);
                if (!label) {
                    out.problems.push_back("INA3221 " + device + ": " + label.error());
                    continue;
                }
                if (isNotConnected(label.value()) || label.value().empty())
                    continue;
                const std::string ks = std::to_string(k);
                const std::string powerFile = iioDir + "/in_power" + ks + "_input";
                if (!root.exists(powerFile)) {
                    out.problems.push_back("INA3221 " + device + " rail " + label.value() +
                                           ": missing " + root.path(powerFile));
                    continue;
                }
                const std::string name =
                    addRail(device, label.value(), iioDir + "/in_voltage" + ks + "_input",
                            iioDir + "/in_current" + ks + "_input");
                MonitorInfo info;
                info.id = "power.rail." + name;
                info.unit = Unit::MilliWatt;
                info.description = name + " power (INA3221 " + device + ", iio)";
                auto power = std::make_shared<SysfsValueMonitor>(root, info, powerFile);
                out.monitors.push_back(power);
                rails.push_back({name, power});
                found.push_back(name);
            }
        }
        out.found.push_back("INA3221 " + device + " (iio ina3221x): " + joined(found));
    }
    if (rails.empty())
        return;

    MonitorInfo total;
    total.id = "power.total";
    total.unit = Unit::MilliWatt;
    total.isTotal = true;
    const auto input = std::find_if(rails.begin(), rails.end(), [](const Rail& r) {
        return r.label == "VDD_IN" || r.label == "POM_5V_IN";
    });
    if (input != rails.end()) {
        auto power = input->power;
        total.description = "total power: " + input->label + " (module input)";
        total.source = power->info().source;
        out.monitors.push_back(std::make_shared<FunctionMonitor>(total, [power]() {
            const Result<Sample> s = power->read();
            return s ? Result<double>::ok(s.value().value) : Result<double>::fail(s.error());
        }));
        return;
    }
    std::vector<std::shared_ptr<Monitor>> parts;
    std::string summed;
    for (const Rail& r : rails) {
        parts.push_back(r.power);
        summed += (summed.empty() ? "" : " + ") + r.label;
    }
    total.description = "total power: sum of rails " + summed + " (no VDD_IN on this board)";
    total.source = summed;
    out.monitors.push_back(FunctionMonitor::sumOf(total, std::move(parts)));
}

void JetsonBackend::discoverGpu(const SysfsRoot& root, Discovery& out)
{
    static const std::set<std::string> kGpuNames = {"gv11b", "gp10b", "ga10b", "gb10b", "gpu"};
    const std::string base = "/sys/class/devfreq";
    const std::vector<std::string> entries = root.list(base);
    for (const std::string& entry : entries) {
        const std::string link = base + "/" + entry;
        const Result<std::string> ofName = root.readText(link + "/device/of_node/name");
        if (!ofName)
            continue;
        if (!kGpuNames.count(ofName.value()) && ofName.value().find("gpu") == std::string::npos)
            continue;
        const std::string dir = root.resolve(link).valueOr(link);
        const std::string device = root.resolve(link + "/device").valueOr(link + "/device");

        MonitorInfo info;
        info.id = "freq.gpu";
        info.unit = Unit::KiloHertz;
        info.description = "GPU " + ofName.value() + " frequency (devfreq " + entry + ")";
        out.monitors.push_back(
            std::make_shared<SysfsValueMonitor>(root, info, dir + "/cur_freq", 1000));
        if (root.exists(device + "/load")) {
            info.id = "load.gpu";
            info.unit = Unit::PerMille;
            info.description = "GPU " + ofName.value() + " load";
            out.monitors.push_back(
                std::make_shared<SysfsValueMonitor>(root, info, device + "/load"));
        } else {
            out.problems.push_back("GPU " + entry + ": no load file at " +
                                   root.path(device + "/load"));
        }
        DvfsDomain::Files files;
        files.minPath = dir + "/min_freq";
        files.maxPath = dir + "/max_freq";
        files.curPath = dir + "/cur_freq";
        files.availablePath = dir + "/available_frequencies";
        files.fileUnitsPerKhz = 1000;  // devfreq speaks Hz
        auto domain = std::make_shared<DvfsDomain>(root, files);
        out.knobs.push_back(std::make_shared<DvfsBoundKnob>(domain, DvfsBoundKnob::Bound::Min,
                                                            "gpu.min_khz", "GPU minimum"));
        out.knobs.push_back(std::make_shared<DvfsBoundKnob>(domain, DvfsBoundKnob::Bound::Max,
                                                            "gpu.max_khz", "GPU maximum"));
        if (root.exists(dir + "/governor"))
            out.knobs.push_back(std::make_shared<SysfsChoiceKnob>(
                root, "gpu.governor", dir + "/governor", dir + "/available_governors",
                "GPU devfreq governor"));
        out.found.push_back("GPU " + ofName.value() + " (devfreq " + entry + " -> " + dir + ", " +
                            std::to_string(domain->availableKhz().size()) + " frequencies)");
        return;  // one integrated GPU
    }
    if (!entries.empty())
        out.problems.push_back("no GPU among the devfreq nodes in " + root.path(base) +
                               " (the GPU registers with devfreq only once powered up)");
}

}  // namespace dofa
