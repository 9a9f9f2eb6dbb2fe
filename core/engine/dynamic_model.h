// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "runtime/level_table.h"
#include "search/profile.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

namespace dofa {

/// What a level switch cost: a cached level is a pointer swap, an uncached one an extraction.
struct LevelSwitch
{
    int from = -1;
    int to = -1;
    bool cached = false;  ///< true: the level was in the cache
    double ms = 0;        ///< wall time of setLevel
};

/// A supernet plus a profile (DESIGN.md "DynamicModel"): the profile's levels are the only
/// sub-networks it runs. Extracted levels (BN folded with the level's own statistics, so a
/// switch needs no recalibration) live in a bounded least-recently-used cache; switching to a
/// cached level moves one list node and swaps one pointer, whatever the number of levels.
///
/// Belongs to one thread (the inference worker): setLevel and forward are not thread-safe.
class DynamicModel
{
public:
    /// `cacheCapacity` extracted levels at most (at least 1; 0 means all levels). Throws
    /// std::invalid_argument when the profile has no levels or a level does not fit the spec.
    DynamicModel(Supernet supernet, Profile profile, int cacheCapacity = 0);

    /// Loads the model file and the profile, checks that the profile belongs to the model.
    /// Throws std::runtime_error naming the file and the problem.
    static std::unique_ptr<DynamicModel> open(const std::string& modelPath,
                                              const std::string& profilePath,
                                              int cacheCapacity = 0);

    [[nodiscard]] int levelCount() const { return static_cast<int>(m_profile.levels.size()); }
    [[nodiscard]] int level() const { return m_level; }
    [[nodiscard]] const ProfileLevel& levelInfo(int level) const
    {
        return m_profile.levels.at(level);
    }
    [[nodiscard]] const Profile& profile() const { return m_profile; }
    [[nodiscard]] const SupernetSpec& spec() const { return m_spec; }

    /// Makes `level` current, extracting it first when it is not cached (evicting the least
    /// recently used level when the cache is full). Throws std::out_of_range for a bad index.
    LevelSwitch setLevel(int level);
    /// Extracts `level` into the cache without making it current (warm-up before a demo).
    void preload(int level);
    [[nodiscard]] bool isCached(int level) const;
    [[nodiscard]] int cachedCount() const { return static_cast<int>(m_lru.size()); }
    [[nodiscard]] int cacheCapacity() const { return m_capacity; }
    /// Bytes of the weights held by the cached levels.
    [[nodiscard]] std::int64_t cacheBytes() const;
    /// Bytes of the supernet's parameters and buffers (what every level is cut from).
    [[nodiscard]] std::int64_t supernetBytes() const;

    /// Logits (N, classes) of the current level for uint8 images (N, H, W): the same
    /// preprocessing as training and evaluation, at the level's resolution.
    [[nodiscard]] torch::Tensor forward(const torch::Tensor& images) const;
    /// The current level's network, for callers that prepare inputs themselves.
    [[nodiscard]] const StaticSubnet& current() const { return *m_current; }

    /// Any sub-network of the supernet (not a level, not cached), with the supernet's running
    /// BN statistics: a competing model for contention runs, a peer in benchmarks.
    [[nodiscard]] std::shared_ptr<const StaticSubnet> extractArch(const SubnetArch& arch) const;

    /// The profile's levels as the runtime manager sees them (torch-free).
    [[nodiscard]] LevelTable levelTable() const;

private:
    std::shared_ptr<const StaticSubnet> extractLevel(int level) const;
    void insert(int level, std::shared_ptr<const StaticSubnet> net);

    SupernetSpec m_spec;
    Supernet m_supernet;
    Profile m_profile;
    int m_capacity = 0;
    /// Indexed by level: the cached network or null. A vector, not a map: O(1) lookup.
    std::vector<std::shared_ptr<const StaticSubnet>> m_slots;
    std::list<int> m_lru;  ///< cached levels, most recently used first
    std::vector<std::list<int>::iterator> m_lruPos;
    int m_level = -1;
    const StaticSubnet* m_current = nullptr;
};

/// The runtime's view of a profile: levels in the profile's order (ascending latency), with
/// top-1, latency mean/p90 and power/energy where measured.
LevelTable levelTableFromProfile(const Profile& profile);

}  // namespace dofa
