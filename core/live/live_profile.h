// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "search/device_descriptor.h"
#include "search/latency_stats.h"
#include "search/profile_candidate.h"
#include "supernet/subnet_arch.h"

namespace dofa {

struct Profile;

/// A profile level as the views draw it: ProfileLevel without its BN statistics (tensors), so
/// that no GUI header needs torch. Field names match ProfileLevel.
struct LiveProfileLevel
{
    SubnetArch arch;
    double top1 = 0;
    LatencyStats latency;
    std::int64_t macs = 0;
    std::int64_t params = 0;
    std::optional<double> powerMw;
    std::optional<double> energyMj;
};

/// What the Pareto chart and the sub-network view need of the open profile (torch-free copy).
struct LiveProfile
{
    std::string modelName;
    std::string modelChecksum;
    DeviceDescriptor device;
    std::vector<LiveProfileLevel> levels;  ///< ascending latency
    std::vector<ProfileCandidate> candidates;

    static LiveProfile from(const Profile& profile);
};

}  // namespace dofa
