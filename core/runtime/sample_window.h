// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

namespace dofa {

/// Which statistic summarises a latency window. The median ignores the odd slow frame (page
/// fault, GC in a co-runner) that would drag a mean over the target.
/// Median: the typical frame. Mean. P90: the 90th percentile (linear interpolation, numpy's
/// default), for predicting whether nearly every frame fits a deadline rather than the typical
/// one.
enum class WindowStatistic { Median, Mean, P90 };

/// "p50", "mean" or "p90".
const char* statisticName(WindowStatistic statistic);

/// A p90 of fewer samples than this is close to their maximum: one slow frame (the first after
/// a level switch meets cold caches) would make it. Below it, P90 is computed as the median.
constexpr int kMinTailSamples = 10;

/// What `which` over `samples` samples really computes: Median for P90 below kMinTailSamples.
WindowStatistic effectiveStatistic(WindowStatistic which, int samples);

/// The last `capacity` samples. Storage is allocated once, in the constructor: push() and the
/// statistics never allocate, so the per-frame path stays allocation-free. O(capacity) at most.
class SampleWindow
{
public:
    explicit SampleWindow(int capacity);

    void push(double value);
    void clear();
    [[nodiscard]] int size() const { return m_size; }
    [[nodiscard]] int capacity() const { return static_cast<int>(m_values.size()); }
    [[nodiscard]] bool full() const { return m_size == capacity(); }
    /// 0 when empty.
    [[nodiscard]] double mean() const;
    /// Middle value (mean of the two middle ones for an even size); 0 when empty.
    [[nodiscard]] double median() const;
    /// See effectiveStatistic() for P90 over few samples.
    [[nodiscard]] double statistic(WindowStatistic which) const;
    /// The `age`-th newest sample (0: the newest); 0 when there is none.
    [[nodiscard]] double newest(int age) const;
    /// The statistic of the newest `count` samples only (all when fewer). Right after a sudden
    /// slowdown the window still holds older, faster frames: its median sits between the two
    /// regimes and would under-estimate how far to step. O(count), no allocation.
    [[nodiscard]] double recentStatistic(WindowStatistic which, int count) const;
    /// The statistic of all but the newest `skipNewest` samples (0 when none are left): what the
    /// window said before its newest frames, to compare them with. O(capacity), no allocation.
    [[nodiscard]] double olderStatistic(WindowStatistic which, int skipNewest) const;
    /// Drops all but the newest `count` samples, keeping their order. No allocation.
    void keepNewest(int count);

private:
    /// The statistic of `count` samples, skipping the newest `skip`.
    [[nodiscard]] double rangeStatistic(WindowStatistic which, int skip, int count) const;

    std::vector<double> m_values;
    mutable std::vector<double> m_scratch;  ///< median's working copy, same capacity
    int m_next = 0;
    int m_size = 0;
};

}  // namespace dofa
