// SPDX-License-Identifier: MIT
#include "live/live_log.h"

Q_LOGGING_CATEGORY(lcLive, "dofa.live", QtWarningMsg)
