// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "platform/knob.h"
#include "platform/nvml_library.h"

namespace dofa {

/// GPU locked clocks through NVML (nvml<i>.locked_khz): a frequency in kHz locks the graphics
/// clock there (snapped to the supported clocks); "reset" hands the clock back to the driver.
/// NVML cannot report an existing lock, so get() answers what this process set, "reset" at first.
/// A lock outlives the process and cannot be undone from a signal handler: keep it under a
/// KnobGuard and leave through the normal shutdown path.
class NvmlLockedClocksKnob : public Knob
{
public:
    NvmlLockedClocksKnob(std::shared_ptr<NvmlLibrary> nvml, unsigned index,
                         NvmlLibrary::Device device, std::vector<std::int64_t> allowedKhz);

    [[nodiscard]] const KnobInfo& info() const override { return m_info; }
    [[nodiscard]] Result<std::string> get() const override;
    Result<std::string> set(const std::string& value) override;
    [[nodiscard]] std::string readOnlyReason() const override { return {}; }

private:
    std::shared_ptr<NvmlLibrary> m_nvml;
    NvmlLibrary::Device m_device;
    KnobInfo m_info;
    std::string m_current = "reset";
};

}  // namespace dofa
