// SPDX-License-Identifier: MIT
// A sub-network's arch in all three forms SubnetArch::parse takes (dofa's text form, "max" /
// "min", and OFA's JSON {"ks", "e", "d", "r"}), for the Fashion-MNIST and the OFA w1.0 spec. An
// arch that parses must print as text that parses to the same arch.
#include <cstdlib>
#include <exception>

#include "fuzz_support.h"
#include "supernet/subnet_arch.h"
#include "supernet/supernet_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const dofa::SupernetSpec specs[] = {dofa::SupernetSpec::preset("fmnist-mbv3"),
                                               dofa::SupernetSpec::preset("ofa-mbv3-w1.0")};
    const std::string text(dofa::fuzz::bytesOf(data, size));
    for (const dofa::SupernetSpec& spec : specs) {
        dofa::SubnetArch arch;
        try {
            arch = dofa::SubnetArch::parse(text, spec);
        } catch (const std::exception& e) {
            dofa::fuzz::refused(e);
            continue;
        }
        if (dofa::SubnetArch::parse(arch.toString(), spec) != arch) {
            std::abort();  // the text form does not round-trip
        }
    }
    return 0;
}
