// SPDX-License-Identifier: MIT
#include "live_profile.h"

#include "search/profile.h"

namespace dofa {

LiveProfile LiveProfile::from(const Profile& profile)
{
    LiveProfile out;
    out.modelName = profile.modelName;
    out.modelChecksum = profile.modelChecksum;
    out.device = profile.device;
    out.candidates = profile.candidates;
    out.levels.reserve(profile.levels.size());
    for (const ProfileLevel& l : profile.levels) {
        out.levels.push_back(
            LiveProfileLevel{l.arch, l.top1, l.latency, l.macs, l.params, l.powerMw, l.energyMj});
    }
    return out;
}

}  // namespace dofa
