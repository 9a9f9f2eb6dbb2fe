// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <vector>

namespace dofa {

struct FrameRecord;
struct Profile;

/// The dashboard's exports (File menu, kiosk keys): the open profile as JSON or as a levels
/// CSV, its candidate cloud as CSV, and the run's recorded frames as a telemetry CSV. Each file
/// is written to a temporary name and renamed (AtomicFile), so a failed or interrupted export
/// leaves what was there. Each throws std::runtime_error with a message naming the file.
class DashboardExports
{
public:
    /// `profile` null or without levels: nothing is open to export.
    static void profileJson(const Profile* profile, const QString& path);
    static void profileCsv(const Profile* profile, const QString& path);
    static void candidatesCsv(const Profile* profile, const QString& path);
    static void telemetryCsv(const std::vector<FrameRecord>& rows, const QString& path);
};

}  // namespace dofa
