// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "supernet/subnet_arch.h"

namespace dofa {

/// A point of the candidate cloud the front was picked from.
struct ProfileCandidate
{
    SubnetArch arch;
    double top1 = 0;
    double latencyMs = 0;
    bool measured = false;  ///< true: measured; false: predicted (accuracy and latency)
    std::string source;     ///< which search produced it ("random", "evolution", "width", ...)
};

}  // namespace dofa
