// SPDX-License-Identifier: MIT
// One sysfs value file read every way the device layer reads one: text (labels, governor
// names), a number (frequencies, energy counters, voltages), a list of numbers (available
// frequencies), words (available governors), and a CPU list (related_cpus, affinity). Fast
// where fuzz_sysfs (a whole tree's discovery) is slow.
#include "fuzz_support.h"
#include "platform/affinity_knob.h"
#include "platform/sysfs_root.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const dofa::SysfsRoot root(dofa::fuzz::ScratchDir::instance().path().string(),
                                      /*readOnly=*/true);
    const std::string_view bytes = dofa::fuzz::bytesOf(data, size);
    dofa::fuzz::ScratchDir::instance().write("sys/value", bytes);
    (void)root.readText("/sys/value");
    (void)root.readInt("/sys/value");
    (void)root.readIntList("/sys/value");
    (void)root.readWords("/sys/value");
    const auto cpus = dofa::AffinityKnob::parseCpuList(std::string(bytes));
    if (cpus.isOk()) {
        const std::string text = dofa::AffinityKnob::formatCpuList(cpus.value());
        const auto again = dofa::AffinityKnob::parseCpuList(text);
        if (!again.isOk() || again.value() != cpus.value()) {
            std::abort();  // the canonical form does not round-trip
        }
    }
    return 0;
}
