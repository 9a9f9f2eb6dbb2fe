// SPDX-License-Identifier: MIT
#include "model/inference_memory.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace dofa {

std::string keepInferenceMemory()
{
#if defined(__GLIBC__)
    static std::once_flag once;
    static std::string what;
    std::call_once(once, [] {
        constexpr int kMmapThreshold = 32 << 20;  // glibc refuses more (HEAP_MAX_SIZE / 2)
        constexpr int kTrimThreshold = 256 << 20;
        const bool mmapSet = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1;
        const bool trimSet = mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
        what = std::string("malloc: mmap threshold ") + (mmapSet ? "32 MiB" : "unchanged") +
               ", trim threshold " + (trimSet ? "256 MiB" : "unchanged");
    });
    return what;
#else
    return {};
#endif
}

}  // namespace dofa
