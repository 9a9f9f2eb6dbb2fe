// SPDX-License-Identifier: MIT
// sysfs values as the device layer reads them: numbers, lists of available frequencies and
// governors, labels, names. The tree is a copy of two real fixture layouts (a Jetson AGX Orin
// with INA3221 and devfreq GPU, an x86 machine with RAPL); the input's NUL-separated parts
// replace the files below, in order (a file without a part keeps its real content). Discovery
// then runs on the tree, and every monitor and knob found is read.
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "platform/platform.h"

namespace {

const char* const kFiles[] = {
    "/sys/devices/system/cpu/cpufreq/policy0/scaling_available_frequencies",
    "/sys/devices/system/cpu/cpufreq/policy0/scaling_min_freq",
    "/sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq",
    "/sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq",
    "/sys/devices/system/cpu/cpufreq/policy0/cpuinfo_min_freq",
    "/sys/devices/system/cpu/cpufreq/policy0/cpuinfo_max_freq",
    "/sys/devices/system/cpu/cpufreq/policy0/related_cpus",
    "/sys/devices/system/cpu/cpufreq/policy0/affected_cpus",
    "/sys/devices/system/cpu/cpufreq/policy0/scaling_governor",
    "/sys/devices/system/cpu/cpufreq/policy0/scaling_available_governors",
    "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/available_frequencies",
    "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/min_freq",
    "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/max_freq",
    "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/cur_freq",
    "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/governor",
    "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/available_governors",
    "/sys/devices/platform/17000000.ga10b/load",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/name",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/in1_label",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/in1_input",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/curr1_input",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/in2_label",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/in2_input",
    "/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/curr2_input",
    "/sys/devices/virtual/thermal/thermal_zone0/type",
    "/sys/devices/virtual/thermal/thermal_zone0/temp",
    "/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/name",
    "/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj",
    "/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/max_energy_range_uj",
    "/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/enabled",
    "/sys/devices/system/cpu/cpu1/online",
    "/etc/nv_tegra_release",
};
constexpr size_t kFileCount = sizeof(kFiles) / sizeof(kFiles[0]);

struct Tree
{
    std::string root;
    std::vector<std::string> original;  ///< per kFiles entry
};

const Tree& tree()
{
    static const Tree t = [] {
        Tree made;
        const std::filesystem::path root = dofa::fuzz::ScratchDir::instance().path() / "root";
        const std::filesystem::path fixtures = std::filesystem::path(DOFA_FIXTURES_DIR) / "sysfs";
        const auto options =
            std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks;
        std::filesystem::copy(fixtures / "agx-orin-jp5", root, options);
        // The x86 machine's RAPL domains beside the Orin's sensors.
        for (const char* part : {"sys/devices/virtual/powercap", "sys/class/powercap"}) {
            std::filesystem::create_directories(root / part);
            std::filesystem::copy(fixtures / "x86-rapl" / part, root / part, options);
        }
        made.root = root.string();
        for (const char* file : kFiles) {
            std::ifstream in(made.root + file, std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            made.original.push_back(text.str());
        }
        return made;
    }();
    return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const Tree& t = tree();
    std::vector<std::string> parts;
    std::string_view rest = dofa::fuzz::bytesOf(data, size);
    while (!rest.empty() && parts.size() < kFileCount) {
        const size_t nul = rest.find('\0');
        parts.emplace_back(rest.substr(0, nul));
        rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
    }
    for (size_t i = 0; i < kFileCount; ++i) {
        std::ofstream(t.root + kFiles[i], std::ios::binary | std::ios::trunc)
            << (i < parts.size() ? parts[i] : t.original[i]);
    }
    try {
        dofa::Platform::Options options;
        options.root = t.root;
        options.readOnly = true;  // read every knob, write none
        options.nvmlLibrary.clear();
        options.affinityOfCallingThread = false;
        const dofa::Platform platform = dofa::Platform::discover(options);
        for (const auto& monitor : platform.monitors()) {
            (void)monitor->read();
            (void)monitor->read();
        }
        for (const auto& knob : platform.knobs()) {
            (void)knob->get();
            (void)knob->restoreSteps();
        }
        (void)platform.description();
    } catch (const std::exception& e) {
        // Discovery reports problems instead of throwing; an exception is refused input too.
        dofa::fuzz::refused(e);
    }
    return 0;
}
