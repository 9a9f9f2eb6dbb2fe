// SPDX-License-Identifier: MIT
// Counts heap allocations while enabled (allocation_counter.cpp replaces the global operator
// new of the test executable that links it): the runtime's per-frame path must make none.
#pragma once

#include <atomic>

namespace dofa::test {

extern std::atomic<bool> g_countAllocations;
extern std::atomic<long> g_allocations;

}  // namespace dofa::test
