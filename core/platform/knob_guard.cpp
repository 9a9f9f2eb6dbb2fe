// SPDX-License-Identifier: MIT
#include "platform/knob_guard.h"

#include <map>

#include "platform/platform_log.h"
#include "platform/signal_restorer.h"
#include "platform/sysfs_root.h"

namespace dofa {

KnobGuard::KnobGuard(bool restoreOnSignals)
{
    if (restoreOnSignals)
        SignalRestorer::installHandlers();
}

KnobGuard::~KnobGuard()
{
    restore();
}

Result<bool> KnobGuard::capture(const std::shared_ptr<Knob>& knob)
{
    if (!knob)
        return Result<bool>::fail("capture: no knob");
    for (const Entry& e : m_entries)
        if (e.knob == knob)
            return Result<bool>::ok(false);
    const std::string readOnly = knob->readOnlyReason();
    if (!readOnly.empty())
        return Result<bool>::fail(knob->info().id + " is " + readOnly);
    Entry entry;
    entry.knob = knob;
    const Result<std::string> original = knob->get();
    if (!original)
        return Result<bool>::fail("cannot snapshot " + knob->info().id + ": " + original.error());
    entry.original = original.value();
    const Result<std::vector<RestoreStep>> steps = knob->restoreSteps();
    if (!steps)
        return Result<bool>::fail("cannot snapshot " + knob->info().id + ": " + steps.error());
    entry.steps = steps.value();
    if (!entry.steps.empty()) {
        const Result<int> token = SignalRestorer::arm(entry.steps);
        if (!token)
            return Result<bool>::fail(knob->info().id + ": " + token.error());
        entry.token = token.value();
    }
    m_entries.push_back(std::move(entry));
    return Result<bool>::ok(true);
}

Result<std::string> KnobGuard::set(const std::shared_ptr<Knob>& knob, const std::string& value)
{
    const Result<bool> captured = capture(knob);
    if (!captured)
        return Result<std::string>::fail(captured.error());
    const Result<std::string> written = knob->set(value);
    if (written)
        qCDebug(lcPlatform, "knob %s := %s (reads back %s)", knob->info().id.c_str(), value.c_str(),
                written.value().c_str());
    else
        qCDebug(lcPlatform, "knob %s := %s failed: %s", knob->info().id.c_str(), value.c_str(),
                written.error().c_str());
    return written;
}

std::vector<std::string> KnobGuard::restore()
{
    std::vector<std::string> errors;
    const SysfsRoot absolute("/");
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        const std::string& id = it->knob->info().id;
        if (it->token < 0) {
            const Result<std::string> back = it->knob->set(it->original);
            if (!back)
                errors.push_back("restore " + id + ": " + back.error());
            else if (back.value() != it->original)
                errors.push_back("restore " + id + ": reads back '" + back.value() +
                                 "', expected '" + it->original + "'");
            continue;
        }
        SignalRestorer::replay(it->token);
        SignalRestorer::disarm(it->token);
        // The last step per file is the value it must hold now.
        std::map<std::string, std::string> expected;
        for (const RestoreStep& step : it->steps)
            expected[step.path] = step.value;
        for (const auto& [path, value] : expected) {
            const Result<std::string> back = absolute.readText(path);
            if (!back)
                errors.push_back("restore " + id + ": " + back.error());
            else if (back.value() != value)
                errors.push_back("restore " + id + ": " + path + " reads back '" + back.value() +
                                 "', expected '" + value + "'");
        }
    }
    for (const std::string& e : errors)
        qCWarning(lcPlatform, "%s", e.c_str());
    if (!m_entries.empty())
        qCDebug(lcPlatform, "%zu knob(s) restored, %zu failed", m_entries.size(), errors.size());
    m_entries.clear();
    return errors;
}

}  // namespace dofa
