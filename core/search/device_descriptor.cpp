// SPDX-License-Identifier: MIT
#include "device_descriptor.h"

#include <QFile>
#include <QSysInfo>
#include <QThread>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include <torch/cuda.h>
#include <torch/version.h>

namespace dofa {

namespace {

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// LibTorch's C++ API exposes no device name without the CUDA runtime headers; the index and
// the host CPU identify the board (a Jetson has exactly one GPU).
std::string cudaName(int index)
{
    return "cuda" + std::to_string(index);
}

}  // namespace

std::string cpuModelFromCpuinfo(const std::string& cpuinfo)
{
    std::istringstream in(cpuinfo);
    std::string line, fallback;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        const std::string key = trim(line.substr(0, colon));
        const std::string value = trim(line.substr(colon + 1));
        if (key == "model name" && !value.empty()) {
            return value;
        }
        if ((key == "Hardware" || key == "Model") && fallback.empty()) {
            fallback = value;
        }
    }
    return fallback;
}

DeviceDescriptor DeviceDescriptor::current(int threads, int cudaIndex)
{
    DeviceDescriptor d;
    QFile cpuinfo("/proc/cpuinfo");
    if (cpuinfo.open(QIODevice::ReadOnly)) {
        d.cpuModel = cpuModelFromCpuinfo(cpuinfo.readAll().toStdString());
    }
    if (d.cpuModel.empty()) {
        d.cpuModel = QSysInfo::currentCpuArchitecture().toStdString();
    }
    d.cpuCores = QThread::idealThreadCount();
    d.threads = threads;
    d.torchVersion = TORCH_VERSION;
    d.hostname = QSysInfo::machineHostName().toStdString();
    if (cudaIndex >= 0) {
        if (!torch::cuda::is_available() ||
            cudaIndex >= static_cast<int>(torch::cuda::device_count())) {
            throw std::runtime_error("CUDA device " + std::to_string(cudaIndex) +
                                     " is not available to this LibTorch build");
        }
        d.kind = "cuda";
        d.cudaDevice = cudaName(cudaIndex);
    }
    return d;
}

std::string DeviceDescriptor::id() const
{
    std::string base = kind;
    if (kind == "cuda") {
        std::string name;
        for (char c : cudaDevice) {
            name += std::isalnum(static_cast<unsigned char>(c))
                        ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                        : '_';
        }
        base += "-" + name;
    }
    return base + "-" + std::to_string(threads) + "t";
}

std::string DeviceDescriptor::describe() const
{
    std::string s =
        kind == "cuda" ? "CUDA " + cudaDevice + " (host CPU " + cpuModel + ")" : "CPU " + cpuModel;
    s += ", " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    return s + ", LibTorch " + torchVersion;
}

QJsonObject DeviceDescriptor::toJson() const
{
    return QJsonObject{{"kind", QString::fromStdString(kind)},
                       {"cpu_model", QString::fromStdString(cpuModel)},
                       {"cpu_cores", cpuCores},
                       {"threads", threads},
                       {"cuda_device", QString::fromStdString(cudaDevice)},
                       {"torch", QString::fromStdString(torchVersion)},
                       {"hostname", QString::fromStdString(hostname)},
                       {"id", QString::fromStdString(id())}};
}

DeviceDescriptor DeviceDescriptor::fromJson(const QJsonObject& json)
{
    auto need = [&](const char* key) {
        const QJsonValue v = json.value(key);
        if (v.isUndefined()) {
            throw std::runtime_error(std::string("device: missing field '") + key + "'");
        }
        return v;
    };
    DeviceDescriptor d;
    d.kind = need("kind").toString().toStdString();
    if (d.kind != "cpu" && d.kind != "cuda") {
        throw std::runtime_error("device: field 'kind' must be \"cpu\" or \"cuda\", not \"" +
                                 d.kind + "\"");
    }
    d.cpuModel = need("cpu_model").toString().toStdString();
    d.threads = need("threads").toInt(0);
    if (d.threads < 1) {
        throw std::runtime_error("device: field 'threads' must be a positive integer");
    }
    d.cpuCores = json.value("cpu_cores").toInt(0);
    d.cudaDevice = json.value("cuda_device").toString().toStdString();
    d.torchVersion = json.value("torch").toString().toStdString();
    d.hostname = json.value("hostname").toString().toStdString();
    return d;
}

bool DeviceDescriptor::sameHardware(const DeviceDescriptor& o) const
{
    return kind == o.kind && cpuModel == o.cpuModel && threads == o.threads &&
           cudaDevice == o.cudaDevice;
}

}  // namespace dofa
