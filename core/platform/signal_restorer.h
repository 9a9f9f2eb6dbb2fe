// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include "platform/knob.h"
#include "platform/result.h"

namespace dofa {

/// Process-wide table of armed restore plans, replayable from a signal handler.
///
/// Why this shape: a SIGINT or SIGTERM must not leave a board locked at its lowest frequency, but a
/// signal handler may only call async-signal-safe functions (no malloc, no std::string, no
/// locks). So arm() does all the work up front: it opens each file (O_WRONLY) and copies each value
/// into a fixed-size slot; the handler then only does lseek(2), write(2) and ftruncate(2) on those
/// descriptors, newest plan first, and chains to the previous disposition (re-raising the signal
/// under SIG_DFL so that the exit status still says "killed by SIGTERM"). KnobGuard uses the same
/// replay for its ordinary restore, so both paths are the one tested code.
///
/// Thread-safety: arm/disarm/replay are serialised by a mutex; the handler reads only plans whose
/// state is published with release/acquire atomics.
class SignalRestorer
{
public:
    static constexpr int kMaxPlans = 256;
    static constexpr int kMaxSteps = 4;        ///< per plan (a min/max pair needs 3)
    static constexpr int kMaxValueBytes = 96;  ///< per step, newline included

    /// Installs the SIGINT and SIGTERM handlers once per process (idempotent).
    static void installHandlers();
    /// Opens the files and stores the values; returns a plan token. Fails naming the file when
    /// one cannot be opened for writing, or when the table is full.
    static Result<int> arm(const std::vector<RestoreStep>& steps);
    /// Replays one plan (write(2) on the kept descriptors). Errors of single writes are ignored:
    /// a step that the kernel rejects for crossing the other bound is followed by one that lands.
    static void replay(int token);
    /// Closes the plan's descriptors and frees its slot.
    static void disarm(int token);
    /// Plans armed now (tests).
    static int armedCount();
};

}  // namespace dofa
