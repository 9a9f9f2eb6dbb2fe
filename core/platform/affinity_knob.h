// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "platform/knob.h"
#include <sys/types.h>

namespace dofa {

/// The CPU affinity of one thread (app.affinity.<tid>), as a kernel CPU list ("0-3,5"). Pinning
/// the inference thread to a cluster needs no root, unlike cpufreq, so it always exists.
class AffinityKnob : public Knob
{
public:
    /// `tid` 0: the calling thread. The allowed CPUs are the process's affinity at construction.
    explicit AffinityKnob(pid_t tid = 0);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    /// Refuses CPUs outside the allowed set or an empty list; applies with sched_setaffinity.
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override { return {}; }

    [[nodiscard]] pid_t threadId() const { return m_tid; }
    /// The kernel id of the calling thread (gettid).
    static pid_t currentThreadId();
    /// The kernel ids of every thread of this process (/proc/self/task), ascending.
    static std::vector<pid_t> processThreadIds();
    /// "0-2,5" -> {0,1,2,5}; an error names the bad token.
    static Result<std::vector<int>> parseCpuList(const std::string& text);
    /// {0,1,2,5} -> "0-2,5".
    static std::string formatCpuList(const std::vector<int>& cpus);

private:
    pid_t m_tid;
    KnobInfo m_info;
};

}  // namespace dofa
