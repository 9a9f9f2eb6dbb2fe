// SPDX-License-Identifier: MIT
#include "runtime/clock.h"

#include <chrono>

namespace dofa {

Clock steadyClock()
{
    return [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
}

}  // namespace dofa
