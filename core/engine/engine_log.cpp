// SPDX-License-Identifier: MIT
#include "engine/engine_log.h"

Q_LOGGING_CATEGORY(lcEngine, "dofa.engine", QtWarningMsg)
