// SPDX-License-Identifier: MIT
#include "kiosk_log.h"

Q_LOGGING_CATEGORY(lcKiosk, "dofa.kiosk", QtWarningMsg)
