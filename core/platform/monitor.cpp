// SPDX-License-Identifier: MIT
#include "platform/monitor.h"

#include <chrono>

namespace dofa {

std::int64_t monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace dofa
