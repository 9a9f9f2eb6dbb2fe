// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "platform/knob.h"

namespace dofa {

/// Snapshot -> apply -> restore for knobs. capture() records a knob's state before the first
/// write; the destructor (or restore()) puts every captured knob back, newest first, and checks by
/// reading back. File-backed knobs are also armed in SignalRestorer, so SIGINT and SIGTERM restore
/// them too. Knobs without restore steps (threads, affinity) are restored with set(original): they
/// die with the process anyway.
///
/// One owner thread. Keep the guard alive as long as the settings should hold.
class KnobGuard
{
public:
    /// `restoreOnSignals` installs the SIGINT/SIGTERM handlers (once per process).
    explicit KnobGuard(bool restoreOnSignals = true);
    ~KnobGuard();
    KnobGuard(const KnobGuard&) = delete;
    KnobGuard& operator=(const KnobGuard&) = delete;

    /// Records the knob's current state unless this guard already holds it. Fails, naming the
    /// knob, when it is read-only or its state cannot be read.
    Result<bool> capture(const std::shared_ptr<Knob>& knob);
    /// capture() then set(); returns the value read back.
    Result<std::string> set(const std::shared_ptr<Knob>& knob, const std::string& value);
    /// Restores every captured knob (newest first) and forgets them. Returns one message per knob
    /// that did not come back; empty when all did.
    std::vector<std::string> restore();
    [[nodiscard]] std::size_t size() const { return m_entries.size(); }

private:
    struct Entry
    {
        std::shared_ptr<Knob> knob;
        std::string original;  ///< get() at capture time
        std::vector<RestoreStep> steps;
        int token = -1;  ///< SignalRestorer plan, -1 for in-process knobs
    };
    std::vector<Entry> m_entries;
};

}  // namespace dofa
