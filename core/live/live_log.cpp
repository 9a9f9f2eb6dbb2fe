// SPDX-License-Identifier: MIT
#include "live/live_log.h"

Q_LOGGING_CATEGORY(lcLive, "dofa.live", QtWarningMsg)

namespace dofa {

void enableVerboseLogging()
{
    QLoggingCategory::setFilterRules(QStringLiteral("dofa.*.debug=true\ndofa.*.info=true"));
}

}  // namespace dofa
