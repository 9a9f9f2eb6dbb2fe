// SPDX-License-Identifier: MIT
#include "model/dynamic_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "data/preprocess.h"
#include "model/opencv_dnn_level.h"
#include "platform/affinity_knob.h"
#include "supernet/model_file.h"

namespace dofa {

namespace {

double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string formatMs(double ms)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", ms);
    return buf;
}

}  // namespace

torch::Device torchDevice(const ComputeDevice& device)
{
    if (!device.isCuda()) {
        return torch::kCPU;
    }
    return {torch::kCUDA, static_cast<c10::DeviceIndex>(device.index)};
}

DynamicModel::DynamicModel(Supernet supernet, Profile profile, int cacheCapacity)
    : DynamicModel(std::move(supernet), std::move(profile), [cacheCapacity] {
          DynamicModelOptions o;
          o.cacheCapacity = cacheCapacity;
          return o;
      }())
{}

DynamicModel::DynamicModel(Supernet supernet, Profile profile, const DynamicModelOptions& options)
    : m_spec(supernet->spec()),
      m_supernet(std::move(supernet)),
      m_profile(std::move(profile)),
      m_options(options)
{
    if (m_options.autoRuns < 1 || m_options.autoWarmup < 0) {
        throw std::invalid_argument("DynamicModel: Auto needs at least one timed run");
    }
    if (!m_options.input.isSet()) {
        m_options.input = InputContract::legacyDefault(m_spec);
    }
    const torch::Device& device = m_options.device;
    if (!device.is_cpu() && !device.is_cuda()) {
        throw std::invalid_argument("DynamicModel: device " + device.str() +
                                    ": expected cpu or cuda");
    }
    if (device.is_cuda()) {
        // OpenCV DNN runs on the CPU only: a level on it would not be on the device asked for,
        // and Auto would compare a CUDA level with a CPU one. Checked before the device, so
        // that the refusal is the same whether or not this LibTorch has CUDA.
        bool opencv = m_options.backend != LevelBackend::Torch;
        for (LevelBackend b : m_options.levelBackends)
            opencv = opencv || b != LevelBackend::Torch;
        if (opencv) {
            throw std::invalid_argument(
                std::string("the OpenCV DNN backend runs on the CPU only: backend ") +
                levelBackendName(m_options.backend) + " cannot run on device " + device.str() +
                " (use the torch backend, or the cpu device)");
        }
        const std::string why =
            ComputeDevice{ComputeDevice::Kind::Cuda, device.index()}.unavailableReason();
        if (!why.empty()) {
            throw std::invalid_argument("device " + device.str() + ": " + why);
        }
    }
    if (m_profile.levels.empty()) {
        throw std::invalid_argument("profile of '" + m_profile.modelName + "' has no levels");
    }
    for (size_t i = 0; i < m_profile.levels.size(); ++i) {
        const std::string problem = m_profile.levels[i].arch.validate(m_spec);
        if (!problem.empty()) {
            throw std::invalid_argument("profile level " + std::to_string(i) + ": " + problem);
        }
    }
    const int n = levelCount();
    const int cacheCapacity = m_options.cacheCapacity;
    m_capacity = cacheCapacity <= 0 ? n : std::min(cacheCapacity, n);
    m_slots.resize(static_cast<size_t>(n));
    m_backends.resize(static_cast<size_t>(n));
    m_lruPos.resize(static_cast<size_t>(n));
    m_supernet->eval();
    // Start on the most accurate level, as a fresh runtime manager does (no targets yet).
    setLevel(n - 1);
}

std::unique_ptr<DynamicModel> DynamicModel::open(const std::string& modelPath,
                                                 const std::string& profilePath, int cacheCapacity)
{
    DynamicModelOptions options;
    options.cacheCapacity = cacheCapacity;
    return open(modelPath, profilePath, options);
}

std::unique_ptr<DynamicModel> DynamicModel::open(const std::string& modelPath,
                                                 const std::string& profilePath,
                                                 const DynamicModelOptions& options)
{
    const ModelFile file = ModelFile::load(modelPath);
    Profile profile = Profile::load(profilePath, file.spec);
    profile.checkModel(file.checksum, profilePath);
    DynamicModelOptions withInput = options;
    withInput.input = file.input;
    return std::make_unique<DynamicModel>(file.buildSupernet(modelPath), std::move(profile),
                                          withInput);
}

int DynamicModel::resolution() const
{
    return m_current->resolution();
}

DynamicModel::~DynamicModel() = default;

std::shared_ptr<const StaticSubnet> DynamicModel::extractLevel(int level) const
{
    const ProfileLevel& l = m_profile.levels.at(static_cast<size_t>(level));
    torch::NoGradGuard noGrad;
    return std::make_shared<const StaticSubnet>(
        m_supernet->extract(l.arch, l.bn.empty() ? nullptr : &l.bn));
}

std::shared_ptr<const StaticSubnet> DynamicModel::extractArch(const SubnetArch& arch) const
{
    torch::NoGradGuard noGrad;
    return std::make_shared<const StaticSubnet>(m_supernet->extract(arch));
}

LevelBackend DynamicModel::backendFor(int level) const
{
    const auto i = static_cast<size_t>(level);
    return i < m_options.levelBackends.size() ? m_options.levelBackends[i] : m_options.backend;
}

DynamicModel::CachedLevel DynamicModel::makeLevel(int level)
{
    const LevelBackend backend = backendFor(level);
    CachedLevel c;
    c.net = extractLevel(level);
    const int threads = torch::get_num_threads();
    std::optional<LevelBackendInfo>& known = m_backends[static_cast<size_t>(level)];
    if (backend == LevelBackend::Torch) {
        if (!m_options.device.is_cpu()) {
            // Once per level, when it enters the cache: a switch to a cached level stays a
            // pointer swap, and its weights are already on the device.
            torch::NoGradGuard noGrad;
            c.net = std::make_shared<const StaticSubnet>(c.net->to(m_options.device));
        }
        if (!known) {
            known = LevelBackendInfo{LevelBackend::Torch, {}, {}, {}, threads, "LibTorch (chosen)"};
        }
        return c;
    }
    // Auto measured this level before, at this thread count: the same network gives the same
    // answer, so a switch back to an evicted level does not pay for the timing runs again.
    const bool measured = backend == LevelBackend::Auto && known && known->threads == threads &&
                          known->torchMs && known->opencvMs;
    if (measured && known->backend == LevelBackend::Torch) {
        return c;
    }
    LevelBackendInfo info;
    info.threads = threads;
    try {
        c.dnn = std::make_shared<OpenCvDnnLevel>(*c.net);
    } catch (const std::runtime_error& e) {
        info.reason = std::string("LibTorch: ") + e.what();
        known = info;
        return c;
    }

    torch::NoGradGuard noGrad;
    // The check input comes from a private generator: the global one belongs to the caller.
    at::Generator gen = at::detail::createCPUGenerator(12345);
    const torch::Tensor x =
        torch::randn({1, m_spec.inChannels, c.net->resolution(), c.net->resolution()}, gen);
    const torch::Tensor ref = c.net->forward(x);
    torch::Tensor got;
    try {
        got = c.dnn->forward(x);
    } catch (const std::exception& e) {
        info.reason = std::string("LibTorch: OpenCV DNN failed on the check input: ") + e.what();
        known = info;
        c.dnn.reset();
        return c;
    }
    const double diff = (got - ref).abs().max().item<double>();
    const double scale = std::max(1.0, ref.abs().max().item<double>());
    info.maxDifference = diff;
    if (!(diff <= m_options.agreementTolerance * scale)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "LibTorch: OpenCV DNN logits differ by %.2e (allowed %.2e)",
                      diff, m_options.agreementTolerance * scale);
        info.reason = buf;
        known = info;
        c.dnn.reset();
        return c;
    }

    if (backend == LevelBackend::OpenCvDnn) {
        info.backend = LevelBackend::OpenCvDnn;
        info.reason = "OpenCV DNN (chosen)";
        known = info;
        return c;
    }
    if (measured) {
        known->maxDifference = diff;  // OpenCV DNN won before; its network is rebuilt above
        return c;
    }
    // Auto: both backends, interleaved so that a slow spell of the machine hits both alike;
    // batch 1, as the live pipeline runs.
    auto timeMs = [](const auto& f) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
            .count();
    };
    auto runTorch = [&] { (void)c.net->forward(x); };
    auto runDnn = [&] { (void)c.dnn->forward(x); };
    for (int i = 0; i < m_options.autoWarmup; ++i) {
        runTorch();
        runDnn();
    }
    std::vector<double> torchMs, dnnMs;
    for (int i = 0; i < m_options.autoRuns; ++i) {
        torchMs.push_back(timeMs(runTorch));
        dnnMs.push_back(timeMs(runDnn));
    }
    info.torchMs = medianOf(torchMs);
    info.opencvMs = medianOf(dnnMs);
    const bool dnnFaster = *info.opencvMs < *info.torchMs;
    info.backend = dnnFaster ? LevelBackend::OpenCvDnn : LevelBackend::Torch;
    info.reason = std::string("auto: ") +
                  (dnnFaster ? "OpenCV DNN " + formatMs(*info.opencvMs) + " < LibTorch " +
                                   formatMs(*info.torchMs)
                             : "LibTorch " + formatMs(*info.torchMs) + " <= OpenCV DNN " +
                                   formatMs(*info.opencvMs)) +
                  " (median of " + std::to_string(m_options.autoRuns) + ", batch 1, " +
                  std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
    known = info;
    if (!dnnFaster) {
        c.dnn.reset();
    }
    return c;
}

void DynamicModel::insert(int level, CachedLevel cached)
{
    if (static_cast<int>(m_lru.size()) >= m_capacity) {
        // Evict the least recently used level; the current one is never the tail unless the
        // capacity is 1, and then the new level replaces it anyway.
        const int victim = m_lru.back();
        m_lru.pop_back();
        m_slots[static_cast<size_t>(victim)] = CachedLevel{};
    }
    m_lru.push_front(level);
    m_lruPos[static_cast<size_t>(level)] = m_lru.begin();
    m_slots[static_cast<size_t>(level)] = std::move(cached);
}

void DynamicModel::makeCurrent(int level)
{
    const CachedLevel& c = m_slots[static_cast<size_t>(level)];
    m_current = c.net.get();
    m_currentDnn = c.dnn.get();
}

LevelSwitch DynamicModel::setLevel(int level)
{
    if (level < 0 || level >= levelCount()) {
        throw std::out_of_range("level " + std::to_string(level) + " out of range 0.." +
                                std::to_string(levelCount() - 1));
    }
    const auto start = std::chrono::steady_clock::now();
    LevelSwitch s;
    s.from = m_level;
    s.to = level;
    const auto idx = static_cast<size_t>(level);
    s.cached = m_slots[idx].net != nullptr;
    if (s.cached) {
        m_lru.splice(m_lru.begin(), m_lru, m_lruPos[idx]);
    } else {
        insert(level, makeLevel(level));
    }
    makeCurrent(level);
    m_level = level;
    s.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return s;
}

void DynamicModel::preload(int level)
{
    if (level < 0 || level >= levelCount()) {
        throw std::out_of_range("level " + std::to_string(level) + " out of range");
    }
    if (isCached(level)) {
        return;
    }
    const int keep = m_level;
    insert(level, makeLevel(level));
    if (!isCached(keep)) {
        // A full cache evicted the current level: bring it back to the front, so the
        // running network is never freed under the worker.
        insert(keep, makeLevel(keep));
    } else {
        m_lru.splice(m_lru.begin(), m_lru, m_lruPos[static_cast<size_t>(keep)]);
    }
    makeCurrent(keep);
}

bool DynamicModel::isCached(int level) const
{
    return level >= 0 && level < levelCount() && m_slots[static_cast<size_t>(level)].net != nullptr;
}

const char* DynamicModel::levelBackend(int level) const
{
    if (level < 0 || level >= levelCount()) {
        throw std::out_of_range("level " + std::to_string(level) + " out of range");
    }
    const std::optional<LevelBackendInfo>& info = m_backends[static_cast<size_t>(level)];
    return info ? levelBackendName(info->backend) : "";
}

std::optional<LevelBackendInfo> DynamicModel::backendInfo(int level) const
{
    if (level < 0 || level >= levelCount()) {
        throw std::out_of_range("level " + std::to_string(level) + " out of range");
    }
    return m_backends[static_cast<size_t>(level)];
}

std::int64_t DynamicModel::cacheBytes() const
{
    std::int64_t bytes = 0;
    for (const CachedLevel& c : m_slots) {
        if (c.net) {
            bytes += c.net->weightBytes() * (c.dnn ? 2 : 1);
        }
    }
    return bytes;
}

std::int64_t DynamicModel::supernetBytes() const
{
    std::int64_t bytes = 0;
    for (const auto& [name, t] : m_supernet->stateDict()) {
        bytes += t.numel() * static_cast<std::int64_t>(t.element_size());
    }
    return bytes;
}

torch::Tensor DynamicModel::forward(const torch::Tensor& images) const
{
    torch::NoGradGuard noGrad;
    // One preprocessing for both backends: OpenCV DNN gets exactly the tensor LibTorch would.
    return forwardPrepared(
        preprocess::toInput(images, m_current->resolution(), m_spec.mean, m_spec.std));
}

torch::Tensor DynamicModel::forwardPrepared(const torch::Tensor& x) const
{
    torch::NoGradGuard noGrad;
    if (m_currentDnn) {
        return m_currentDnn->forward(x);  // CPU only (the constructor refuses it elsewhere)
    }
    // The upload is part of what a frame costs on a GPU: the caller's timing includes it.
    return m_current->forward(x.device() == m_options.device ? x : x.to(m_options.device));
}

void DynamicModel::synchronize() const
{
    if (m_options.device.is_cuda()) {
        torch::cuda::synchronize(m_options.device.index());
    }
}

LevelTable DynamicModel::levelTable(FrameArrival arrival) const
{
    // A model runs each level on one backend and one processor: operating points measured on
    // another one are not offered (switching either is a new model, not a knob).
    const std::string deviceName = m_options.device.str();
    std::vector<RuntimeLevel> levels = levelTableFromProfile(m_profile, arrival).levels();
    for (size_t i = 0; i < levels.size(); ++i) {
        const LevelBackend b =
            i < m_options.levelBackends.size() ? m_options.levelBackends[i] : m_options.backend;
        const std::string own = b == LevelBackend::Auto ? std::string() : levelBackendName(b);
        auto& points = levels[i].operatingPoints;
        points.erase(std::remove_if(points.begin(), points.end(),
                                    [&](const OperatingPoint& p) {
                                        for (const KnobSetting& k : p.knobs)
                                            if ((k.knob == "app.backend" && k.value != own) ||
                                                (k.knob == "app.device" && k.value != deviceName))
                                                return true;
                                        return false;
                                    }),
                     points.end());
    }
    return LevelTable(std::move(levels));
}

LevelTable levelTableFromProfile(const Profile& profile, FrameArrival arrival)
{
    std::vector<RuntimeLevel> levels;
    levels.reserve(profile.levels.size());
    for (size_t i = 0; i < profile.levels.size(); ++i) {
        const ProfileLevel& p = profile.levels[i];
        RuntimeLevel l;
        l.id = static_cast<int>(i);
        l.arch = p.arch.toString();
        l.top1 = p.top1;
        const LatencyStats& latency = p.latencyFor(arrival);
        l.latencyMeanMs =
            std::max(latency.mean, levels.empty() ? 0.0 : levels.back().latencyMeanMs);
        l.latencyP90Ms = std::max(latency.p90, levels.empty() ? 0.0 : levels.back().latencyP90Ms);
        l.powerMw = p.powerMw;
        l.energyMj = p.energyMj;
        for (const ProfileOperatingPoint& m : p.operatingPoints) {
            OperatingPoint op;
            op.name = m.name();
            for (const auto& [knob, value] : m.knobs)
                op.knobs.push_back(KnobSetting{knob, value});
            op.latencyMs = arrival == FrameArrival::Paced && m.pacedLatency ? m.pacedLatency->mean
                                                                            : m.latency.mean;
            op.powerMw = m.powerMw;
            op.energyMj = m.energyMj;
            op.mapping = m.mapping();
            const std::string affinity = m.knob("app.affinity");
            if (!affinity.empty())
                if (const auto cpus = AffinityKnob::parseCpuList(affinity))
                    op.cores = cpus.value();
            l.operatingPoints.push_back(std::move(op));
        }
        levels.push_back(std::move(l));
    }
    return LevelTable(std::move(levels));
}

}  // namespace dofa
