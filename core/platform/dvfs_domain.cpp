// SPDX-License-Identifier: MIT
#include "platform/dvfs_domain.h"

#include <algorithm>

namespace dofa {

DvfsDomain::DvfsDomain(SysfsRoot root, Files files)
    : m_root(std::move(root)), m_files(std::move(files))
{
    if (m_files.fileUnitsPerKhz <= 0)
        m_files.fileUnitsPerKhz = 1;
    if (!m_files.availablePath.empty()) {
        const auto table = m_root.readIntList(m_files.availablePath);
        if (table) {
            for (const std::int64_t v : table.value())
                m_availableKhz.push_back(v / m_files.fileUnitsPerKhz);
            std::sort(m_availableKhz.begin(), m_availableKhz.end());
            m_availableKhz.erase(std::unique(m_availableKhz.begin(), m_availableKhz.end()),
                                 m_availableKhz.end());
        }
    }
}

Result<std::int64_t> DvfsDomain::readKhz(const std::string& sysPath) const
{
    const Result<std::int64_t> v = m_root.readInt(sysPath);
    if (!v)
        return v;
    return Result<std::int64_t>::ok(v.value() / m_files.fileUnitsPerKhz);
}

Result<bool> DvfsDomain::writeKhz(const std::string& sysPath, std::int64_t khz) const
{
    return m_root.write(sysPath, std::to_string(khz * m_files.fileUnitsPerKhz));
}

Result<std::int64_t> DvfsDomain::minKhz() const
{
    return readKhz(m_files.minPath);
}

Result<std::int64_t> DvfsDomain::maxKhz() const
{
    return readKhz(m_files.maxPath);
}

Result<std::int64_t> DvfsDomain::curKhz() const
{
    if (m_files.curPath.empty())
        return Result<std::int64_t>::fail("no current-frequency file next to " + m_files.maxPath);
    return readKhz(m_files.curPath);
}

std::int64_t DvfsDomain::snap(std::int64_t khz) const
{
    if (!m_availableKhz.empty())
        return snapToAllowed(m_availableKhz, khz);
    if (m_files.hwMinKhz > 0)
        khz = std::max(khz, m_files.hwMinKhz);
    if (m_files.hwMaxKhz > 0)
        khz = std::min(khz, m_files.hwMaxKhz);
    return khz;
}

Result<std::pair<std::int64_t, std::int64_t>> DvfsDomain::setRange(std::int64_t wantMin,
                                                                   std::int64_t wantMax)
{
    using R = Result<std::pair<std::int64_t, std::int64_t>>;
    const std::string problem = writeProblem();
    if (!problem.empty())
        return R::fail(problem);
    const std::int64_t newMin = snap(std::min(wantMin, wantMax));
    const std::int64_t newMax = snap(std::max(wantMin, wantMax));
    const Result<std::int64_t> curMax = maxKhz();
    if (!curMax)
        return R::fail(curMax.error());

    const bool maxFirst = writeMaxFirst(curMax.value(), newMax);
    const std::string& first = maxFirst ? m_files.maxPath : m_files.minPath;
    const std::string& second = maxFirst ? m_files.minPath : m_files.maxPath;
    const Result<bool> w1 = writeKhz(first, maxFirst ? newMax : newMin);
    if (!w1)
        return R::fail(w1.error());
    const Result<bool> w2 = writeKhz(second, maxFirst ? newMin : newMax);
    if (!w2)
        return R::fail(w2.error());

    const Result<std::int64_t> gotMin = minKhz();
    const Result<std::int64_t> gotMax = maxKhz();
    if (!gotMin)
        return R::fail(gotMin.error());
    if (!gotMax)
        return R::fail(gotMax.error());
    if (gotMin.value() != newMin)
        return R::fail("wrote " + std::to_string(newMin) + " kHz to " +
                       m_root.path(m_files.minPath) + " but it reads back " +
                       std::to_string(gotMin.value()) + " kHz (capped by nvpmodel or thermal?)");
    if (gotMax.value() != newMax)
        return R::fail("wrote " + std::to_string(newMax) + " kHz to " +
                       m_root.path(m_files.maxPath) + " but it reads back " +
                       std::to_string(gotMax.value()) + " kHz (capped by nvpmodel or thermal?)");
    return R::ok({gotMin.value(), gotMax.value()});
}

std::string DvfsDomain::writeProblem() const
{
    std::string problem = m_root.writeProblem(m_files.maxPath);
    if (problem.empty())
        problem = m_root.writeProblem(m_files.minPath);
    return problem;
}

Result<std::vector<RestoreStep>> DvfsDomain::restoreSteps() const
{
    using R = Result<std::vector<RestoreStep>>;
    const Result<std::string> minText = m_root.readText(m_files.minPath);
    const Result<std::string> maxText = m_root.readText(m_files.maxPath);
    if (!minText)
        return R::fail(minText.error());
    if (!maxText)
        return R::fail(maxText.error());
    const std::string minFull = m_root.path(m_files.minPath);
    const std::string maxFull = m_root.path(m_files.maxPath);
    return R::ok(
        {{maxFull, maxText.value()}, {minFull, minText.value()}, {maxFull, maxText.value()}});
}

}  // namespace dofa
