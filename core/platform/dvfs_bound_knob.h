// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "platform/dvfs_domain.h"
#include "platform/knob.h"

namespace dofa {

/// The min or the max bound of a DvfsDomain, in kHz. Setting one bound past the other moves the
/// other one along (a max below the current min lowers the min too: a lock at that frequency),
/// because the kernel would otherwise reject or silently clamp the write.
class DvfsBoundKnob : public Knob
{
public:
    enum class Bound { Min, Max };

    DvfsBoundKnob(std::shared_ptr<DvfsDomain> domain, Bound bound, std::string id,
                  std::string description);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override;
    [[nodiscard]] Result<std::vector<RestoreStep>> restoreSteps() const override;

private:
    std::shared_ptr<DvfsDomain> m_domain;
    Bound m_bound;
    KnobInfo m_info;
};

}  // namespace dofa
