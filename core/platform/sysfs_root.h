// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "platform/result.h"

namespace dofa {

/// The file system the device layer reads: "/" on a board, a fixture tree in tests. Every path
/// given to it is a system path ("/sys/class/devfreq"); it prefixes the root. Errors name the
/// full path. Symlinks are followed (real sysfs is mostly links); relative links resolve inside
/// the root, which is how the fixtures keep their links working wherever they are copied.
class SysfsRoot
{
public:
    /// `readOnly` treats the tree as mounted read-only (as /sys in an unprivileged container):
    /// knobs then report themselves read-only. A read-only mount is also detected by itself.
    explicit SysfsRoot(std::string root = "/", bool readOnly = false);

    [[nodiscard]] const std::string& root() const { return m_root; }
    /// Root + system path.
    [[nodiscard]] std::string path(const std::string& sysPath) const;

    [[nodiscard]] bool exists(const std::string& sysPath) const;
    [[nodiscard]] bool isDir(const std::string& sysPath) const;
    /// Names in a directory that start with `prefix`, in natural order (policy2 before
    /// policy10); empty when the directory is missing.
    [[nodiscard]] std::vector<std::string> list(const std::string& dirSysPath,
                                                const std::string& prefix = {}) const;
    /// The link-free system path of `sysPath` (symlinks resolved, still relative to the root);
    /// an error when it does not exist or leaves the root.
    [[nodiscard]] Result<std::string> resolve(const std::string& sysPath) const;

    /// Contents without surrounding whitespace and trailing NULs (device-tree strings).
    [[nodiscard]] Result<std::string> readText(const std::string& sysPath) const;
    [[nodiscard]] Result<std::int64_t> readInt(const std::string& sysPath) const;
    /// Whitespace-separated integers (available_frequencies).
    [[nodiscard]] Result<std::vector<std::int64_t>> readIntList(const std::string& sysPath) const;
    /// Whitespace-separated words (available_governors).
    [[nodiscard]] Result<std::vector<std::string>> readWords(const std::string& sysPath) const;

    /// Empty when `sysPath` can be written; else a message naming the file and the reason.
    [[nodiscard]] std::string writeProblem(const std::string& sysPath) const;
    /// Writes `value` plus a newline (as `echo value > file`). Returns an error naming the file.
    Result<bool> write(const std::string& sysPath, const std::string& value) const;

    /// Called after each successful write (tests use it to check the order of min/max writes).
    using WriteObserver = std::function<void(const std::string& sysPath, const std::string& value)>;
    void setWriteObserver(WriteObserver observer) { m_observer = std::move(observer); }

private:
    std::string m_root;  ///< without a trailing slash; empty for "/"
    bool m_readOnly = false;
    WriteObserver m_observer;
};

}  // namespace dofa
