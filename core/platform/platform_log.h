// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

/// "dofa.platform": the device layer (discovery, knob writes and restores). Warnings show by
/// default; `--verbose` or QT_LOGGING_RULES="dofa.platform.debug=true" shows the rest (README,
/// "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcPlatform)
