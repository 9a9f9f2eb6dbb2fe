// SPDX-License-Identifier: MIT
#pragma once

// Marks for ThreadSanitizer where one thread hands memory to another through Qt, whose locks
// and thread joins it cannot see (Debian's Qt is not built with TSan; it locks with futexes).
// Outside a TSan build both marks are empty.

#if defined(__SANITIZE_THREAD__)
#define DOFA_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DOFA_TSAN 1
#endif
#endif
#ifdef DOFA_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace dofa {

/// The handing thread, after its last write: what it wrote is visible after
/// receiveHandover() on the same address.
inline void markHandover([[maybe_unused]] void* address)
{
#ifdef DOFA_TSAN
    __tsan_release(address);
#endif
}

/// The receiving thread, before its first read.
inline void receiveHandover([[maybe_unused]] void* address)
{
#ifdef DOFA_TSAN
    __tsan_acquire(address);
#endif
}

}  // namespace dofa
