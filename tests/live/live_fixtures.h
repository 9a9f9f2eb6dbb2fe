// SPDX-License-Identifier: MIT
// Shared set-up of the dashboard tests (widgets, kiosk): the shipped model and its 1-thread
// profile replaying the test split, settings in a file of the test's own, nothing restored from
// an earlier run. One intra-op thread, as the dashboard's default: two OpenMP threads slow down
// badly while ctest runs other tests on the same two cores.
#pragma once

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <array>

#include "live/dashboard_controller.h"
#include "platform/affinity_knob.h"
#include "search/profile_operating_point.h"

namespace dofa::test {

inline DashboardOptions shippedDashboardOptions(const QString& settingsFile,
                                                const QString& platform)
{
    DashboardOptions options;
    options.modelPath = QStringLiteral(DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa");
    options.profilePath = QStringLiteral(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json");
    options.source = QStringLiteral("dataset:test");
    options.platform = platform;
    options.threads = 1;
    options.settingsFile = settingsFile;
    options.restoreSettings = false;
    options.windowSeconds = 20;
    return options;
}

/// A profile with two mapping libraries besides "as configured" (`dofa profile --sweep
/// threads,cores` as written by hand): the file and the libraries' names.
struct MappingProfile
{
    QString path;
    QString oneThread;   ///< "1 thread" on the first CPU this process may use
    QString twoThreads;  ///< "2 threads" on every CPU this process may use
};

/// Mean latency (ms) of each shipped 1-thread level on two threads, as a sweep might find it:
/// the small levels slower than on one thread, the largest faster, and level 4 slower than
/// level 5, which is more accurate: level 4 is off this library's front.
inline constexpr std::array<double, 8> kTwoThreadMs{0.36, 0.37, 0.39, 0.40, 0.42, 0.41, 0.43, 0.48};
/// On one pinned thread every level takes 5 % longer than its own profile says.
inline constexpr double kOneThreadFactor = 1.05;

/// Writes the shipped 1-thread profile to `path` with every level measured at two mapping
/// operating points: "1 thread" pinned to the first CPU of this process's affinity (all
/// levels on its front) and "2 threads" on all of them (kTwoThreadMs, level 4 off its front).
/// The CPUs are this process's, so that a run may apply the points. Back-to-back latencies
/// only, so the runtime's libraries are the same for paced frames. Empty path on failure.
inline MappingProfile writeMappingProfile(const QString& path)
{
    MappingProfile out;
    QFile in(QStringLiteral(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json"));
    if (!in.open(QIODevice::ReadOnly)) {
        return out;
    }
    QJsonObject profile = QJsonDocument::fromJson(in.readAll()).object();
    const std::string cpus = AffinityKnob().get().value();
    const std::vector<int> list = AffinityKnob::parseCpuList(cpus).value();
    ProfileOperatingPoint one, two;
    one.knobs = {{"app.threads", "1"}, {"app.affinity", std::to_string(list.front())}};
    two.knobs = {{"app.threads", "2"}, {"app.affinity", AffinityKnob::formatCpuList(list)}};
    out.oneThread = QString::fromStdString(one.mapping());
    out.twoThreads = QString::fromStdString(two.mapping());

    auto scaled = [](QJsonObject latency, double factor) {
        for (const char* key : {"mean_ms", "p50_ms", "p90_ms", "std_ms", "min_ms"}) {
            latency[key] = latency[key].toDouble() * factor;
        }
        return latency;
    };
    QJsonArray levels = profile["levels"].toArray();
    for (int i = 0; i < levels.size(); ++i) {
        QJsonObject level = levels[i].toObject();
        const QJsonObject latency = level["latency"].toObject();
        const double mean = latency["mean_ms"].toDouble();
        QJsonObject a = one.toJson(), b = two.toJson();
        a["latency"] = scaled(latency, kOneThreadFactor);
        b["latency"] = scaled(latency, kTwoThreadMs[static_cast<std::size_t>(i)] / mean);
        level["operating_points"] = QJsonArray{a, b};
        levels[i] = level;
    }
    profile["levels"] = levels;
    profile["schema_version"] = 3;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(profile).toJson()) <= 0 ||
        !file.flush()) {
        return out;
    }
    out.path = path;
    return out;
}

}  // namespace dofa::test
