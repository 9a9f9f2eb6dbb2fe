// SPDX-License-Identifier: MIT
#include "platform/sysfs_choice_knob.h"

#include <algorithm>

namespace dofa {

SysfsChoiceKnob::SysfsChoiceKnob(SysfsRoot root, std::string id, std::string sysPath,
                                 std::string choicesPath, std::string description)
    : m_root(std::move(root)), m_path(std::move(sysPath))
{
    m_info.id = std::move(id);
    m_info.unit = Unit::None;
    m_info.source = m_root.path(m_path);
    m_info.description = std::move(description);
    if (!choicesPath.empty())
        m_info.choices = m_root.readWords(choicesPath).valueOr({});
}

Result<std::string> SysfsChoiceKnob::get() const
{
    return m_root.readText(m_path);
}

Result<std::string> SysfsChoiceKnob::set(const std::string& value)
{
    const std::string problem = readOnlyReason();
    if (!problem.empty())
        return Result<std::string>::fail(m_info.id + " is " + problem);
    if (!m_info.choices.empty() &&
        std::find(m_info.choices.begin(), m_info.choices.end(), value) == m_info.choices.end()) {
        std::string list;
        for (const std::string& c : m_info.choices)
            list += (list.empty() ? "" : ", ") + c;
        return Result<std::string>::fail(m_info.id + ": '" + value + "' is not one of " + list);
    }
    const Result<bool> written = m_root.write(m_path, value);
    if (!written)
        return Result<std::string>::fail(written.error());
    const Result<std::string> back = get();
    if (back && back.value() != value)
        return Result<std::string>::fail("wrote '" + value + "' to " + m_info.source +
                                         " but it reads back '" + back.value() + "'");
    return back;
}

std::string SysfsChoiceKnob::readOnlyReason() const
{
    return m_root.writeProblem(m_path);
}

Result<std::vector<RestoreStep>> SysfsChoiceKnob::restoreSteps() const
{
    const Result<std::string> current = get();
    if (!current)
        return Result<std::vector<RestoreStep>>::fail(current.error());
    return Result<std::vector<RestoreStep>>::ok({{m_info.source, current.value()}});
}

}  // namespace dofa
