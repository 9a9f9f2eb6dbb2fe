// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace dofa {

/// NVML (libnvidia-ml) opened at run time with dlopen, so that dofa builds and runs on machines
/// without the NVIDIA driver and without its headers: the few entry points used are declared
/// here by hand (C ABI: enums are int, nvmlDevice_t is an opaque pointer). Values come back in
/// NVML's units (mW, MHz, %, °C, mJ); NvmlBackend converts them.
class NvmlLibrary
{
public:
    using Device = void*;
    enum Clock { Graphics = 0, Sm = 1, Memory = 2 };

    /// dlopen(`path`), resolve the symbols, nvmlInit_v2. Fails with a message (library not found,
    /// symbol missing, init error) and never throws.
    static Result<std::shared_ptr<NvmlLibrary>> load(const std::string& path = "libnvidia-ml.so.1");
    ~NvmlLibrary();
    NvmlLibrary(const NvmlLibrary&) = delete;
    NvmlLibrary& operator=(const NvmlLibrary&) = delete;

    [[nodiscard]] const std::string& path() const { return m_path; }
    Result<unsigned> deviceCount() const;
    Result<Device> device(unsigned index) const;
    Result<std::string> name(Device d) const;
    Result<unsigned> powerMw(Device d) const;
    Result<unsigned long long> energyMj(Device d) const;
    Result<unsigned> clockMhz(Device d, Clock clock) const;
    Result<unsigned> utilizationPercent(Device d) const;
    Result<unsigned> temperatureC(Device d) const;
    Result<std::vector<unsigned>> supportedGraphicsClocksMhz(Device d, unsigned memoryMhz) const;
    Result<bool> setLockedClocks(Device d, unsigned minMhz, unsigned maxMhz) const;
    Result<bool> resetLockedClocks(Device d) const;

    struct Api;  ///< function pointers, defined in the .cpp

private:
    NvmlLibrary() = default;
    std::string error(const char* call, int code) const;

    std::string m_path;
    void* m_handle = nullptr;
    std::unique_ptr<Api> m_api;
};

}  // namespace dofa
