// SPDX-License-Identifier: MIT
// Source specs (`--source`, the dashboard's source field): a spec that parses must print as
// text that parses to an equal spec (source_spec.h promises it).
#include <cstdlib>
#include <exception>

#include "fuzz_support.h"
#include "sources/source_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    dofa::SourceSpec spec;
    try {
        spec = dofa::SourceSpec::parse(std::string(dofa::fuzz::bytesOf(data, size)));
    } catch (const std::exception& e) {
        dofa::fuzz::refused(e);
        return 0;
    }
    if (dofa::SourceSpec::parse(spec.toString()) != spec) {
        std::abort();
    }
    if (spec.kind == dofa::SourceSpec::Kind::Camera) {
        (void)spec.cameraIndex();
    }
    return 0;
}
