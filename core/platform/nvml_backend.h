// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "platform/discovery.h"

namespace dofa {

/// NVIDIA GPUs through NVML, when libnvidia-ml loads (discrete GPUs, Thor). Per device i:
/// power.nvml<i> (mW), energy.nvml<i> (µJ since driver load), freq.nvml<i>.sm / .mem (kHz),
/// load.nvml<i> (‰), temp.nvml<i> (m°C), knob nvml<i>.locked_khz. Queries that the device
/// answers NotSupported (Jetson before Thor answers most) are left out and listed as problems.
class NvmlBackend
{
public:
    /// `libraryPath` empty: skip NVML.
    static void discover(const std::string& libraryPath, Discovery& out);
};

}  // namespace dofa
