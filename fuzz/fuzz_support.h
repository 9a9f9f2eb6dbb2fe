// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

namespace dofa::fuzz {

/// A folder of this process's own under $TMPDIR, removed at exit: the parsers that take a path
/// read the fuzz input from a file in it. One per process, so parallel fuzz jobs do not meet.
class ScratchDir
{
public:
    static ScratchDir& instance()
    {
        static ScratchDir dir;
        return dir;
    }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

    /// Writes `bytes` to `name` in the folder (creating sub-folders) and returns its path.
    std::string write(const std::string& name, std::string_view bytes) const
    {
        const std::filesystem::path file = m_path / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            std::abort();  // the harness itself failed: not a finding of the parser
        }
        return file.string();
    }

    ~ScratchDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }

private:
    ScratchDir()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/dofa-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data())) {
            std::abort();
        }
        m_path = pattern;
    }
    std::filesystem::path m_path;
};

/// Called with what a parser threw for a refused input: silent, unless DOFA_FUZZ_VERBOSE is
/// set (to see how far a new seed gets, e.g. `DOFA_FUZZ_VERBOSE=1 build/fuzz/fuzz_idx FILE`).
inline void refused(const std::exception& e)
{
    static const bool verbose = std::getenv("DOFA_FUZZ_VERBOSE") != nullptr;
    if (verbose) {
        std::fprintf(stderr, "refused: %s\n", e.what());
    }
}

inline std::string_view bytesOf(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace dofa::fuzz
