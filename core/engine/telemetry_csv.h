// SPDX-License-Identifier: MIT
#pragma once

#include <fstream>
#include <string>

#include "frame_record.h"

namespace dofa {

/// Per-frame telemetry as CSV (one row per frame and model), for spreadsheets, pandas and replay.
/// Rows go to `<path>.part` as they come; close() renames it to `path`, so an interrupted run
/// never leaves a file that looks complete (the .part file keeps what was recorded).
class TelemetryCsvWriter
{
public:
    /// Throws std::runtime_error naming the file when it cannot be created.
    explicit TelemetryCsvWriter(std::string path);
    TelemetryCsvWriter(const TelemetryCsvWriter&) = delete;
    TelemetryCsvWriter& operator=(const TelemetryCsvWriter&) = delete;
    /// Closes (and renames) when close() was not called; errors are swallowed here.
    ~TelemetryCsvWriter();

    void write(const FrameRecord& record);
    /// Flushes and renames. Throws std::runtime_error naming the file on a write error.
    void close();

    static const char* header();

private:
    std::string m_path;
    std::ofstream m_out;
    bool m_closed = false;
};

}  // namespace dofa
