// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>

namespace dofa {

/// Steady (monotonic) time in nanoseconds. Injected into the runtime manager so that tests script
/// time together with the observations instead of sleeping.
using Clock = std::function<std::int64_t()>;

/// std::chrono::steady_clock (CLOCK_MONOTONIC on Linux, like platform Sample::tNs).
Clock steadyClock();

}  // namespace dofa
