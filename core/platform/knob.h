// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/result.h"
#include "platform/unit.h"

namespace dofa {

/// What a knob sets and which values it accepts.
struct KnobInfo
{
    std::string id;                     ///< cpu.policy0.max_khz, gpu.governor, app.threads, ...
    Unit unit = Unit::None;             ///< canonical unit of numeric values; None for text
    std::string source;                 ///< resolved path(s), "nvml:0", "in-process", "simulated"
    std::string description;            ///< one line for humans
    std::vector<std::int64_t> allowed;  ///< sorted values a numeric knob snaps to; empty: any
    std::vector<std::string> choices;   ///< accepted words of a text knob (governors)
    bool simulated = false;
};

/// One write that puts a file back as it was: the absolute path and the text to write.
struct RestoreStep
{
    std::string path;
    std::string value;
};

/// A setting. set() is transactional at its own level: it snaps the request to an accepted value,
/// writes, reads back and reports the value read back (the kernel may clamp: nvpmodel, thermal).
/// Restoring the original values on exit is KnobGuard's job. Not thread-safe: one owner thread.
class Knob
{
public:
    virtual ~Knob() = default;
    [[nodiscard]] virtual const KnobInfo& info() const = 0;
    /// Current value as text (a number in the canonical unit, or a word).
    [[nodiscard]] virtual Result<std::string> get() const = 0;
    /// Applies `value` (snapped) and returns what was read back afterwards.
    virtual Result<std::string> set(const std::string& value) = 0;
    /// Empty when the knob can be written; else a message saying why not (no permission,
    /// read-only mount) that names the file. A read-only knob still reads.
    [[nodiscard]] virtual std::string readOnlyReason() const = 0;
    /// File writes that put the knob back to its current state, in order. They are replayed
    /// blindly (also from a signal handler), so a min/max pair lists max, min, max: whichever
    /// write the kernel rejects for crossing the other bound, the last two land. Empty for
    /// in-process knobs, which KnobGuard restores with set(original).
    [[nodiscard]] virtual Result<std::vector<RestoreStep>> restoreSteps() const;

    [[nodiscard]] bool isWritable() const { return readOnlyReason().empty(); }
    /// get() parsed as an integer.
    [[nodiscard]] Result<std::int64_t> getInt() const;
    Result<std::string> setInt(std::int64_t value) { return set(std::to_string(value)); }
};

/// `allowed` value nearest to `value` (ties go to the lower one); `value` itself when `allowed` is
/// empty. Snapping keeps requests inside what the driver accepts instead of letting it reject them.
std::int64_t snapToAllowed(const std::vector<std::int64_t>& allowed, std::int64_t value);

/// Parses a whole string as a base-10 integer (surrounding whitespace allowed).
Result<std::int64_t> parseInteger(const std::string& text, const std::string& what);

}  // namespace dofa
