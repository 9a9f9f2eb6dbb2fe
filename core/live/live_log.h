// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

/// "dofa.live": the dashboard worker (runs, sources). Warnings show by default; `--verbose` or
/// QT_LOGGING_RULES="dofa.live.debug=true" shows the rest (README, "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcLive)

namespace dofa {

/// `--verbose` of dofa and dofa-dashboard: every dofa.* category at every level (on top of
/// QT_LOGGING_RULES, which can still narrow it down afterwards).
void enableVerboseLogging();

}  // namespace dofa
