// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

/// "dofa.run": the inference pipeline (level switches, operating points, loads). Warnings show
/// by default; `--verbose` or QT_LOGGING_RULES="dofa.run.debug=true" shows the rest (README,
/// "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcRun)

namespace dofa {

/// `--verbose` of dofa and dofa-dashboard: every dofa.* category at every level (on top of
/// QT_LOGGING_RULES, which can still narrow it down afterwards).
void enableVerboseLogging();

}  // namespace dofa
