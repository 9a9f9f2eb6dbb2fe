// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/affinity_knob.h"
#include "platform/result.h"

namespace dofa {

class KnobGuard;

/// The CPU affinity of the whole process, the `app.affinity` of a profile's operating points:
/// a thread keeps its own affinity and OpenMP's pool threads run part of every forward, so
/// every thread is pinned. One AffinityKnob per thread id, kept across writes, so that a guard
/// restores each thread's original; call capture() after the inference pool has started.
class ProcessAffinity
{
public:
    /// Makes a knob for every thread of the process that has none yet (the allowed CPUs are the
    /// process's affinity now: call it before the first write).
    void capture();
    /// Writes `cpus` ("0-1", a kernel CPU list) to every captured thread under `guard`, and
    /// returns what the calling thread's knob read back. Fails, naming the list, when the
    /// calling thread's write fails; threads that have ended since (a decoder's, an old pool's)
    /// are skipped.
    Result<std::string> set(KnobGuard& guard, const std::string& cpus);
    /// Threads that stand for other programs (a CompetingLoad in this process): never captured
    /// nor written, so that a load pinned to a core stays there when the model moves.
    void setForeignThreads(std::vector<pid_t> tids);

private:
    [[nodiscard]] bool foreign(pid_t tid) const;

    std::vector<pid_t> m_foreign;
    std::map<pid_t, std::shared_ptr<AffinityKnob>> m_knobs;
};

}  // namespace dofa
