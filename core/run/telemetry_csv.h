// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "run/frame_record.h"
#include "supernet/atomic_file.h"

namespace dofa {

/// Per-frame telemetry as CSV (one row per frame and model), for spreadsheets, pandas and replay.
/// Rows go to `<path>.part` as they come (AtomicFile); close() renames it to `path`, so an
/// interrupted run never leaves a file that looks complete, nor replaces an older recording of
/// the same name (a crashed run's .part keeps what was recorded).
class TelemetryCsvWriter
{
public:
    /// Throws std::runtime_error naming the file when it cannot be created.
    explicit TelemetryCsvWriter(std::string path);
    TelemetryCsvWriter(const TelemetryCsvWriter&) = delete;
    TelemetryCsvWriter& operator=(const TelemetryCsvWriter&) = delete;
    /// Closes (and renames) when close() was not called; errors are swallowed here, and the
    /// .part is then removed.
    ~TelemetryCsvWriter();

    void write(const FrameRecord& record);
    /// Flushes and renames. Throws std::runtime_error naming the file on a write error.
    void close();

    static const char* header();

private:
    AtomicFile m_file;
    bool m_closed = false;
};

}  // namespace dofa
