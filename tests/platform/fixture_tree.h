// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QTemporaryDir>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "platform/platform.h"

/// A fixture sysfs tree (tests/fixtures/sysfs/<board>) copied into a temporary directory, links
/// kept as links, so that tests may write, break and delete files without touching the fixtures.
class FixtureTree
{
public:
    explicit FixtureTree(const std::string& board)
    {
        const std::filesystem::path src =
            std::filesystem::path(DOFA_FIXTURES_DIR) / "sysfs" / board;
        m_ok = m_dir.isValid() && std::filesystem::is_directory(src);
        if (m_ok && !board.empty())
            std::filesystem::copy(src, root(),
                                  std::filesystem::copy_options::recursive |
                                      std::filesystem::copy_options::copy_symlinks);
    }
    [[nodiscard]] bool isValid() const { return m_ok; }
    [[nodiscard]] std::string root() const { return m_dir.path().toStdString(); }
    [[nodiscard]] std::string path(const std::string& sysPath) const { return root() + sysPath; }

    [[nodiscard]] std::string read(const std::string& sysPath) const
    {
        std::ifstream in(path(sysPath), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    void write(const std::string& sysPath, const std::string& content) const
    {
        std::filesystem::create_directories(std::filesystem::path(path(sysPath)).parent_path());
        std::ofstream(path(sysPath), std::ios::binary | std::ios::trunc) << content;
    }
    void remove(const std::string& sysPath) const { std::filesystem::remove_all(path(sysPath)); }

private:
    QTemporaryDir m_dir;
    bool m_ok = false;
};

/// The platform discovered under a sysfs root: no NVML, no affinity knob of the calling thread,
/// the hardware knobs read-only when `readOnly`.
inline dofa::Platform discoverRoot(const std::string& root, bool readOnly = false)
{
    dofa::Platform::Options options;
    options.root = root;
    options.readOnly = readOnly;
    options.nvmlLibrary.clear();
    options.affinityOfCallingThread = false;
    return dofa::Platform::discover(options);
}

/// The platform discovered under a fixture tree (discoverRoot).
inline dofa::Platform discoverTree(const FixtureTree& tree, bool readOnly = false)
{
    return discoverRoot(tree.root(), readOnly);
}
