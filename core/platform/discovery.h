// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "platform/knob.h"
#include "platform/monitor.h"

namespace dofa {

/// What one backend found under a root: its monitors and knobs, one line per device it
/// recognised (for Platform::description()), and one line per thing it could not use and why.
struct Discovery
{
    std::vector<std::shared_ptr<Monitor>> monitors;
    std::vector<std::shared_ptr<Knob>> knobs;
    std::vector<std::string> found;
    std::vector<std::string> problems;
};

}  // namespace dofa
