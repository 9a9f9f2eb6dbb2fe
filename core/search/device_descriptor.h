// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <string>

namespace dofa {

/// What a latency was measured on: the processor, how many intra-op threads, which LibTorch,
/// and the CUDA device when the measurement ran on one. Accuracy does not depend on it;
/// latency and power do, so every profile carries one.
struct DeviceDescriptor
{
    std::string kind = "cpu";  ///< "cpu" or "cuda"
    std::string cpuModel;      ///< /proc/cpuinfo "model name" (or the architecture)
    int cpuCores = 0;          ///< logical CPUs the OS reports
    int threads = 1;           ///< intra-op threads used for the measurement
    std::string cudaDevice;    ///< CUDA device name, empty on CPU
    std::string torchVersion;
    std::string hostname;

    /// The device running torch now: CPU with `threads` threads, or CUDA device `cudaIndex`
    /// when `cudaIndex` >= 0 (requires a CUDA build of LibTorch).
    static DeviceDescriptor current(int threads, int cudaIndex = -1);

    /// Short, file-name-safe id used in profile names: "cpu-2t", "cuda-orin".
    [[nodiscard]] std::string id() const;
    /// One line for people: "CPU Intel(R) Xeon(R) ... , 2 threads, LibTorch 1.13.0".
    [[nodiscard]] std::string describe() const;

    [[nodiscard]] QJsonObject toJson() const;
    /// Throws std::runtime_error naming the missing or bad field.
    static DeviceDescriptor fromJson(const QJsonObject& json);

    /// Same processor and settings (hostname ignored): latencies measured on one apply to
    /// the other.
    [[nodiscard]] bool sameHardware(const DeviceDescriptor& o) const;
};

/// The "model name" line of a /proc/cpuinfo text; falls back to "Hardware"/"CPU part" lines
/// (ARM boards) and to an empty string.
std::string cpuModelFromCpuinfo(const std::string& cpuinfo);

}  // namespace dofa
