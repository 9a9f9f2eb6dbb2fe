// SPDX-License-Identifier: MIT
#pragma once

#include "platform/knob.h"
#include "platform/sysfs_root.h"

namespace dofa {

/// A sysfs file that takes one word out of a list: cpufreq scaling_governor (choices from
/// scaling_available_governors), devfreq governor (available_governors). A word outside the list
/// is refused before anything is written.
class SysfsChoiceKnob : public Knob
{
public:
    SysfsChoiceKnob(SysfsRoot root, std::string id, std::string sysPath, std::string choicesPath,
                    std::string description);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override;
    [[nodiscard]] Result<std::vector<RestoreStep>> restoreSteps() const override;

private:
    SysfsRoot m_root;
    std::string m_path;
    KnobInfo m_info;
};

}  // namespace dofa
