// SPDX-License-Identifier: MIT
#include "dashboard_exports.h"

#include <stdexcept>

#include "run/frame_record.h"
#include "run/telemetry_csv.h"
#include "search/profile.h"
#include "search/profile_csv.h"
#include "supernet/atomic_file.h"

namespace dofa {

namespace {

const Profile& openProfile(const Profile* profile, const QString& path)
{
    if (!profile || profile->levels.empty()) {
        throw std::runtime_error("No profile is open: nothing to export to " + path.toStdString());
    }
    return *profile;
}

}  // namespace

void DashboardExports::profileJson(const Profile* profile, const QString& path)
{
    openProfile(profile, path).save(path.toStdString());
}

void DashboardExports::profileCsv(const Profile* profile, const QString& path)
{
    AtomicFile::save(path.toStdString(), levelsCsv(openProfile(profile, path)), "levels CSV");
}

void DashboardExports::candidatesCsv(const Profile* profile, const QString& path)
{
    if (!profile || profile->candidates.empty()) {
        throw std::runtime_error("The open profile has no candidate cloud to export to " +
                                 path.toStdString());
    }
    AtomicFile::save(path.toStdString(), dofa::candidatesCsv(*profile), "candidates CSV");
}

void DashboardExports::telemetryCsv(const std::vector<FrameRecord>& rows, const QString& path)
{
    // Rows go to <path>.part; close() renames: never a half-written file under `path`.
    TelemetryCsvWriter writer(path.toStdString());
    for (const FrameRecord& r : rows) {
        writer.write(r);
    }
    writer.close();
}

}  // namespace dofa
