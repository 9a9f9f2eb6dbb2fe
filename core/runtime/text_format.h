// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace dofa {

/// printf into a std::string. Reasons are built only when a decision is taken, never per frame,
/// so the allocation here does not touch the per-frame budget.
std::string formatText(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace dofa
