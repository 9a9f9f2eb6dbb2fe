// SPDX-License-Identifier: MIT
#include "runtime/decision_history.h"

#include <stdexcept>

namespace dofa {

DecisionHistory::DecisionHistory(int capacity) : m_capacity(capacity)
{
    if (capacity < 1)
        throw std::invalid_argument("decision history: capacity must be >= 1");
    m_ring.reserve(static_cast<std::size_t>(capacity));
}

void DecisionHistory::append(Decision decision)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (static_cast<int>(m_ring.size()) < m_capacity)
        m_ring.push_back(std::move(decision));
    else
        m_ring[static_cast<std::size_t>(m_next)] = std::move(decision);
    m_next = (m_next + 1) % m_capacity;
    ++m_total;
}

std::vector<Decision> DecisionHistory::snapshot() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (static_cast<int>(m_ring.size()) < m_capacity)
        return m_ring;
    std::vector<Decision> out;
    out.reserve(m_ring.size());
    for (int i = 0; i < m_capacity; ++i)
        out.push_back(m_ring[static_cast<std::size_t>((m_next + i) % m_capacity)]);
    return out;
}

std::uint64_t DecisionHistory::total() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_total;
}

}  // namespace dofa
