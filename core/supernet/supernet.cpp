// SPDX-License-Identifier: MIT
#include "supernet.h"

#include <cmath>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/nn/init.h>
#include <torch/utils.h>

#include "static_subnet.h"

namespace dofa {

namespace {

std::shared_ptr<torch::nn::Module> child(torch::nn::Module& parent, const std::string& name)
{
    return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

torch::Tensor activate(const torch::Tensor& x, Activation act)
{
    return act == Activation::ReLU ? at::relu(x) : at::hardswish(x);
}

FusedConv::Act fusedAct(Activation act)
{
    return act == Activation::ReLU ? FusedConv::Act::ReLU : FusedConv::Act::HSwish;
}

// OFA's he_fout initialisation: N(0, sqrt(2 / (k*k*out))) for convolutions.
void initConv(const torch::nn::Conv2d& conv)
{
    const auto& w = conv->weight;
    const double n = static_cast<double>(w.size(0)) * w.size(2) * w.size(3);
    torch::nn::init::normal_(w, 0.0, std::sqrt(2.0 / n));
    if (conv->bias.defined()) {
        torch::nn::init::zeros_(conv->bias);
    }
}

}  // namespace

SupernetImpl::ConvBn SupernetImpl::makeConvBn(torch::nn::Module& parent, const std::string& name,
                                              int in, int out, int k, int stride, int groups,
                                              bool nestedNames)
{
    // Static OFA layers name their tensors `<name>.conv.weight` / `<name>.bn.*`; dynamic ones
    // wrap a second level: `<name>.conv.conv.weight` / `<name>.bn.bn.*`.
    auto holder = name.empty() ? std::shared_ptr<torch::nn::Module>() : child(parent, name);
    torch::nn::Module& owner = holder ? *holder : parent;
    ConvBn cb;
    auto convOpts =
        torch::nn::Conv2dOptions(in / groups * groups, out, k).stride(stride).padding(k / 2);
    cb.conv = torch::nn::Conv2d(convOpts.groups(groups).bias(false));
    cb.bn = torch::nn::BatchNorm2d(
        torch::nn::BatchNorm2dOptions(out).eps(m_spec.bnEps).momentum(m_spec.bnMomentum));
    if (nestedNames) {
        child(owner, "conv")->register_module("conv", cb.conv);
        child(owner, "bn")->register_module("bn", cb.bn);
    } else {
        owner.register_module("conv", cb.conv);
        owner.register_module("bn", cb.bn);
    }
    initConv(cb.conv);
    return cb;
}

SupernetImpl::SupernetImpl(SupernetSpec spec) : m_spec(std::move(spec))
{
    if (const std::string err = m_spec.validate(); !err.empty()) {
        throw std::invalid_argument("supernet spec '" + m_spec.name + "': " + err);
    }
    torch::NoGradGuard noGrad;
    const SupernetSpec& s = m_spec;

    auto first = child(*this, "first_conv");
    m_firstConv = makeConvBn(*first, "", s.inChannels, s.stemWidth, 3, s.stemStride, 1, false);

    auto blocks = child(*this, "blocks");
    {
        auto b0 = child(*child(*blocks, "0"), "conv");
        m_block0.dw =
            makeConvBn(*b0, "depth_conv", s.stemWidth, s.stemWidth, 3, 1, s.stemWidth, false);
        m_block0.pl =
            makeConvBn(*b0, "point_linear", s.stemWidth, s.firstBlockWidth, 1, 1, 1, false);
        m_block0.inC = s.stemWidth;
        m_block0.outC = s.firstBlockWidth;
        m_block0.shortcut = s.stemWidth == s.firstBlockWidth;
        m_block0.act = Activation::ReLU;
    }
    for (int i = 0; i < s.numElasticBlocks(); ++i) {
        Block b;
        b.inC = s.blockInChannels(i);
        b.outC = s.blockOutChannels(i);
        b.stride = s.blockStride(i);
        b.shortcut = s.blockHasShortcut(i);
        const StageSpec& stage = s.stages[s.stageOf(i)];
        b.se = stage.se;
        b.act = stage.act;
        const int midMax = SupernetSpec::midChannels(b.inC, s.maxExpand());
        auto mb = child(*child(*blocks, std::to_string(i + 1)), "conv");
        b.ib = makeConvBn(*mb, "inverted_bottleneck", b.inC, midMax, 1, 1, 1, true);
        auto depthConv = child(*mb, "depth_conv");
        b.dw = makeConvBn(*depthConv, "", midMax, midMax, s.maxKernel(), b.stride, midMax, true);
        auto dwHolder = depthConv->named_children()["conv"];
        for (size_t j = 0; j + 1 < s.kernelSizes.size(); ++j) {
            const int small = s.kernelSizes[j];
            const int large = s.kernelSizes[j + 1];
            b.transforms.push_back(dwHolder->register_parameter(
                std::to_string(large) + "to" + std::to_string(small) + "_matrix",
                torch::eye(small * small)));
        }
        if (b.se) {
            const int seMid = SupernetSpec::seMidChannels(midMax);
            auto fc = child(*child(*depthConv, "se"), "fc");
            b.seReduce = fc->register_module(
                "reduce", torch::nn::Conv2d(torch::nn::Conv2dOptions(midMax, seMid, 1)));
            b.seExpand = fc->register_module(
                "expand", torch::nn::Conv2d(torch::nn::Conv2dOptions(seMid, midMax, 1)));
            initConv(b.seReduce);
            initConv(b.seExpand);
        }
        b.pl = makeConvBn(*mb, "point_linear", midMax, b.outC, 1, 1, 1, true);
        m_blocks.push_back(std::move(b));
    }

    const int lastWidth = s.stages.back().width;
    auto finalExpand = child(*this, "final_expand_layer");
    m_finalExpand = makeConvBn(*finalExpand, "", lastWidth, s.finalExpandWidth, 1, 1, 1, false);
    m_featureMix =
        child(*this, "feature_mix_layer")
            ->register_module(
                "conv",
                torch::nn::Conv2d(
                    torch::nn::Conv2dOptions(s.finalExpandWidth, s.lastChannel, 1).bias(false)));
    initConv(m_featureMix);
    m_classifier = child(*this, "classifier")
                       ->register_module("linear", torch::nn::Linear(s.lastChannel, s.numClasses));
    // OFA: uniform(+-1/sqrt(fan_in)) weights, zero bias for linear layers.
    const double stdv = 1.0 / std::sqrt(static_cast<double>(s.lastChannel));
    torch::nn::init::uniform_(m_classifier->weight, -stdv, stdv);
    torch::nn::init::zeros_(m_classifier->bias);

    for (const auto& item : named_modules("", /*include_self=*/false)) {
        if (auto* bn = item.value()->as<torch::nn::BatchNorm2d>()) {
            m_bnNames[bn] = item.key();
        }
    }
}

torch::Tensor SupernetImpl::batchNorm(const torch::Tensor& x, const torch::nn::BatchNorm2d& bn)
{
    const int64_t c = x.size(1);
    const torch::Tensor w = bn->weight.narrow(0, 0, c);
    const torch::Tensor b = bn->bias.narrow(0, 0, c);
    if (m_calibrating) {
        const torch::Tensor mean = x.mean({0, 2, 3});
        const torch::Tensor var = (x - mean.view({1, -1, 1, 1})).pow(2).mean({0, 2, 3});
        CalibrationSum& sum = m_calibration[bn.get()];
        const int64_t n = x.size(0);
        if (!sum.mean.defined()) {
            sum.mean = mean * n;
            sum.var = var * n;
        } else {
            sum.mean += mean * n;
            sum.var += var * n;
        }
        sum.count += n;
        return at::batch_norm(x, w, b, mean, var, false, 0.0, m_spec.bnEps, false);
    }
    if (!is_training() && m_bnOverride) {
        const BnMoments m = momentsFor(bn, static_cast<int>(c), m_bnOverride);
        return at::batch_norm(x, w, b, m.mean, m.var, false, 0.0, m_spec.bnEps, false);
    }
    return at::batch_norm(x, w, b, bn->running_mean.narrow(0, 0, c),
                          bn->running_var.narrow(0, 0, c), is_training(), m_spec.bnMomentum,
                          m_spec.bnEps, false);
}

BnMoments SupernetImpl::momentsFor(const torch::nn::BatchNorm2d& bn, int channels,
                                   const BnStats* stats) const
{
    if (stats) {
        const std::string& name = m_bnNames.at(bn.get());
        const auto it = stats->find(name);
        if (it == stats->end()) {
            throw std::runtime_error("BN statistics have no entry for '" + name + "'");
        }
        if (it->second.mean.numel() != channels) {
            throw std::runtime_error("BN statistics for '" + name + "' have " +
                                     std::to_string(it->second.mean.numel()) +
                                     " channels, the sub-network uses " + std::to_string(channels));
        }
        return it->second;
    }
    return BnMoments{bn->running_mean.narrow(0, 0, channels),
                     bn->running_var.narrow(0, 0, channels)};
}

torch::Tensor SupernetImpl::activeFilter(const Block& b, int channels, int k) const
{
    const std::vector<int>& ks = m_spec.kernelSizes;
    torch::Tensor filter = b.dw.conv->weight.narrow(0, 0, channels);
    int current = m_spec.maxKernel();
    // Strictly 7 -> 5 -> 3: each smaller kernel is the centre of the transformed larger one.
    for (int j = static_cast<int>(ks.size()) - 2; j >= 0 && current > k; --j) {
        const int target = ks[j];
        const int start = current / 2 - target / 2;
        torch::Tensor centre = filter.narrow(2, start, target).narrow(3, start, target);
        centre = centre.contiguous().view({-1, target * target});
        filter = at::linear(centre, b.transforms[j]).view({channels, 1, target, target});
        current = target;
    }
    return filter;
}

torch::Tensor SupernetImpl::blockForward(const torch::Tensor& x, const Block& b, int k, int e)
{
    const int mid = SupernetSpec::midChannels(b.inC, e);
    torch::Tensor y = at::conv2d(x, b.ib.conv->weight.narrow(0, 0, mid));
    y = activate(batchNorm(y, b.ib.bn), b.act);
    y = at::conv2d(y, activeFilter(b, mid, k), {}, b.stride, k / 2, 1, mid);
    y = activate(batchNorm(y, b.dw.bn), b.act);
    if (b.se) {
        const int seMid = SupernetSpec::seMidChannels(mid);
        // 1x1 convolutions on the pooled 1x1 map as matrix products (StaticSubnet::head).
        torch::Tensor s = y.mean({2, 3});
        s = at::linear(s, b.seReduce->weight.narrow(0, 0, seMid).narrow(1, 0, mid).flatten(1),
                       b.seReduce->bias.narrow(0, 0, seMid));
        s = at::relu(s);
        s = at::linear(s, b.seExpand->weight.narrow(0, 0, mid).narrow(1, 0, seMid).flatten(1),
                       b.seExpand->bias.narrow(0, 0, mid));
        y = y * at::hardsigmoid(s).unsqueeze(2).unsqueeze(3);
    }
    y = at::conv2d(y, b.pl.conv->weight.narrow(1, 0, mid));
    y = batchNorm(y, b.pl.bn);
    return b.shortcut ? y + x : y;
}

torch::Tensor SupernetImpl::forward(const torch::Tensor& x, const SubnetArch& arch)
{
    if (x.dim() != 4 || x.size(1) != m_spec.inChannels) {
        throw std::invalid_argument("supernet input must be (N, " +
                                    std::to_string(m_spec.inChannels) + ", H, W)");
    }
    torch::Tensor y = at::conv2d(x, m_firstConv.conv->weight, {}, m_spec.stemStride, 1);
    y = at::hardswish(batchNorm(y, m_firstConv.bn));
    {
        torch::Tensor z = at::conv2d(y, m_block0.dw.conv->weight, {}, 1, 1, 1, m_block0.inC);
        z = at::relu(batchNorm(z, m_block0.dw.bn));
        z = batchNorm(at::conv2d(z, m_block0.pl.conv->weight), m_block0.pl.bn);
        y = m_block0.shortcut ? z + y : z;
    }
    for (size_t i = 0; i < m_blocks.size(); ++i) {
        if (arch.isActive(m_spec, static_cast<int>(i))) {
            y = blockForward(y, m_blocks[i], arch.ks[i], arch.e[i]);
        }
    }
    y = at::conv2d(y, m_finalExpand.conv->weight);
    y = at::hardswish(batchNorm(y, m_finalExpand.bn));
    // The feature mix as a matrix product, as StaticSubnet::head (same result, far faster).
    y = at::hardswish(at::linear(y.mean({2, 3}), m_featureMix->weight.flatten(1)));
    return at::linear(y, m_classifier->weight, m_classifier->bias);
}

namespace {

FusedConv foldConvBn(const torch::Tensor& weight, const torch::Tensor& gamma,
                     const torch::Tensor& beta, const BnMoments& m, double eps, int stride,
                     int groups, FusedConv::Act act)
{
    const int64_t c = weight.size(0);
    const torch::Tensor scale = gamma.narrow(0, 0, c) / (m.var + eps).sqrt();
    FusedConv f;
    f.weight = (weight * scale.view({-1, 1, 1, 1})).contiguous();
    f.bias = (beta.narrow(0, 0, c) - m.mean * scale).contiguous();
    f.stride = stride;
    f.padding = static_cast<int>(weight.size(2) / 2);
    f.groups = groups;
    f.act = act;
    return f;
}

}  // namespace

StaticSubnet SupernetImpl::extract(const SubnetArch& arch, const BnStats* stats) const
{
    if (const std::string err = arch.validate(m_spec); !err.empty()) {
        throw std::invalid_argument("cannot extract " + arch.toString() + ": " + err);
    }
    torch::NoGradGuard noGrad;
    const double eps = m_spec.bnEps;
    auto fold = [&](const torch::Tensor& w, const torch::nn::BatchNorm2d& bn, int stride,
                    int groups, FusedConv::Act act) {
        const BnMoments m = momentsFor(bn, static_cast<int>(w.size(0)), stats);
        return foldConvBn(w, bn->weight, bn->bias, m, eps, stride, groups, act);
    };

    StaticSubnet net;
    net.m_arch = arch.canonical(m_spec);
    net.stem = fold(m_firstConv.conv->weight, m_firstConv.bn, m_spec.stemStride, 1,
                    FusedConv::Act::HSwish);
    {
        StaticBlock b0;
        b0.depthwise =
            fold(m_block0.dw.conv->weight, m_block0.dw.bn, 1, m_block0.inC, FusedConv::Act::ReLU);
        b0.project = fold(m_block0.pl.conv->weight, m_block0.pl.bn, 1, 1, FusedConv::Act::None);
        b0.shortcut = m_block0.shortcut;
        net.blocks.push_back(std::move(b0));
    }
    for (size_t i = 0; i < m_blocks.size(); ++i) {
        if (!arch.isActive(m_spec, static_cast<int>(i))) {
            continue;
        }
        const Block& b = m_blocks[i];
        const int mid = SupernetSpec::midChannels(b.inC, arch.e[i]);
        StaticBlock sb;
        sb.expand = fold(b.ib.conv->weight.narrow(0, 0, mid), b.ib.bn, 1, 1, fusedAct(b.act));
        sb.depthwise =
            fold(activeFilter(b, mid, arch.ks[i]), b.dw.bn, b.stride, mid, fusedAct(b.act));
        if (b.se) {
            const int seMid = SupernetSpec::seMidChannels(mid);
            sb.se = true;
            sb.seReduceW = b.seReduce->weight.narrow(0, 0, seMid).narrow(1, 0, mid).clone();
            sb.seReduceB = b.seReduce->bias.narrow(0, 0, seMid).clone();
            sb.seExpandW = b.seExpand->weight.narrow(0, 0, mid).narrow(1, 0, seMid).clone();
            sb.seExpandB = b.seExpand->bias.narrow(0, 0, mid).clone();
        }
        sb.project = fold(b.pl.conv->weight.narrow(1, 0, mid), b.pl.bn, 1, 1, FusedConv::Act::None);
        sb.shortcut = b.shortcut;
        net.blocks.push_back(std::move(sb));
    }
    net.finalExpand =
        fold(m_finalExpand.conv->weight, m_finalExpand.bn, 1, 1, FusedConv::Act::HSwish);
    net.featureMixW = m_featureMix->weight.clone();
    net.classifierW = m_classifier->weight.clone();
    net.classifierB = m_classifier->bias.clone();
    return net;
}

void SupernetImpl::beginBnCalibration()
{
    m_calibration.clear();
    m_calibrating = true;
}

BnStats SupernetImpl::endBnCalibration()
{
    m_calibrating = false;
    BnStats stats;
    for (auto& [bn, sum] : m_calibration) {
        if (sum.count > 0) {
            stats[m_bnNames.at(bn)] = BnMoments{(sum.mean / static_cast<double>(sum.count)),
                                                (sum.var / static_cast<double>(sum.count))};
        }
    }
    m_calibration.clear();
    return stats;
}

void SupernetImpl::reorganizeChannels(int expandStage)
{
    torch::NoGradGuard noGrad;
    auto permute = [](const torch::Tensor& t, int dim, const torch::Tensor& idx) {
        t.copy_(t.index_select(dim, idx));
    };
    auto permuteBn = [&](const torch::nn::BatchNorm2d& bn, const torch::Tensor& idx) {
        permute(bn->weight, 0, idx);
        permute(bn->bias, 0, idx);
        permute(bn->running_mean, 0, idx);
        permute(bn->running_var, 0, idx);
    };
    std::vector<int> sortedExpand(m_spec.expandRatios.rbegin(), m_spec.expandRatios.rend());
    for (Block& b : m_blocks) {
        torch::Tensor importance = b.pl.conv->weight.abs().sum({0, 2, 3});
        if (expandStage > 0) {
            const int64_t n = importance.size(0);
            int64_t right = n;
            double base = -static_cast<double>(sortedExpand.size()) * 1e5;
            for (int i = 0; i <= expandStage && i < static_cast<int>(sortedExpand.size()); ++i) {
                const int64_t left = SupernetSpec::midChannels(b.inC, sortedExpand[i]);
                importance.narrow(0, left, right - left).add_(base);
                base += 1e5;
                right = left;
            }
        }
        const torch::Tensor idx = std::get<1>(importance.sort(0, /*descending=*/true));
        permute(b.pl.conv->weight, 1, idx);
        permute(b.dw.conv->weight, 0, idx);
        permuteBn(b.dw.bn, idx);
        if (b.se) {
            permute(b.seExpand->weight, 0, idx);
            permute(b.seExpand->bias, 0, idx);
            permute(b.seReduce->weight, 1, idx);
            const torch::Tensor seImportance = b.seExpand->weight.abs().sum({0, 2, 3});
            const torch::Tensor seIdx = std::get<1>(seImportance.sort(0, true));
            permute(b.seExpand->weight, 1, seIdx);
            permute(b.seReduce->weight, 0, seIdx);
            permute(b.seReduce->bias, 0, seIdx);
        }
        permute(b.ib.conv->weight, 0, idx);
        permuteBn(b.ib.bn, idx);
    }
}

std::vector<std::pair<std::string, torch::Tensor>> SupernetImpl::stateDict() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : named_parameters(true)) {
        out.emplace_back(p.key(), p.value());
    }
    for (const auto& b : named_buffers(true)) {
        out.emplace_back(b.key(), b.value());
    }
    return out;
}

std::vector<std::string> SupernetImpl::loadStateDict(
    const std::map<std::string, torch::Tensor>& values)
{
    torch::NoGradGuard noGrad;
    std::vector<std::string> missing;
    for (auto& [key, tensor] : stateDict()) {
        const auto it = values.find(key);
        if (it == values.end()) {
            missing.push_back(key);
            continue;
        }
        if (it->second.sizes() != tensor.sizes()) {
            std::ostringstream msg;
            msg << "'" << key << "' has shape " << it->second.sizes() << ", " << m_spec.name
                << " expects " << tensor.sizes();
            throw std::runtime_error(msg.str());
        }
        tensor.copy_(it->second.to(tensor.scalar_type()));
    }
    return missing;
}

std::int64_t SupernetImpl::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : parameters(true)) {
        n += p.numel();
    }
    return n;
}

}  // namespace dofa
