// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <random>

namespace dofa {

/// Draws from std::mt19937 that give the same values with every standard library. The engine's
/// output sequence is fixed by the C++ standard, but std::uniform_int_distribution and friends
/// are implementation-defined (libstdc++ and libc++ differ), and a seeded subset or a
/// calibration crop must be the same on every machine that runs the same seed.
namespace seeded {

/// Uniform integer in [0, n), n >= 1 (rejection sampling: no modulo bias).
inline uint32_t below(std::mt19937& rng, uint32_t n)
{
    const uint32_t limit = UINT32_MAX - UINT32_MAX % n;
    for (;;) {
        const uint32_t v = static_cast<uint32_t>(rng());
        if (v < limit) {
            return v % n;
        }
    }
}

/// Uniform double in [0, 1) with 53 random bits from two draws.
inline double unit(std::mt19937& rng)
{
    const uint64_t hi = static_cast<uint32_t>(rng()) >> 5;                     // 27 bits
    const uint64_t lo = static_cast<uint32_t>(rng()) >> 6;                     // 26 bits
    return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);  // 2^-53
}

/// Uniform double in [a, b).
inline double uniform(std::mt19937& rng, double a, double b)
{
    return a + (b - a) * unit(rng);
}

/// An engine for item `index` of a stream seeded with `seed`: items drawn on different threads
/// get the same values whatever the order in which they are processed. std::seed_seq's
/// mixing is specified by the standard, so this is portable too.
inline std::mt19937 forItem(uint64_t seed, uint64_t index)
{
    std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                      static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32)};
    return std::mt19937(seq);
}

}  // namespace seeded
}  // namespace dofa
