// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace dofa {

/// A bounded ring buffer of telemetry items (frame records, platform samples) shared by one
/// writer (the inference worker) and readers on other threads (the GUI tick, exports).
///
/// Memory is allocated once, at construction: push() overwrites the oldest item when full, so
/// a run of any length holds at most `capacity` items. Every access takes the one mutex, held
/// only for the copy; readers get copies, never references into the ring.
template <class T>
class TelemetryRing
{
public:
    /// At least one item.
    explicit TelemetryRing(std::size_t capacity) : m_items(capacity > 0 ? capacity : 1) {}
    TelemetryRing(const TelemetryRing&) = delete;
    TelemetryRing& operator=(const TelemetryRing&) = delete;

    void push(T item)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_items[m_head] = std::move(item);
        m_head = (m_head + 1) % m_items.size();
        if (m_size < m_items.size()) {
            ++m_size;
        }
        ++m_pushed;
    }

    /// The newest `n` items (fewer when the ring holds fewer), oldest first.
    [[nodiscard]] std::vector<T> newest(std::size_t n) const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return copyNewestLocked(n < m_size ? n : m_size);
    }

    /// Every item held, oldest first.
    [[nodiscard]] std::vector<T> all() const { return newest(capacity()); }

    /// The items whose time (`timeOf(item)`, non-decreasing in push order) is >= `t`, oldest
    /// first.
    template <class TimeOf>
    [[nodiscard]] std::vector<T> since(double t, TimeOf timeOf) const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::size_t n = 0;
        while (n < m_size && timeOf(at(m_size - 1 - n)) >= t) {
            ++n;
        }
        return copyNewestLocked(n);
    }

    /// The newest item; `fallback` when the ring is empty.
    [[nodiscard]] T last(T fallback = T()) const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_size > 0 ? at(m_size - 1) : fallback;
    }

    void clear()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_size = 0;
        m_head = 0;
    }

    [[nodiscard]] std::size_t size() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_size;
    }
    [[nodiscard]] std::size_t capacity() const { return m_items.size(); }
    /// Items pushed since construction, including those overwritten since.
    [[nodiscard]] std::int64_t totalPushed() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_pushed;
    }

private:
    /// Item `i` of the held ones, 0 = oldest. Caller holds the mutex.
    const T& at(std::size_t i) const
    {
        const std::size_t cap = m_items.size();
        return m_items[(m_head + cap - m_size + i) % cap];
    }
    std::vector<T> copyNewestLocked(std::size_t n) const
    {
        std::vector<T> out;
        out.reserve(n);
        for (std::size_t i = m_size - n; i < m_size; ++i) {
            out.push_back(at(i));
        }
        return out;
    }

    mutable std::mutex m_mutex;
    std::vector<T> m_items;
    std::size_t m_head = 0;  ///< where the next push goes
    std::size_t m_size = 0;
    std::int64_t m_pushed = 0;
};

}  // namespace dofa
