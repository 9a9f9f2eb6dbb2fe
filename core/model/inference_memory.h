// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace dofa {

/// Keeps the memory of one forward pass for the next. glibc's malloc serves an allocation above
/// its mmap threshold (128 KiB at start; raised only after such a block has been freed, to at
/// most the largest seen) with pages of its own and unmaps them on free, and trims the heap's
/// top above its trim threshold. LibTorch frees every activation after use, so a network whose
/// activations are megabytes (OFA at 224 px: up to 7 MB per tensor) faulted in fresh zeroed
/// pages on every frame: OFA w1.0 max@224 took 42.9 ms per forward on 1 thread instead of 16.9
/// ms (AMD EPYC VM, OpenBLAS; build/bench/inference_memory_bench), and which of the two a
/// process got depended on what it had freed before. This sets both thresholds to fixed large
/// values (mmap 32 MiB, glibc's maximum on 64-bit; trim 256 MiB), so freed blocks are reused.
/// Process-wide and idempotent; setInferenceThreads() calls it. Returns what it set ("" on a C
/// library other than glibc, where it does nothing).
std::string keepInferenceMemory();

}  // namespace dofa
