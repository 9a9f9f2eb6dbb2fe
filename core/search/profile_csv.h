// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "profile.h"

namespace dofa {

/// CSV exports of a profile for spreadsheets and pandas (the JSON stays the source of truth):
/// one row per level, or one row per candidate of the cloud. RFC 4180 quoting, '.' decimal
/// separator, empty cells where a value was not measured (never 0).
std::string levelsCsv(const Profile& profile);
std::string candidatesCsv(const Profile& profile);

}  // namespace dofa
