// SPDX-License-Identifier: MIT
// A stand-in for libnvidia-ml.so.1 with one GPU and fixed readings, so that NvmlLibrary's dlopen
// path runs in tests. fake_nvml_* report what the code under test asked for.

extern "C" {

struct FakeUtilization
{
    unsigned gpu;
    unsigned memory;
};

static int g_initialised = 0;
static unsigned g_lockedMin = 0;
static unsigned g_lockedMax = 0;
static int g_resets = 0;
static int g_denySet = 0;

int nvmlInit_v2()
{
    ++g_initialised;
    return 0;
}
int nvmlShutdown()
{
    --g_initialised;
    return 0;
}
const char* nvmlErrorString(int code)
{
    return code == 3 ? "Not Supported" : code == 4 ? "Insufficient Permissions" : "Unknown Error";
}
int nvmlDeviceGetCount_v2(unsigned* count)
{
    *count = 1;
    return 0;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned index, void** device)
{
    static int gpu0;
    if (index != 0)
        return 2;  // NVML_ERROR_INVALID_ARGUMENT
    *device = &gpu0;
    return 0;
}
int nvmlDeviceGetName(void*, char* name, unsigned length)
{
    const char text[] = "Fake GPU";
    for (unsigned i = 0; i < length && i < sizeof text; ++i)
        name[i] = text[i];
    return 0;
}
int nvmlDeviceGetPowerUsage(void*, unsigned* mw)
{
    *mw = 42500;
    return 0;
}
int nvmlDeviceGetTotalEnergyConsumption(void*, unsigned long long*)
{
    return 3;  // NotSupported: the backend leaves this monitor out
}
int nvmlDeviceGetClockInfo(void*, int type, unsigned* mhz)
{
    *mhz = type == 2 ? 1593 : (g_lockedMax ? g_lockedMax : 1410);
    return 0;
}
int nvmlDeviceGetUtilizationRates(void*, FakeUtilization* u)
{
    u->gpu = 37;
    u->memory = 12;
    return 0;
}
int nvmlDeviceGetTemperature(void*, int, unsigned* c)
{
    *c = 61;
    return 0;
}
int nvmlDeviceGetSupportedGraphicsClocks(void*, unsigned memoryMhz, unsigned* count,
                                         unsigned* clocks)
{
    static const unsigned table[] = {1980, 1755, 1410, 1005, 210};
    if (memoryMhz != 1593)
        return 2;
    if (!clocks || *count < 5) {
        *count = 5;
        return 7;  // NVML_ERROR_INSUFFICIENT_SIZE
    }
    for (unsigned i = 0; i < 5; ++i)
        clocks[i] = table[i];
    *count = 5;
    return 0;
}
int nvmlDeviceSetGpuLockedClocks(void*, unsigned minMhz, unsigned maxMhz)
{
    if (g_denySet)
        return 4;
    g_lockedMin = minMhz;
    g_lockedMax = maxMhz;
    return 0;
}
int nvmlDeviceResetGpuLockedClocks(void*)
{
    g_lockedMin = g_lockedMax = 0;
    ++g_resets;
    return 0;
}

unsigned fake_nvml_locked_min()
{
    return g_lockedMin;
}
unsigned fake_nvml_locked_max()
{
    return g_lockedMax;
}
int fake_nvml_resets()
{
    return g_resets;
}
int fake_nvml_initialised()
{
    return g_initialised;
}
void fake_nvml_deny_set(int deny)
{
    g_denySet = deny;
}
}
