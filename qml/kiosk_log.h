// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

/// "dofa.kiosk": the QML kiosk (loading, screenshots, wiring). Warnings show by default;
/// `--verbose` or QT_LOGGING_RULES="dofa.kiosk.debug=true" shows the rest (README, "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcKiosk)
