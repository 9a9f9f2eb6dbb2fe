// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace dofa {

class StaticSubnet;

/// A real competing workload for contention scenarios (`dofa run --load`, scenario `load`):
/// CPU-burning threads, or a second inference model running back to back on its own thread.
/// Nothing is simulated: the work competes for the same cores as the managed model. Stops and
/// joins its threads in the destructor.
class CompetingLoad
{
public:
    /// `threads` threads that spin on floating-point work until stopped.
    static std::unique_ptr<CompetingLoad> cpu(int threads);
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

private:
    explicit CompetingLoad(std::string description) : m_description(std::move(description)) {}

    std::string m_description;
    std::atomic<bool> m_stop{false};
    std::atomic<std::int64_t> m_work{0};
    std::vector<std::thread> m_threads;
};

}  // namespace dofa
