// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

/// "dofa.engine": the inference pipeline (level switches, operating points, loads). Warnings show
/// by default; `--verbose` or QT_LOGGING_RULES="dofa.engine.debug=true" shows the rest (README,
/// "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
