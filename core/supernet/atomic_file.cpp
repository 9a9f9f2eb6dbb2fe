// SPDX-License-Identifier: MIT
#include "atomic_file.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dofa {

namespace {

// Rows of a telemetry recording arrive a few hundred bytes at a time; one write(2) per 256 KiB
// keeps the system calls rare without holding much memory.
constexpr size_t kBufferSize = size_t{1} << 18;
// Another writer may rename the `.part` between our open and our lock (see open()); a few
// retries are plenty, a loop without bound is not.
constexpr int kOpenAttempts = 8;

std::string errnoText(int error)
{
    return std::strerror(error);
}

std::string directoryOf(const std::string& path)
{
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// The file a write to `path` replaces: the target of a symbolic link (QSaveFile did the same,
/// and a user who linked `model.dofa` to a versioned file expects the link to survive).
std::string resolveLink(const std::string& path)
{
    struct stat st
    {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
        return path;
    }
    char resolved[PATH_MAX];
    // A dangling link has no target to resolve: the link itself is replaced.
    return ::realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

}  // namespace

AtomicFile::AtomicFile(std::string path, std::string what)
    : m_path(std::move(path)), m_what(std::move(what))
{
    if (m_path.empty()) {
        throw std::runtime_error("cannot write " + m_what + " (no file name given)");
    }
    m_target = resolveLink(m_path);
    m_part = partPath(m_target);
    open();
    m_buffer.reserve(kBufferSize);
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0) {
        // Still holding the lock, so the name is still ours to remove.
        ::unlink(m_part.c_str());
        ::close(m_fd);
    }
}

std::string AtomicFile::partPath(const std::string& path)
{
    return path + ".part";
}

void AtomicFile::save(const std::string& path, std::string_view bytes, const std::string& what)
{
    AtomicFile file(path, what);
    file.write(bytes);
    file.commit();
}

void AtomicFile::fail(const std::string& problem)
{
    if (m_fd >= 0) {
        ::unlink(m_part.c_str());
        ::close(m_fd);
        m_fd = -1;
    }
    throw std::runtime_error(m_path + ": cannot write " + m_what + " (" + problem + ")");
}

void AtomicFile::open()
{
    for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
        // No O_TRUNC: the name may belong to a live writer, whose bytes stay until we hold the
        // lock. 0666 and the umask, as for any new file; an existing file's mode is kept below.
        const int fd = ::open(m_part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            fail("cannot create " + m_part + ": " + errnoText(errno));
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int error = errno;
            if (error == EWOULDBLOCK) {
                ::close(fd);
                fail(m_part + " is being written by another process");
            }
            // A file system without locks (some network mounts): write unlocked rather than
            // not at all; the rename is what keeps the old file safe.
        }
        // Between our open and our lock, the previous holder may have renamed this inode onto
        // the target (its commit) or removed it: then it is no longer the `.part`, and truncating
        // it would destroy a finished file. Only the inode still named `.part` is ours.
        struct stat opened
        {
        }, named{};
        if (::fstat(fd, &opened) == 0 && ::stat(m_part.c_str(), &named) == 0 &&
            opened.st_dev == named.st_dev && opened.st_ino == named.st_ino) {
            m_fd = fd;
            break;
        }
        ::close(fd);
    }
    if (m_fd < 0) {
        fail(m_part + " keeps changing under another writer");
    }
    if (::ftruncate(m_fd, 0) != 0) {
        fail("cannot empty " + m_part + ": " + errnoText(errno));
    }
    // Replacing a file must not widen or narrow who may read it (a 0600 settings file stays
    // private).
    struct stat old
    {};
    if (::stat(m_target.c_str(), &old) == 0 && S_ISREG(old.st_mode)) {
        ::fchmod(m_fd, old.st_mode & 07777);
    }
}

void AtomicFile::writeOut(const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(m_fd, data, size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write error on " + m_part + ": " + errnoText(errno));
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

void AtomicFile::write(std::string_view bytes)
{
    if (m_fd < 0) {
        fail("written after commit or after an error");
    }
    if (m_buffer.size() + bytes.size() > kBufferSize) {
        writeOut(m_buffer.data(), m_buffer.size());
        m_buffer.clear();
    }
    if (bytes.size() >= kBufferSize) {
        writeOut(bytes.data(), bytes.size());
    } else {
        m_buffer.append(bytes);
    }
}

void AtomicFile::commit()
{
    if (m_fd < 0) {
        fail("committed twice or after an error");
    }
    writeOut(m_buffer.data(), m_buffer.size());
    m_buffer.clear();
    // Without fsync, the rename can reach the disk before the data: after a power cut the new
    // name would hold an empty or partial file.
    if (::fsync(m_fd) != 0) {
        fail("cannot flush " + m_part + " to disk: " + errnoText(errno));
    }
    // Renamed while the lock is held: once it is released, another writer may take the name.
    if (::rename(m_part.c_str(), m_target.c_str()) != 0) {
        fail("cannot rename " + m_part + " to " + m_target + ": " + errnoText(errno));
    }
    ::close(m_fd);
    m_fd = -1;
    // The rename itself is durable once the directory is synced. Best effort: the new file is
    // complete under its name already, and some file systems refuse fsync on a directory.
    const int dir = ::open(directoryOf(m_target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

}  // namespace dofa
