// SPDX-License-Identifier: MIT
#include "live_profile.h"

#include <optional>
#include <stdexcept>

#include "model/dynamic_model.h"
#include "runtime/level_table.h"
#include "search/profile.h"

namespace dofa {

namespace {

/// The libraries of the LevelTable the runtime builds from `profile`: the one derivation of
/// libraries and fronts there is (LevelTable::deriveLibraries), copied for the views.
std::vector<LiveLevelLibrary> librariesOf(const Profile& profile)
{
    if (profile.levels.empty()) {
        return {};  // LevelTable refuses an empty table; there is nothing to draw either
    }
    std::optional<LevelTable> built;
    try {
        built.emplace(levelTableFromProfile(profile, FrameArrival::BackToBack));
    } catch (const std::invalid_argument&) {
        // A profile the runtime cannot take (a latency of 0): the run says so when it builds
        // the same table; the views draw the levels without libraries meanwhile.
        return {};
    }
    const LevelTable& table = *built;
    std::vector<LiveLevelLibrary> out;
    out.reserve(table.libraries().size());
    for (const LevelLibrary& library : table.libraries()) {
        LiveLevelLibrary live;
        live.name = library.name;
        live.cores = library.cores;
        for (int i = 0; i < table.size(); ++i) {
            if (!library.member[static_cast<std::size_t>(i)]) {
                continue;
            }
            // levelTableFromProfile keeps the profile's levels and their operating points in
            // order, so the table's (level, point) is the profile's: the point's own statistics
            // (its median as the chart places the levels), not only the table's mean.
            const ProfileLevel& level = profile.levels[static_cast<std::size_t>(i)];
            const int point = library.fastestPoint[static_cast<std::size_t>(i)];
            const LatencyStats& latency =
                point >= 0 && point < static_cast<int>(level.operatingPoints.size())
                    ? level.operatingPoints[static_cast<std::size_t>(point)].latency
                    : level.latency;
            live.members.push_back(LiveLibraryLevel{i, latency, level.top1});
        }
        out.push_back(std::move(live));
    }
    return out;
}

}  // namespace

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
    out.libraries = librariesOf(profile);
    return out;
}

}  // namespace dofa
