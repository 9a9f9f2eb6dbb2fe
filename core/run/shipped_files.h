// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace dofa {

/// The shipped default model (`fmnist-mbv3.dofa`): $DOFA_MODEL, else share/dofa next to the
/// installed executable, else the source tree's resources/. Always a path (it may not exist:
/// opening it then says which file is missing).
QString shippedModelPath();

/// The shipped profile `<modelName>.cpu-<threads>t.json` (share/dofa/profiles next to the
/// executable, else the source tree's profiles/); empty when there is none.
QString shippedProfilePath(const QString& modelName, int threads);

}  // namespace dofa
