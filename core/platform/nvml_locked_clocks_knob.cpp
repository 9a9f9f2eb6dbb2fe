// SPDX-License-Identifier: MIT
#include "platform/nvml_locked_clocks_knob.h"

namespace dofa {

NvmlLockedClocksKnob::NvmlLockedClocksKnob(std::shared_ptr<NvmlLibrary> nvml, unsigned index,
                                           NvmlLibrary::Device device,
                                           std::vector<std::int64_t> allowedKhz)
    : m_nvml(std::move(nvml)), m_device(device)
{
    m_info.id = "nvml" + std::to_string(index) + ".locked_khz";
    m_info.unit = Unit::KiloHertz;
    m_info.source = "nvml:" + std::to_string(index);
    m_info.description = "GPU " + std::to_string(index) + " locked graphics clock, or \"reset\"";
    m_info.allowed = std::move(allowedKhz);
    m_info.choices = {"reset"};
}

Result<std::string> NvmlLockedClocksKnob::get() const
{
    return Result<std::string>::ok(m_current);
}

Result<std::string> NvmlLockedClocksKnob::set(const std::string& value)
{
    if (value == "reset") {
        const Result<bool> done = m_nvml->resetLockedClocks(m_device);
        if (!done)
            return Result<std::string>::fail(m_info.id + ": " + done.error());
        m_current = "reset";
        return get();
    }
    const Result<std::int64_t> khz = parseInteger(value, m_info.id);
    if (!khz)
        return Result<std::string>::fail(khz.error() + " (or \"reset\")");
    const auto mhz = static_cast<unsigned>(snapToAllowed(m_info.allowed, khz.value()) / 1000);
    const Result<bool> done = m_nvml->setLockedClocks(m_device, mhz, mhz);
    if (!done)
        return Result<std::string>::fail(m_info.id + ": " + done.error());
    m_current = std::to_string(static_cast<std::int64_t>(mhz) * 1000);
    return get();
}

}  // namespace dofa
