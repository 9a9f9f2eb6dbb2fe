// SPDX-License-Identifier: MIT
#include "platform/nvml_library.h"

#include <type_traits>

#include <dlfcn.h>

namespace dofa {

namespace {

constexpr int kSuccess = 0;
constexpr int kInsufficientSize = 7;

struct Utilization
{
    unsigned gpu;
    unsigned memory;
};

}  // namespace

struct NvmlLibrary::Api
{
    int (*init)();
    int (*shutdown)();
    const char* (*errorString)(int);
    int (*getCount)(unsigned*);
    int (*getHandleByIndex)(unsigned, Device*);
    int (*getName)(Device, char*, unsigned);
    int (*getPowerUsage)(Device, unsigned*);
    int (*getTotalEnergyConsumption)(Device, unsigned long long*);
    int (*getClockInfo)(Device, int, unsigned*);
    int (*getUtilizationRates)(Device, Utilization*);
    int (*getTemperature)(Device, int, unsigned*);
    int (*getSupportedGraphicsClocks)(Device, unsigned, unsigned*, unsigned*);
    int (*setGpuLockedClocks)(Device, unsigned, unsigned);
    int (*resetGpuLockedClocks)(Device);
};

Result<std::shared_ptr<NvmlLibrary>> NvmlLibrary::load(const std::string& path)
{
    using R = Result<std::shared_ptr<NvmlLibrary>>;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = ::dlerror();
        return R::fail("NVML not available: cannot load " + path + " (" +
                       (why ? why : "unknown error") + "); no NVIDIA driver?");
    }
    std::shared_ptr<NvmlLibrary> lib(new NvmlLibrary());
    lib->m_path = path;
    lib->m_handle = handle;
    lib->m_api = std::make_unique<Api>();
    Api& api = *lib->m_api;
    std::string missing;
    auto bind = [&](auto& fn, const char* symbol) {
        void* p = ::dlsym(handle, symbol);
        if (!p)
            missing += (missing.empty() ? "" : ", ") + std::string(symbol);
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
    };
    bind(api.init, "nvmlInit_v2");
    bind(api.shutdown, "nvmlShutdown");
    bind(api.errorString, "nvmlErrorString");
    bind(api.getCount, "nvmlDeviceGetCount_v2");
    bind(api.getHandleByIndex, "nvmlDeviceGetHandleByIndex_v2");
    bind(api.getName, "nvmlDeviceGetName");
    bind(api.getPowerUsage, "nvmlDeviceGetPowerUsage");
    bind(api.getTotalEnergyConsumption, "nvmlDeviceGetTotalEnergyConsumption");
    bind(api.getClockInfo, "nvmlDeviceGetClockInfo");
    bind(api.getUtilizationRates, "nvmlDeviceGetUtilizationRates");
    bind(api.getTemperature, "nvmlDeviceGetTemperature");
    bind(api.getSupportedGraphicsClocks, "nvmlDeviceGetSupportedGraphicsClocks");
    bind(api.setGpuLockedClocks, "nvmlDeviceSetGpuLockedClocks");
    bind(api.resetGpuLockedClocks, "nvmlDeviceResetGpuLockedClocks");
    if (!missing.empty()) {
        lib->m_api.reset();  // no shutdown: init never ran
        return R::fail("NVML not usable: " + path + " lacks " + missing);
    }
    const int rc = api.init();
    if (rc != kSuccess) {
        const std::string message = lib->error("nvmlInit_v2", rc);
        lib->m_api.reset();
        return R::fail("NVML not usable: " + message);
    }
    return R::ok(lib);
}

NvmlLibrary::~NvmlLibrary()
{
    if (m_api)
        m_api->shutdown();
    if (m_handle)
        ::dlclose(m_handle);
}

std::string NvmlLibrary::error(const char* call, int code) const
{
    const char* text = m_api && m_api->errorString ? m_api->errorString(code) : nullptr;
    return std::string(call) + " failed: " + (text ? text : "error " + std::to_string(code)) +
           (code == 4 ? " (setting clocks needs root)" : "");
}

Result<unsigned> NvmlLibrary::deviceCount() const
{
    unsigned n = 0;
    const int rc = m_api->getCount(&n);
    return rc == kSuccess ? Result<unsigned>::ok(n)
                          : Result<unsigned>::fail(error("nvmlDeviceGetCount_v2", rc));
}

Result<NvmlLibrary::Device> NvmlLibrary::device(unsigned index) const
{
    Device d = nullptr;
    const int rc = m_api->getHandleByIndex(index, &d);
    return rc == kSuccess ? Result<Device>::ok(d)
                          : Result<Device>::fail(error("nvmlDeviceGetHandleByIndex_v2", rc));
}

Result<std::string> NvmlLibrary::name(Device d) const
{
    char buf[96] = {};
    const int rc = m_api->getName(d, buf, sizeof buf);
    return rc == kSuccess ? Result<std::string>::ok(buf)
                          : Result<std::string>::fail(error("nvmlDeviceGetName", rc));
}

Result<unsigned> NvmlLibrary::powerMw(Device d) const
{
    unsigned v = 0;
    const int rc = m_api->getPowerUsage(d, &v);
    return rc == kSuccess ? Result<unsigned>::ok(v)
                          : Result<unsigned>::fail(error("nvmlDeviceGetPowerUsage", rc));
}

Result<unsigned long long> NvmlLibrary::energyMj(Device d) const
{
    unsigned long long v = 0;
    const int rc = m_api->getTotalEnergyConsumption(d, &v);
    return rc == kSuccess
               ? Result<unsigned long long>::ok(v)
               : Result<unsigned long long>::fail(error("nvmlDeviceGetTotalEnergyConsumption", rc));
}

Result<unsigned> NvmlLibrary::clockMhz(Device d, Clock clock) const
{
    unsigned v = 0;
    const int rc = m_api->getClockInfo(d, clock, &v);
    return rc == kSuccess ? Result<unsigned>::ok(v)
                          : Result<unsigned>::fail(error("nvmlDeviceGetClockInfo", rc));
}

Result<unsigned> NvmlLibrary::utilizationPercent(Device d) const
{
    Utilization u = {};
    const int rc = m_api->getUtilizationRates(d, &u);
    return rc == kSuccess ? Result<unsigned>::ok(u.gpu)
                          : Result<unsigned>::fail(error("nvmlDeviceGetUtilizationRates", rc));
}

Result<unsigned> NvmlLibrary::temperatureC(Device d) const
{
    unsigned v = 0;
    const int rc = m_api->getTemperature(d, 0 /* NVML_TEMPERATURE_GPU */, &v);
    return rc == kSuccess ? Result<unsigned>::ok(v)
                          : Result<unsigned>::fail(error("nvmlDeviceGetTemperature", rc));
}

Result<std::vector<unsigned>> NvmlLibrary::supportedGraphicsClocksMhz(Device d,
                                                                      unsigned memoryMhz) const
{
    unsigned count = 0;
    int rc = m_api->getSupportedGraphicsClocks(d, memoryMhz, &count, nullptr);
    if (rc != kSuccess && rc != kInsufficientSize)
        return Result<std::vector<unsigned>>::fail(
            error("nvmlDeviceGetSupportedGraphicsClocks", rc));
    std::vector<unsigned> clocks(count);
    rc = m_api->getSupportedGraphicsClocks(d, memoryMhz, &count, clocks.data());
    if (rc != kSuccess)
        return Result<std::vector<unsigned>>::fail(
            error("nvmlDeviceGetSupportedGraphicsClocks", rc));
    clocks.resize(count);
    return Result<std::vector<unsigned>>::ok(clocks);
}

Result<bool> NvmlLibrary::setLockedClocks(Device d, unsigned minMhz, unsigned maxMhz) const
{
    const int rc = m_api->setGpuLockedClocks(d, minMhz, maxMhz);
    return rc == kSuccess ? Result<bool>::ok(true)
                          : Result<bool>::fail(error("nvmlDeviceSetGpuLockedClocks", rc));
}

Result<bool> NvmlLibrary::resetLockedClocks(Device d) const
{
    const int rc = m_api->resetGpuLockedClocks(d);
    return rc == kSuccess ? Result<bool>::ok(true)
                          : Result<bool>::fail(error("nvmlDeviceResetGpuLockedClocks", rc));
}

}  // namespace dofa
