// SPDX-License-Identifier: MIT
#include "process_affinity.h"

#include "platform/knob_guard.h"

namespace dofa {

void ProcessAffinity::capture()
{
    for (const pid_t tid : AffinityKnob::processThreadIds())
        if (!m_knobs.count(tid))
            m_knobs[tid] = std::make_shared<AffinityKnob>(tid);
}

Result<std::string> ProcessAffinity::set(KnobGuard& guard, const std::string& cpus)
{
    const pid_t self = AffinityKnob::currentThreadId();
    if (!m_knobs.count(self))
        m_knobs[self] = std::make_shared<AffinityKnob>(self);
    Result<std::string> own = Result<std::string>::fail("app.affinity: no thread");
    for (const auto& [tid, knob] : m_knobs) {
        const auto r = guard.set(knob, cpus);
        if (tid == self) {
            if (!r.isOk())
                return Result<std::string>::fail("app.affinity = " + cpus + ": " + r.error());
            own = r;
        }
    }
    return own;
}

}  // namespace dofa
