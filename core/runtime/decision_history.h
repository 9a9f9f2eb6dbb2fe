// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "runtime/decision.h"

namespace dofa {

/// The last `capacity` decisions, oldest dropped first. The worker appends, the GUI snapshots at
/// its own rate: both take the mutex, which is held only for a copy (decisions are rare, so the
/// worker never waits long). Thread-safe.
class DecisionHistory
{
public:
    explicit DecisionHistory(int capacity);

    void append(Decision decision);
    /// Oldest first.
    [[nodiscard]] std::vector<Decision> snapshot() const;
    /// Every decision appended so far, including those the ring has dropped: a GUI compares it
    /// with its last count to see whether anything is new.
    [[nodiscard]] std::uint64_t total() const;
    [[nodiscard]] int capacity() const { return m_capacity; }

private:
    const int m_capacity;
    mutable std::mutex m_mutex;
    std::vector<Decision> m_ring;  ///< grows to m_capacity, then is overwritten in place
    int m_next = 0;
    std::uint64_t m_total = 0;
};

}  // namespace dofa
