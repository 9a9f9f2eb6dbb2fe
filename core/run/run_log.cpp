// SPDX-License-Identifier: MIT
#include "run/run_log.h"

Q_LOGGING_CATEGORY(lcRun, "dofa.run", QtWarningMsg)

namespace dofa {

void enableVerboseLogging()
{
    QLoggingCategory::setFilterRules(QStringLiteral("dofa.*.debug=true\ndofa.*.info=true"));
}

}  // namespace dofa
