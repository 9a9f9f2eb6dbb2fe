// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

/// "dofa.live": the dashboard worker (runs, sources). Warnings show by default; `--verbose` or
/// QT_LOGGING_RULES="dofa.live.debug=true" shows the rest (README, "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcLive)
