// SPDX-License-Identifier: MIT
#include "platform/dvfs_bound_knob.h"

#include <algorithm>

namespace dofa {

DvfsBoundKnob::DvfsBoundKnob(std::shared_ptr<DvfsDomain> domain, Bound bound, std::string id,
                             std::string description)
    : m_domain(std::move(domain)), m_bound(bound)
{
    m_info.id = std::move(id);
    m_info.unit = Unit::KiloHertz;
    m_info.description = std::move(description);
    const DvfsDomain::Files& f = m_domain->files();
    m_info.source = m_domain->root().path(bound == Bound::Min ? f.minPath : f.maxPath);
    m_info.allowed = m_domain->availableKhz();
}

Result<std::string> DvfsBoundKnob::get() const
{
    const Result<std::int64_t> v = m_bound == Bound::Min ? m_domain->minKhz() : m_domain->maxKhz();
    if (!v)
        return Result<std::string>::fail(v.error());
    return Result<std::string>::ok(std::to_string(v.value()));
}

Result<std::string> DvfsBoundKnob::set(const std::string& value)
{
    const std::string problem = readOnlyReason();
    if (!problem.empty())
        return Result<std::string>::fail(m_info.id + " is " + problem);
    const Result<std::int64_t> want = parseInteger(value, m_info.id);
    if (!want)
        return Result<std::string>::fail(want.error());
    const Result<std::int64_t> curMin = m_domain->minKhz();
    const Result<std::int64_t> curMax = m_domain->maxKhz();
    if (!curMin)
        return Result<std::string>::fail(curMin.error());
    if (!curMax)
        return Result<std::string>::fail(curMax.error());
    const std::int64_t snapped = m_domain->snap(want.value());
    const auto range = m_bound == Bound::Min
                           ? m_domain->setRange(snapped, std::max(curMax.value(), snapped))
                           : m_domain->setRange(std::min(curMin.value(), snapped), snapped);
    if (!range)
        return Result<std::string>::fail(range.error());
    return Result<std::string>::ok(
        std::to_string(m_bound == Bound::Min ? range.value().first : range.value().second));
}

std::string DvfsBoundKnob::readOnlyReason() const
{
    return m_domain->writeProblem();
}

Result<std::vector<RestoreStep>> DvfsBoundKnob::restoreSteps() const
{
    return m_domain->restoreSteps();
}

}  // namespace dofa
