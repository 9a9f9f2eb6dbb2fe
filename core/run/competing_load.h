// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace dofa {

class StaticSubnet;

/// A real competing workload for contention scenarios (`dofa run --load`, scenario `load`):
/// CPU-burning threads, or a second inference model running back to back on its own thread.
/// Nothing is simulated: the work competes for the same cores as the managed model. Stops and
/// joins its threads in the destructor.
class CompetingLoad
{
public:
    /// `threads` threads that spin on floating-point work until stopped; pinned to `cores` (a
    /// kernel CPU list, "1" or "0-1") when given, as `taskset -c 1` pins another program.
    /// Throws std::invalid_argument on a bad list or one the process may not use.
    static std::unique_ptr<CompetingLoad> cpu(int threads, const std::string& cores = {});
    /// One thread running `net` on a random batch-1 input, back to back, with `intraOpThreads`
    /// torch threads (0: torch's current setting).
    static std::unique_ptr<CompetingLoad> model(std::shared_ptr<const StaticSubnet> net,
                                                int inChannels, int intraOpThreads);

    CompetingLoad(const CompetingLoad&) = delete;
    CompetingLoad& operator=(const CompetingLoad&) = delete;
    ~CompetingLoad();

    /// "cpu × 2 threads", "model r32-k... (1 thread)".
    [[nodiscard]] const std::string& description() const { return m_description; }
    /// Units of work done so far (loop iterations or inferences): proof that it ran.
    [[nodiscard]] std::int64_t workDone() const { return m_work.load(); }
    /// Kernel thread ids of its threads: they stand for another program, so the run's affinity
    /// knob leaves them alone (ProcessAffinity::setForeignThreads).
    [[nodiscard]] std::vector<pid_t> threadIds() const;

private:
    /// Called first thing on each of its threads.
    void recordThreadId();
    /// Waits until `count` threads have recorded their ids.
    void awaitThreadIds(std::size_t count);

    explicit CompetingLoad(std::string description) : m_description(std::move(description)) {}

    std::string m_description;
    std::atomic<bool> m_stop{false};
    std::atomic<std::int64_t> m_work{0};
    std::vector<std::thread> m_threads;
    mutable std::mutex m_tidMutex;
    std::condition_variable m_tidReady;
    std::vector<pid_t> m_tids;  ///< guarded by m_tidMutex
};

}  // namespace dofa
