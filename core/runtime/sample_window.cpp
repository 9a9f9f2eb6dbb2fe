// SPDX-License-Identifier: MIT
#include "runtime/sample_window.h"

#include <algorithm>
#include <stdexcept>

namespace dofa {

const char* statisticName(WindowStatistic statistic)
{
    switch (statistic) {
        case WindowStatistic::Median:
            return "p50";
        case WindowStatistic::Mean:
            return "mean";
        case WindowStatistic::P90:
            break;
    }
    return "p90";
}

WindowStatistic effectiveStatistic(WindowStatistic which, int samples)
{
    return which == WindowStatistic::P90 && samples < kMinTailSamples ? WindowStatistic::Median
                                                                      : which;
}

SampleWindow::SampleWindow(int capacity)
{
    if (capacity < 1)
        throw std::invalid_argument("sample window: capacity must be >= 1");
    m_values.assign(static_cast<std::size_t>(capacity), 0.0);
    m_scratch.assign(static_cast<std::size_t>(capacity), 0.0);
}

void SampleWindow::push(double value)
{
    m_values[static_cast<std::size_t>(m_next)] = value;
    m_next = (m_next + 1) % capacity();
    m_size = std::min(m_size + 1, capacity());
}

void SampleWindow::clear()
{
    m_next = 0;
    m_size = 0;
}

double SampleWindow::mean() const
{
    if (m_size == 0)
        return 0;
    double sum = 0;
    for (int i = 0; i < m_size; ++i)
        sum += m_values[static_cast<std::size_t>(i)];
    return sum / m_size;
}

double SampleWindow::median() const
{
    return recentStatistic(WindowStatistic::Median, m_size);
}

double SampleWindow::statistic(WindowStatistic which) const
{
    return recentStatistic(which, m_size);
}

double SampleWindow::newest(int age) const
{
    if (age < 0 || age >= m_size)
        return 0;
    const int cap = capacity();
    return m_values[static_cast<std::size_t>((m_next - 1 - age + cap) % cap)];
}

double SampleWindow::recentStatistic(WindowStatistic which, int count) const
{
    return rangeStatistic(which, 0, count);
}

double SampleWindow::olderStatistic(WindowStatistic which, int skipNewest) const
{
    return rangeStatistic(which, skipNewest, m_size - skipNewest);
}

void SampleWindow::keepNewest(int count)
{
    const int n = std::max(0, std::min(count, m_size));
    const int cap = capacity();
    // Oldest kept first into the scratch, then written back from slot 0.
    for (int i = 0; i < n; ++i)
        m_scratch[static_cast<std::size_t>(i)] =
            m_values[static_cast<std::size_t>((m_next - n + i + 2 * cap) % cap)];
    for (int i = 0; i < n; ++i)
        m_values[static_cast<std::size_t>(i)] = m_scratch[static_cast<std::size_t>(i)];
    m_size = n;
    m_next = n % cap;
}

double SampleWindow::rangeStatistic(WindowStatistic which, int skip, int count) const
{
    skip = std::max(skip, 0);
    const int n = std::min(count, m_size - skip);
    if (n <= 0)
        return 0;
    // n samples walking back from the slot before m_next, after skipping the newest `skip`.
    const int cap = capacity();
    for (int i = 0; i < n; ++i)
        m_scratch[static_cast<std::size_t>(i)] =
            m_values[static_cast<std::size_t>((m_next - 1 - skip - i + 2 * cap) % cap)];
    const auto first = m_scratch.begin();
    which = effectiveStatistic(which, n);
    if (which == WindowStatistic::Mean) {
        double sum = 0;
        for (int i = 0; i < n; ++i)
            sum += first[i];
        return sum / n;
    }
    if (which == WindowStatistic::P90) {
        std::sort(first, first + n);  // n <= capacity, a few dozen at most
        const double pos = 0.9 * (n - 1);
        const int low = static_cast<int>(pos);
        const double high = low + 1 < n ? first[low + 1] : first[low];
        return first[low] + (pos - low) * (high - first[low]);
    }
    const auto mid = first + n / 2;
    std::nth_element(first, mid, first + n);
    if (n % 2 == 1)
        return *mid;
    // Even: the lower middle is the largest element left of mid.
    return (*mid + *std::max_element(first, mid)) / 2;
}

}  // namespace dofa
