// SPDX-License-Identifier: MIT
#include "runtime/decision.h"

namespace dofa {

const char* causeName(DecisionCause cause)
{
    switch (cause) {
        case DecisionCause::Start:
            return "start";
        case DecisionCause::Targets:
            return "targets";
        case DecisionCause::PolicySwitch:
            return "policy";
        case DecisionCause::Frame:
            return "frame";
    }
    return "?";
}

}  // namespace dofa
