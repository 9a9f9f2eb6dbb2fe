// SPDX-License-Identifier: MIT
#include "latency_table.h"

#include <QJsonArray>
#include <cmath>
#include <set>
#include <stdexcept>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

#include "supernet/static_subnet.h"

namespace dofa {

namespace {

/// One layer of the space: enough to name it (OFA's key) and to build it with random weights.
struct LayerShape
{
    enum class Type { Stem, Block0, Block, Tail };
    Type type = Type::Block;
    int inH = 0, inC = 0, outH = 0, outC = 0;
    int mid = 0, kernel = 3, stride = 1;
    bool shortcut = false, se = false, hswish = false;

    [[nodiscard]] std::string key() const
    {
        auto io = [](int h, int c) {
            return std::to_string(h) + "x" + std::to_string(h) + "x" + std::to_string(c);
        };
        const std::string shape = "-input:" + io(inH, inC) + "-output:" + io(outH, outC);
        switch (type) {
            case Type::Stem:
                return "Conv" + shape;
            case Type::Tail:
                return "Tail" + shape;
            case Type::Block0:
            case Type::Block:
                break;
        }
        return "expanded_conv" + shape + "-expand:" + std::to_string(mid) +
               "-kernel:" + std::to_string(kernel) + "-stride:" + std::to_string(stride) +
               "-idskip:" + std::to_string(shortcut ? 1 : 0) + "-se:" + std::to_string(se ? 1 : 0) +
               "-hs:" + std::to_string(hswish ? 1 : 0);
    }
};

int convOut(int h, int stride)
{
    // Odd kernels with padding k/2: ceil(h / stride).
    return (h - 1) / stride + 1;
}

/// The layers `arch` runs, in order (the elastic blocks only where active).
std::vector<LayerShape> layersOf(const SupernetSpec& spec, const SubnetArch& arch)
{
    std::vector<LayerShape> out;
    LayerShape stem{LayerShape::Type::Stem};
    stem.inH = arch.r;
    stem.inC = spec.inChannels;
    stem.outH = convOut(arch.r, spec.stemStride);
    stem.outC = spec.stemWidth;
    stem.kernel = 3;
    stem.stride = spec.stemStride;
    stem.hswish = true;
    out.push_back(stem);
    int h = stem.outH;

    LayerShape b0{LayerShape::Type::Block0};
    b0.inH = b0.outH = h;
    b0.inC = b0.mid = spec.stemWidth;
    b0.outC = spec.firstBlockWidth;
    b0.shortcut = spec.stemWidth == spec.firstBlockWidth;
    out.push_back(b0);

    for (int i = 0; i < spec.numElasticBlocks(); ++i) {
        if (!arch.isActive(spec, i)) {
            continue;
        }
        const StageSpec& stage = spec.stages[spec.stageOf(i)];
        LayerShape b{LayerShape::Type::Block};
        b.inH = h;
        b.stride = spec.blockStride(i);
        b.outH = convOut(h, b.stride);
        b.inC = spec.blockInChannels(i);
        b.outC = spec.blockOutChannels(i);
        b.mid = SupernetSpec::midChannels(b.inC, arch.e[i]);
        b.kernel = arch.ks[i];
        b.shortcut = spec.blockHasShortcut(i);
        b.se = stage.se;
        b.hswish = stage.act == Activation::HSwish;
        out.push_back(b);
        h = b.outH;
    }
    LayerShape tail{LayerShape::Type::Tail};
    tail.inH = h;
    tail.inC = spec.stages.back().width;
    tail.outH = 1;
    tail.outC = spec.numClasses;
    out.push_back(tail);
    return out;
}

FusedConv randomConv(int out, int inPerGroup, int k, int stride, int groups, FusedConv::Act act)
{
    FusedConv c;
    c.weight = torch::randn({out, inPerGroup, k, k}) * 0.1;
    c.bias = torch::randn({out}) * 0.1;
    c.stride = stride;
    c.padding = k / 2;
    c.groups = groups;
    c.act = act;
    return c;
}

/// A callable that runs `layer` once on a random input of its shape, on `device`.
std::function<void()> makeRunner(const LayerShape& l, const SupernetSpec& spec,
                                 const torch::Device& device, int batch)
{
    const FusedConv::Act act = l.hswish ? FusedConv::Act::HSwish : FusedConv::Act::ReLU;
    const torch::Tensor x = torch::randn({batch, l.inC, l.inH, l.inH}).to(device);
    switch (l.type) {
        case LayerShape::Type::Stem: {
            const FusedConv c =
                randomConv(l.outC, l.inC, 3, l.stride, 1, FusedConv::Act::HSwish).to(device);
            return [c, x] { (void)c.forward(x); };
        }
        case LayerShape::Type::Tail: {
            const FusedConv fe =
                randomConv(spec.finalExpandWidth, l.inC, 1, 1, 1, FusedConv::Act::HSwish)
                    .to(device);
            const torch::Tensor mixW =
                (torch::randn({spec.lastChannel, spec.finalExpandWidth, 1, 1}) * 0.05).to(device);
            const torch::Tensor clsW =
                (torch::randn({spec.numClasses, spec.lastChannel}) * 0.05).to(device);
            const torch::Tensor clsB = torch::zeros({spec.numClasses}).to(device);
            return [=] { (void)StaticSubnet::head(x, fe, mixW, clsW, clsB); };
        }
        case LayerShape::Type::Block0:
        case LayerShape::Type::Block:
            break;
    }
    StaticBlock b;
    if (l.type == LayerShape::Type::Block) {
        b.expand = randomConv(l.mid, l.inC, 1, 1, 1, act);
    }
    b.depthwise = randomConv(l.mid, 1, l.kernel, l.stride, l.mid,
                             l.type == LayerShape::Type::Block0 ? FusedConv::Act::ReLU : act);
    if (l.se) {
        const int seMid = SupernetSpec::seMidChannels(l.mid);
        b.se = true;
        b.seReduceW = torch::randn({seMid, l.mid, 1, 1}) * 0.1;
        b.seReduceB = torch::zeros({seMid});
        b.seExpandW = torch::randn({l.mid, seMid, 1, 1}) * 0.1;
        b.seExpandB = torch::zeros({l.mid});
    }
    b.project = randomConv(l.outC, l.mid, 1, 1, 1, FusedConv::Act::None);
    b.shortcut = l.shortcut;
    const StaticBlock onDevice = b.to(device);
    return [onDevice, x] { (void)onDevice.forward(x); };
}

}  // namespace

std::vector<std::string> LatencyTable::layerKeys(const SupernetSpec& spec, const SubnetArch& arch)
{
    std::vector<std::string> keys;
    for (const LayerShape& l : layersOf(spec, arch)) {
        keys.push_back(l.key());
    }
    return keys;
}

LatencyTable LatencyTable::build(const SupernetSpec& spec, const LatencyOptions& options,
                                 const ProgressFn& progress)
{
    // Every layer of the space: per resolution, the largest arch gives every block position;
    // each position is then taken at every kernel and expand ratio.
    std::map<std::string, LayerShape> unique;
    for (int r : spec.resolutions) {
        SubnetArch a = SubnetArch::max(spec);
        a.r = r;
        for (int k : spec.kernelSizes) {
            for (int e : spec.expandRatios) {
                a.ks.assign(a.ks.size(), k);
                a.e.assign(a.e.size(), e);
                for (const LayerShape& l : layersOf(spec, a)) {
                    unique.emplace(l.key(), l);
                }
            }
        }
    }
    c10::InferenceMode inference;
    std::function<void()> sync;
    if (options.device.is_cuda()) {
        sync = [] { torch::cuda::synchronize(); };
    }
    LatencyTable table;
    int done = 0;
    for (const auto& [key, layer] : unique) {
        const auto run = makeRunner(layer, spec, options.device, options.batch);
        table.m_entries[key] = timeRuns(run, options.warmup, options.runs, sync);
        if (progress) {
            progress(++done, static_cast<int>(unique.size()));
        }
    }
    return table;
}

double LatencyTable::predictRaw(const SupernetSpec& spec, const SubnetArch& arch) const
{
    double sum = 0;
    for (const std::string& key : layerKeys(spec, arch)) {
        const auto it = m_entries.find(key);
        if (it == m_entries.end()) {
            throw std::out_of_range("latency table has no entry for layer '" + key + "'");
        }
        // Medians: on a shared machine a few preempted runs move a mean, not a median.
        sum += it->second.p50;
    }
    return sum;
}

double LatencyTable::predict(const SupernetSpec& spec, const SubnetArch& arch) const
{
    return m_scale * predictRaw(spec, arch) + m_offset;
}

void LatencyTable::fitCorrection(const SupernetSpec& spec,
                                 const std::vector<std::pair<SubnetArch, double>>& measured)
{
    if (measured.empty()) {
        throw std::invalid_argument("latency correction needs at least one measured arch");
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    std::set<double> distinct;
    for (const auto& [arch, ms] : measured) {
        const double x = predictRaw(spec, arch);
        sx += x;
        sy += ms;
        sxx += x * x;
        sxy += x * ms;
        distinct.insert(x);
    }
    const double n = static_cast<double>(measured.size());
    const double det = n * sxx - sx * sx;
    if (distinct.size() >= 2 && det > 1e-12 * n * sxx) {
        m_scale = (n * sxy - sx * sy) / det;
        m_offset = (sy - m_scale * sx) / n;
    } else {
        m_scale = sxx > 0 ? sxy / sxx : 1.0;
        m_offset = 0;
    }
}

QJsonObject LatencyTable::toJson() const
{
    QJsonObject entries;
    for (const auto& [key, stats] : m_entries) {
        entries.insert(QString::fromStdString(key), stats.toJson());
    }
    return QJsonObject{{"scale", m_scale}, {"offset_ms", m_offset}, {"entries", entries}};
}

LatencyTable LatencyTable::fromJson(const QJsonObject& json)
{
    LatencyTable t;
    if (!json.value("entries").isObject()) {
        throw std::runtime_error("latency table: field 'entries' must be an object");
    }
    const QJsonObject entries = json.value("entries").toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        try {
            t.m_entries[it.key().toStdString()] = LatencyStats::fromJson(it.value().toObject());
        } catch (const std::exception& e) {
            throw std::runtime_error("latency table entry '" + it.key().toStdString() +
                                     "': " + e.what());
        }
    }
    t.m_scale = json.value("scale").toDouble(1.0);
    t.m_offset = json.value("offset_ms").toDouble(0.0);
    return t;
}

double meanAbsPercentError(const LatencyTable& table, const SupernetSpec& spec,
                           const std::vector<std::pair<SubnetArch, double>>& measured)
{
    if (measured.empty()) {
        return 0;
    }
    double sum = 0;
    for (const auto& [arch, ms] : measured) {
        sum += std::abs(table.predict(spec, arch) - ms) / ms;
    }
    return 100.0 * sum / static_cast<double>(measured.size());
}

}  // namespace dofa
