// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

#include "platform/knob.h"

namespace dofa {

/// The intra-op thread count of the inference library (app.threads). The platform layer does not
/// link LibTorch: the caller injects the getter and setter (at::get_num_threads/set_num_threads),
/// so this knob exists on every machine.
class ThreadCountKnob : public Knob
{
public:
    static constexpr const char* kId = "app.threads";

    /// `maxThreads` <= 0 means std::thread::hardware_concurrency().
    ThreadCountKnob(std::function<int()> getter, std::function<void(int)> setter,
                    int maxThreads = 0);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    /// Clamps to 1..maxThreads, applies, reads back through the getter.
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override;

private:
    std::function<int()> m_getter;
    std::function<void(int)> m_setter;
    KnobInfo m_info;
};

}  // namespace dofa
