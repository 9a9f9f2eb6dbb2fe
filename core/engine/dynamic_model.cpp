// SPDX-License-Identifier: MIT
#include "dynamic_model.h"

#include <chrono>
#include <stdexcept>

#include "data/preprocess.h"
#include "supernet/model_file.h"

namespace dofa {

DynamicModel::DynamicModel(Supernet supernet, Profile profile, int cacheCapacity)
    : m_spec(supernet->spec()), m_supernet(std::move(supernet)), m_profile(std::move(profile))
{
    if (m_profile.levels.empty()) {
        throw std::invalid_argument("profile of '" + m_profile.modelName + "' has no levels");
    }
    for (size_t i = 0; i < m_profile.levels.size(); ++i) {
        const std::string problem = m_profile.levels[i].arch.validate(m_spec);
        if (!problem.empty()) {
            throw std::invalid_argument("profile level " + std::to_string(i) + ": " + problem);
        }
    }
    const int n = levelCount();
    m_capacity = cacheCapacity <= 0 ? n : std::min(cacheCapacity, n);
    m_slots.resize(static_cast<size_t>(n));
    m_lruPos.resize(static_cast<size_t>(n));
    m_supernet->eval();
    // Start on the most accurate level, as a fresh runtime manager does (no targets yet).
    setLevel(n - 1);
}

std::unique_ptr<DynamicModel> DynamicModel::open(const std::string& modelPath,
                                                 const std::string& profilePath, int cacheCapacity)
{
    const ModelFile file = ModelFile::load(modelPath);
    Profile profile = Profile::load(profilePath, file.spec);
    profile.checkModel(file.checksum, profilePath);
    return std::make_unique<DynamicModel>(file.buildSupernet(modelPath), std::move(profile),
                                          cacheCapacity);
}

std::shared_ptr<const StaticSubnet> DynamicModel::extractLevel(int level) const
{
    const ProfileLevel& l = m_profile.levels.at(static_cast<size_t>(level));
    torch::NoGradGuard noGrad;
    return std::make_shared<const StaticSubnet>(
        m_supernet->extract(l.arch, l.bn.empty() ? nullptr : &l.bn));
}

std::shared_ptr<const StaticSubnet> DynamicModel::extractArch(const SubnetArch& arch) const
{
    torch::NoGradGuard noGrad;
    return std::make_shared<const StaticSubnet>(m_supernet->extract(arch));
}

void DynamicModel::insert(int level, std::shared_ptr<const StaticSubnet> net)
{
    if (static_cast<int>(m_lru.size()) >= m_capacity) {
        // Evict the least recently used level; the current one is never the tail unless the
        // capacity is 1, and then the new level replaces it anyway.
        const int victim = m_lru.back();
        m_lru.pop_back();
        m_slots[static_cast<size_t>(victim)].reset();
    }
    m_lru.push_front(level);
    m_lruPos[static_cast<size_t>(level)] = m_lru.begin();
    m_slots[static_cast<size_t>(level)] = std::move(net);
}

LevelSwitch DynamicModel::setLevel(int level)
{
    if (level < 0 || level >= levelCount()) {
        throw std::out_of_range("level " + std::to_string(level) + " out of range 0.." +
                                std::to_string(levelCount() - 1));
    }
    const auto start = std::chrono::steady_clock::now();
    LevelSwitch s;
    s.from = m_level;
    s.to = level;
    const auto idx = static_cast<size_t>(level);
    s.cached = m_slots[idx] != nullptr;
    if (s.cached) {
        m_lru.splice(m_lru.begin(), m_lru, m_lruPos[idx]);
    } else {
        insert(level, extractLevel(level));
    }
    m_current = m_slots[idx].get();
    m_level = level;
    s.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return s;
}

void DynamicModel::preload(int level)
{
    if (level < 0 || level >= levelCount()) {
        throw std::out_of_range("level " + std::to_string(level) + " out of range");
    }
    if (isCached(level)) {
        return;
    }
    const int keep = m_level;
    insert(level, extractLevel(level));
    if (!isCached(keep)) {
        // A full cache evicted the current level: bring it back to the front, so the
        // running network is never freed under the worker.
        insert(keep, extractLevel(keep));
    } else {
        m_lru.splice(m_lru.begin(), m_lru, m_lruPos[static_cast<size_t>(keep)]);
    }
    m_current = m_slots[static_cast<size_t>(keep)].get();
}

bool DynamicModel::isCached(int level) const
{
    return level >= 0 && level < levelCount() && m_slots[static_cast<size_t>(level)] != nullptr;
}

std::int64_t DynamicModel::cacheBytes() const
{
    std::int64_t bytes = 0;
    for (const auto& net : m_slots) {
        if (net) {
            bytes += net->weightBytes();
        }
    }
    return bytes;
}

std::int64_t DynamicModel::supernetBytes() const
{
    std::int64_t bytes = 0;
    for (const auto& [name, t] : m_supernet->stateDict()) {
        bytes += t.numel() * static_cast<std::int64_t>(t.element_size());
    }
    return bytes;
}

torch::Tensor DynamicModel::forward(const torch::Tensor& images) const
{
    torch::NoGradGuard noGrad;
    const torch::Tensor x =
        preprocess::toInput(images, m_current->resolution(), m_spec.mean, m_spec.std);
    return m_current->forward(x);
}

LevelTable DynamicModel::levelTable() const
{
    return levelTableFromProfile(m_profile);
}

LevelTable levelTableFromProfile(const Profile& profile)
{
    std::vector<RuntimeLevel> levels;
    levels.reserve(profile.levels.size());
    for (size_t i = 0; i < profile.levels.size(); ++i) {
        const ProfileLevel& p = profile.levels[i];
        RuntimeLevel l;
        l.id = static_cast<int>(i);
        l.arch = p.arch.toString();
        l.top1 = p.top1;
        l.latencyMeanMs = p.latency.mean;
        l.latencyP90Ms = p.latency.p90;
        l.powerMw = p.powerMw;
        l.energyMj = p.energyMj;
        levels.push_back(std::move(l));
    }
    return LevelTable(std::move(levels));
}

}  // namespace dofa
