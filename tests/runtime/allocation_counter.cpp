// SPDX-License-Identifier: MIT
#include "allocation_counter.h"

#include <cstdlib>
#include <new>

namespace dofa::test {

std::atomic<bool> g_countAllocations{false};
std::atomic<long> g_allocations{0};

}  // namespace dofa::test

void* operator new(std::size_t size)
{
    if (dofa::test::g_countAllocations.load(std::memory_order_relaxed))
        dofa::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}

void operator delete(void* p) noexcept
{
    std::free(p);
}

void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
