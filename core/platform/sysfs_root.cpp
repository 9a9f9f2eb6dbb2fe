// SPDX-License-Identifier: MIT
#include "platform/sysfs_root.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "platform/knob.h"
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace dofa {

namespace {

std::string errnoText(int err)
{
    return std::string(std::strerror(err)) + (err == EACCES  ? " (EACCES)"
                                              : err == EPERM ? " (EPERM)"
                                                             : "");
}

/// Natural order: runs of digits compare by value, so hwmon2 < hwmon10.
bool naturalLess(const std::string& a, const std::string& b)
{
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) &&
            std::isdigit(static_cast<unsigned char>(b[j]))) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie])))
                ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je])))
                ++je;
            const std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
            if (na.size() != nb.size())
                return na.size() < nb.size();
            if (na != nb)
                return na < nb;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j])
                return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

}  // namespace

SysfsRoot::SysfsRoot(std::string root, bool readOnly)
    : m_root(std::move(root)), m_readOnly(readOnly)
{
    while (!m_root.empty() && m_root.back() == '/')
        m_root.pop_back();
}

std::string SysfsRoot::path(const std::string& sysPath) const
{
    if (sysPath.empty() || sysPath.front() != '/')
        return m_root + "/" + sysPath;
    return m_root + sysPath;
}

bool SysfsRoot::exists(const std::string& sysPath) const
{
    std::error_code ec;
    return fs::exists(path(sysPath), ec);
}

bool SysfsRoot::isDir(const std::string& sysPath) const
{
    std::error_code ec;
    return fs::is_directory(path(sysPath), ec);
}

std::vector<std::string> SysfsRoot::list(const std::string& dirSysPath,
                                         const std::string& prefix) const
{
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(path(dirSysPath), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.compare(0, prefix.size(), prefix) == 0)
            names.push_back(name);
    }
    std::sort(names.begin(), names.end(), naturalLess);
    return names;
}

Result<std::string> SysfsRoot::resolve(const std::string& sysPath) const
{
    std::error_code ec;
    const fs::path real = fs::canonical(path(sysPath), ec);
    if (ec)
        return Result<std::string>::fail("cannot resolve " + path(sysPath) + ": " + ec.message());
    const std::string text = real.string();
    if (m_root.empty())
        return Result<std::string>::ok(text);
    const fs::path rootReal = fs::canonical(m_root, ec);
    const std::string rootText = ec ? m_root : rootReal.string();
    if (text == rootText)
        return Result<std::string>::ok("/");
    if (text.compare(0, rootText.size() + 1, rootText + "/") != 0)
        return Result<std::string>::fail(path(sysPath) + " resolves to " + text + ", outside " +
                                         m_root);
    return Result<std::string>::ok(text.substr(rootText.size()));
}

Result<std::string> SysfsRoot::readText(const std::string& sysPath) const
{
    const std::string full = path(sysPath);
    const int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Result<std::string>::fail("cannot read " + full + ": " + errnoText(errno));
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            return Result<std::string>::fail("cannot read " + full + ": " + errnoText(err));
        }
        if (n == 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > (1u << 20))
            break;  // no sysfs attribute is this large: not a value file
    }
    ::close(fd);
    const auto last = text.find_last_not_of(std::string(" \t\r\n\0", 5));
    if (last == std::string::npos)
        return Result<std::string>::ok({});
    text.erase(last + 1);
    text.erase(0, text.find_first_not_of(" \t\r\n"));
    return Result<std::string>::ok(text);
}

Result<std::int64_t> SysfsRoot::readInt(const std::string& sysPath) const
{
    const Result<std::string> text = readText(sysPath);
    if (!text)
        return Result<std::int64_t>::fail(text.error());
    return parseInteger(text.value(), path(sysPath));
}

Result<std::vector<std::int64_t>> SysfsRoot::readIntList(const std::string& sysPath) const
{
    const Result<std::vector<std::string>> words = readWords(sysPath);
    if (!words)
        return Result<std::vector<std::int64_t>>::fail(words.error());
    std::vector<std::int64_t> values;
    for (const std::string& word : words.value()) {
        const Result<std::int64_t> v = parseInteger(word, path(sysPath));
        if (!v)
            return Result<std::vector<std::int64_t>>::fail(v.error());
        values.push_back(v.value());
    }
    return Result<std::vector<std::int64_t>>::ok(values);
}

Result<std::vector<std::string>> SysfsRoot::readWords(const std::string& sysPath) const
{
    const Result<std::string> text = readText(sysPath);
    if (!text)
        return Result<std::vector<std::string>>::fail(text.error());
    std::vector<std::string> words;
    std::istringstream in(text.value());
    for (std::string word; in >> word;)
        words.push_back(word);
    return Result<std::vector<std::string>>::ok(words);
}

std::string SysfsRoot::writeProblem(const std::string& sysPath) const
{
    const std::string full = path(sysPath);
    if (m_readOnly)
        return "read-only: " + full + " is under a tree opened read-only";
    if (::access(full.c_str(), F_OK) != 0)
        return "read-only: " + full + " does not exist";
    struct statvfs vfs
    {};
    if (::statvfs(full.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
        return "read-only: " + full + " is on a read-only mount";
    // The effective ids, as open() for writing will use (access() checks the real ones).
    if (::faccessat(AT_FDCWD, full.c_str(), W_OK, AT_EACCESS) != 0)
        return "read-only: no permission to write " + full + " (" + errnoText(errno) +
               "); run as root or grant write access with a udev/tmpfiles rule";
    return {};
}

Result<bool> SysfsRoot::write(const std::string& sysPath, const std::string& value) const
{
    const std::string problem = writeProblem(sysPath);
    if (!problem.empty())
        return Result<bool>::fail(problem);
    const std::string full = path(sysPath);
    const int fd = ::open(full.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return Result<bool>::fail("cannot open " + full + " for writing: " + errnoText(errno));
    const std::string line = value + "\n";
    ssize_t n;
    do {
        n = ::write(fd, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size()))
        return Result<bool>::fail("cannot write '" + value + "' to " + full + ": " +
                                  (n < 0 ? errnoText(err) : std::string("short write")));
    if (m_observer)
        m_observer(sysPath, value);
    return Result<bool>::ok(true);
}

}  // namespace dofa
