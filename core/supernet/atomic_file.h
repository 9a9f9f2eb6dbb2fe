// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace dofa {

/// The one way dofa replaces a user's file: model files, profiles, telemetry CSV, the accuracy
/// cache, exports (ONNX, CSV, PNG, SVG), the sweep's resume file.
///
/// Bytes go to `<path>.part` in the same directory; commit() writes them out, fsyncs them and
/// renames the `.part` over `path`. A rename within one file system is atomic, so a crash or a
/// `kill -9` at any moment leaves under `path` either the old file or the complete new one,
/// never a mix. An interrupted writer leaves its `.part` behind (what it had written, useful for
/// a long telemetry recording); the next writer of `path` reuses that name.
///
/// The `.part` is locked (flock) while it is written: a second writer of the same path fails
/// with a clear error instead of interleaving its bytes, and, because a lock dies with its
/// process, a killed writer never blocks the next one.
///
/// Every error throws std::runtime_error "<path>: cannot write <what> (<problem>)"; the old
/// file is then untouched and the `.part` removed. One object, one thread.
class AtomicFile
{
public:
    /// Opens (creates, locks, empties) `<path>.part`. `what` names the content in errors
    /// ("ONNX model"). A symbolic link at `path` stays a link: the file it points to is replaced.
    explicit AtomicFile(std::string path, std::string what = "file");
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    /// Without a successful commit(): removes the `.part`, so an abandoned or failed write
    /// leaves nothing beside `path`.
    ~AtomicFile();

    /// Appends `bytes` (buffered). Throws on a write error, such as a full disk.
    void write(std::string_view bytes);
    /// Writes the buffer, fsyncs the file, renames it over `path`, fsyncs the directory.
    void commit();

    /// `bytes` as the whole new content of `path`, in one call.
    static void save(const std::string& path, std::string_view bytes,
                     const std::string& what = "file");
    /// The temporary name used while `path` is written.
    [[nodiscard]] static std::string partPath(const std::string& path);

    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    [[noreturn]] void fail(const std::string& problem);
    void writeOut(const char* data, size_t size);
    void open();

    std::string m_path;    ///< as the caller named it (errors quote it)
    std::string m_target;  ///< the file replaced: `m_path` with a symbolic link resolved
    std::string m_part;    ///< `<m_target>.part`
    std::string m_what;
    std::string m_buffer;
    int m_fd = -1;  ///< open and locked while the `.part` is ours
};

}  // namespace dofa
