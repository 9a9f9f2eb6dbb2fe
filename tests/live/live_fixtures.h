// SPDX-License-Identifier: MIT
// Shared set-up of the dashboard tests (widgets, kiosk): the shipped model and its 1-thread
// profile replaying the test split, settings in a file of the test's own, nothing restored from
// an earlier run. One intra-op thread, as the dashboard's default: two OpenMP threads slow down
// badly while ctest runs other tests on the same two cores.
#pragma once

#include <QString>

#include "live/dashboard_controller.h"

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

}  // namespace dofa::test
