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

/// A level on a level library's front, as the views draw it.
struct LiveLibraryLevel
{
    int level = 0;         ///< index into LiveProfile::levels
    LatencyStats latency;  ///< at the library's fastest point of the level (back to back)
    double top1 = 0;       ///< %
};

/// A level library (LevelLibrary, core/runtime/level_table.h): the levels worth running on one
/// mapping (processor, cores, threads, backend), i.e. that mapping's Pareto front. Copied from
/// the LevelTable the runtime builds, never derived again in a view.
struct LiveLevelLibrary
{
    std::string name;        ///< LevelLibrary::name: "as configured", "2 threads, cores 0-1"
    std::vector<int> cores;  ///< the CPUs it confines the model to; empty: any
    std::vector<LiveLibraryLevel> members;  ///< its front, ascending level index
};

/// What the Pareto chart and the sub-network view need of the open profile (torch-free copy).
struct LiveProfile
{
    std::string modelName;
    std::string modelChecksum;
    DeviceDescriptor device;
    std::vector<LiveProfileLevel> levels;  ///< ascending latency
    std::vector<ProfileCandidate> candidates;
    /// The level libraries (LevelTable::libraries() of the table levelTableFromProfile builds,
    /// frames back to back): [0] "as configured" (every level's own profile), then one per
    /// mapping the profile's operating points set (`dofa profile --sweep threads,cores,...`).
    /// Empty only when the profile has no levels.
    std::vector<LiveLevelLibrary> libraries;

    static LiveProfile from(const Profile& profile);
};

}  // namespace dofa
