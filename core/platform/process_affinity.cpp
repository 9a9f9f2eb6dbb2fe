// SPDX-License-Identifier: MIT
#include "process_affinity.h"

#include <algorithm>

#include "platform/knob_guard.h"

namespace dofa {

void ProcessAffinity::capture()
{
    for (const pid_t tid : AffinityKnob::processThreadIds())
        if (!m_knobs.count(tid) && !foreign(tid))
            m_knobs[tid] = std::make_shared<AffinityKnob>(tid);
}

Result<std::string> ProcessAffinity::set(KnobGuard& guard, const std::string& cpus)
{
    const pid_t self = AffinityKnob::currentThreadId();
    if (!m_knobs.count(self))
        m_knobs[self] = std::make_shared<AffinityKnob>(self);
    Result<std::string> own = Result<std::string>::fail("app.affinity: no thread");
    for (const auto& [tid, knob] : m_knobs) {
        if (foreign(tid))
            continue;
        const auto r = guard.set(knob, cpus);
        if (tid == self) {
            if (!r.isOk())
                return Result<std::string>::fail("app.affinity = " + cpus + ": " + r.error());
            own = r;
        }
    }
    return own;
}

void ProcessAffinity::setForeignThreads(std::vector<pid_t> tids)
{
    m_foreign = std::move(tids);
}

bool ProcessAffinity::foreign(pid_t tid) const
{
    return std::find(m_foreign.begin(), m_foreign.end(), tid) != m_foreign.end();
}

}  // namespace dofa
