// SPDX-License-Identifier: MIT
#include "runtime/level_table.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/text_format.h"

namespace dofa {

namespace {

void require(bool condition, int level, const char* what)
{
    if (!condition)
        throw std::invalid_argument(formatText("level table: level %d: %s", level, what));
}

}  // namespace

LevelTable::LevelTable(std::vector<RuntimeLevel> levels) : m_levels(std::move(levels))
{
    if (m_levels.empty())
        throw std::invalid_argument("level table: no levels");
    for (int i = 0; i < size(); ++i) {
        const RuntimeLevel& l = m_levels[i];
        require(l.latencyMeanMs > 0, i, "latency mean must be > 0 ms");
        require(l.latencyP90Ms >= 0, i, "latency p90 must be >= 0 ms");
        require(!l.powerMw || *l.powerMw > 0, i, "power must be > 0 mW");
        require(!l.energyMj || *l.energyMj > 0, i, "energy must be > 0 mJ");
        require(i == 0 || l.latencyMeanMs >= m_levels[i - 1].latencyMeanMs, i,
                "levels must be in ascending mean latency");
        for (const OperatingPoint& op : l.operatingPoints) {
            require(op.latencyMs > 0, i, "operating point latency must be > 0 ms");
            require(!op.powerMw || *op.powerMw > 0, i, "operating point power must be > 0 mW");
            require(!op.energyMj || *op.energyMj > 0, i, "operating point energy must be > 0 mJ");
        }
    }
    deriveLibraries();
}

void LevelTable::deriveLibraries()
{
    const int n = size();
    auto libraryNamed = [&](const std::string& name, const std::vector<int>& cores) {
        for (int k = 0; k < static_cast<int>(m_libraries.size()); ++k)
            if (m_libraries[k].name == name)
                return k;
        LevelLibrary library;
        library.name = name;
        library.cores = cores;
        library.fastestPoint.assign(static_cast<std::size_t>(n), -1);
        library.member.assign(static_cast<std::size_t>(n), 0);
        m_libraries.push_back(std::move(library));
        return static_cast<int>(m_libraries.size()) - 1;
    };
    // "As configured" (index 0): every level's own profile (point -1), measured with the knobs
    // as they were, and the points that set no mapping (clocks only).
    libraryNamed(kAsConfigured, {});
    m_libraryOfPoint.assign(static_cast<std::size_t>(n), {});
    std::vector<std::vector<double>> fastestMs;  // per library, per level; 0: not there
    for (int i = 0; i < n; ++i) {
        const RuntimeLevel& l = m_levels[i];
        auto& of = m_libraryOfPoint[i];
        of.assign(l.operatingPoints.size() + 1, 0);
        for (int p = 0; p < static_cast<int>(l.operatingPoints.size()); ++p) {
            const OperatingPoint& op = l.operatingPoints[p];
            of[p + 1] = op.mapping.empty() ? 0 : libraryNamed(op.mapping, op.cores);
        }
        fastestMs.resize(m_libraries.size(), std::vector<double>(static_cast<std::size_t>(n), 0));
        fastestMs[0][i] = l.latencyMeanMs;
        for (int p = 0; p < static_cast<int>(l.operatingPoints.size()); ++p) {
            const double ms = l.operatingPoints[p].latencyMs;
            double& best = fastestMs[of[p + 1]][i];
            if (best == 0 || ms < best) {
                best = ms;
                m_libraries[of[p + 1]].fastestPoint[i] = p;
            }
        }
    }
    // "As configured" is the profile's own level table, already chosen on its front by the
    // search: every level stays (clamping made its latencies ascending, so a tie there is not
    // a measurement). Each mapping's front is picked on its own latencies.
    std::fill(m_libraries[0].member.begin(), m_libraries[0].member.end(), 1);
    for (int k = 1; k < static_cast<int>(m_libraries.size()); ++k) {
        LevelLibrary& library = m_libraries[k];
        for (int i = 0; i < n; ++i) {
            const double ms = fastestMs[k][i];
            bool dominated = ms == 0;
            for (int j = 0; j < n && !dominated; ++j) {
                const double other = fastestMs[k][j];
                if (j == i || other == 0)
                    continue;
                const double a = m_levels[i].top1, b = m_levels[j].top1;
                dominated = b >= a && other <= ms && (b > a || other < ms);
            }
            library.member[i] = !dominated;
        }
    }
}

bool LevelTable::hasMappings() const
{
    return m_libraries.size() > 1;
}

int LevelTable::libraryOf(int level, int operatingPoint) const
{
    if (level < 0 || level >= size() || operatingPoint < -1 ||
        operatingPoint + 1 >= static_cast<int>(m_libraryOfPoint[level].size()))
        return -1;
    return m_libraryOfPoint[level][operatingPoint + 1];
}

bool LevelTable::offered(int level, int operatingPoint) const
{
    const int k = libraryOf(level, operatingPoint);
    return k >= 0 && m_libraries[k].member[level];
}

bool LevelLibrary::contends(const LevelLibrary& other) const
{
    if (cores.empty() || other.cores.empty())
        return true;
    for (int c : cores)
        if (std::find(other.cores.begin(), other.cores.end(), c) != other.cores.end())
            return true;
    return false;
}

int LevelLibrary::memberCount() const
{
    return static_cast<int>(std::count(member.begin(), member.end(), 1));
}

bool LevelTable::hasOperatingPoints() const
{
    for (const RuntimeLevel& l : m_levels)
        if (!l.operatingPoints.empty())
            return true;
    return false;
}

std::optional<double> energyPerInferenceMj(const RuntimeLevel& level, int operatingPoint)
{
    if (operatingPoint >= 0) {
        const OperatingPoint& op = level.operatingPoints.at(operatingPoint);
        if (op.energyMj)
            return op.energyMj;
        if (op.powerMw)
            return *op.powerMw * op.latencyMs / 1000.0;
        return std::nullopt;
    }
    if (level.energyMj)
        return level.energyMj;
    if (level.powerMw)
        return *level.powerMw * level.latencyMeanMs / 1000.0;
    return std::nullopt;
}

}  // namespace dofa
