// SPDX-License-Identifier: MIT
#include "platform/platform_log.h"

Q_LOGGING_CATEGORY(lcPlatform, "dofa.platform", QtWarningMsg)
