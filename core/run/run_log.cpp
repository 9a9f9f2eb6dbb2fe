// SPDX-License-Identifier: MIT
#include "run/run_log.h"

Q_LOGGING_CATEGORY(lcRun, "dofa.run", QtWarningMsg)
