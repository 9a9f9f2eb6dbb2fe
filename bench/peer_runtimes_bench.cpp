// SPDX-License-Identifier: MIT
// Inference against peer runtimes (issue "Export sub-networks to ONNX and measure inference"):
// for every level of the shipped model (its 1-thread profile on 1 thread, its 2-thread profile
// on 2) and for a few OFA w1.0 sub-networks at 224 px (random weights), on 1 and 2 threads:
//   (a) dofa: DynamicModel after setLevel, the level's extracted, BN-folded network;
//   (b) the same sub-network as a plain LibTorch module a user would write (Conv2d, BatchNorm2d,
//       activations, SE and a Linear classifier; BN unfolded, in eval mode);
//   (c) the supernet's masked forward with the arch active (how the reference switches
//       without extraction);
//   (d) OpenCV DNN on dofa's ONNX export of the level;
//   (e) dofa with the Auto level backend: DynamicModel timed both its backends when the level
//       entered its cache and runs the faster (the chosen one and Auto's medians are printed).
// Each is timed in interleaved rounds (batch 1, median per call) and printed with its GFLOP/s
// (2 x MACs / time) next to the peak of a dense 1024x1024 GEMM measured in the same run.
// Prints numbers and ratios; asserts nothing. Usage: peer_runtimes_bench [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include "export/onnx_writer.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "supernet/model_file.h"

using namespace dofa;
using SteadyClock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double timeMs(const std::function<void()>& f)
{
    const auto t0 = SteadyClock::now();
    f();
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
}

/// Median ms per call of each function, timed in interleaved rounds so that a slow spell of
/// the machine hits every contender alike; each round runs a function several times in a row
/// (warm caches, as in a frame loop) for about `roundMs`.
std::vector<double> measure(const std::vector<std::function<void()>>& fs, double budgetMs)
{
    constexpr int kRounds = 10;
    std::vector<int> reps;
    for (const auto& f : fs) {
        f();  // warm-up: first-call allocations, OpenCV's layer setup
        double t = timeMs(f);
        t = std::min(t, timeMs(f));
        reps.push_back(std::max(1, static_cast<int>(budgetMs / kRounds / std::max(t, 1e-3))));
    }
    std::vector<std::vector<double>> samples(fs.size());
    for (int round = 0; round < kRounds; ++round) {
        for (size_t i = 0; i < fs.size(); ++i) {
            for (int k = 0; k < reps[i]; ++k) {
                samples[i].push_back(timeMs(fs[i]));
            }
        }
    }
    std::vector<double> out;
    for (const auto& s : samples) {
        out.push_back(median(s));
    }
    return out;
}

// (b): what a user writes for a MobileNetV3 sub-network in LibTorch, layer by layer. The
// weights are dofa's folded ones with an identity-like BN after each convolution (gamma 1,
// beta = folded bias, mean 0, var 1 - eps): the same arithmetic as a real unfolded BN, and the
// output equals (a), which the bench checks.
struct ConvBnActImpl : torch::nn::Module
{
    ConvBnActImpl(const FusedConv& f, double eps) : act(f.act)
    {
        const auto k = f.weight.size(2);
        conv = register_module(
            "conv", torch::nn::Conv2d(
                        torch::nn::Conv2dOptions(f.weight.size(1) * f.groups, f.weight.size(0), k)
                            .stride(f.stride)
                            .padding(f.padding)
                            .groups(f.groups)
                            .bias(false)));
        bn = register_module(
            "bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(f.weight.size(0)).eps(eps)));
        torch::NoGradGuard noGrad;
        conv->weight.copy_(f.weight);
        bn->weight.fill_(1.0);
        bn->bias.copy_(f.bias);
        bn->running_mean.zero_();
        bn->running_var.fill_(1.0 - eps);
    }
    torch::Tensor forward(torch::Tensor x)
    {
        x = bn->forward(conv->forward(x));
        switch (act) {
            case FusedConv::Act::ReLU:
                return torch::relu(x);
            case FusedConv::Act::HSwish:
                return torch::hardswish(x);
            case FusedConv::Act::None:
                break;
        }
        return x;
    }
    torch::nn::Conv2d conv{nullptr};
    torch::nn::BatchNorm2d bn{nullptr};
    FusedConv::Act act;
};
TORCH_MODULE(ConvBnAct);

torch::nn::Conv2d conv1x1(const torch::Tensor& w, const torch::Tensor& b)
{
    torch::nn::Conv2d c(torch::nn::Conv2dOptions(w.size(1), w.size(0), 1).bias(b.defined()));
    torch::NoGradGuard noGrad;
    c->weight.copy_(w.view({w.size(0), w.size(1), 1, 1}));
    if (b.defined()) {
        c->bias.copy_(b);
    }
    return c;
}

struct PlainBlockImpl : torch::nn::Module
{
    PlainBlockImpl(const StaticBlock& b, double eps) : se(b.se), shortcut(b.shortcut)
    {
        if (b.expand) {
            expand = register_module("expand", ConvBnAct(*b.expand, eps));
        }
        depthwise = register_module("depthwise", ConvBnAct(b.depthwise, eps));
        if (se) {
            seReduce = register_module("se_reduce", conv1x1(b.seReduceW, b.seReduceB));
            seExpand = register_module("se_expand", conv1x1(b.seExpandW, b.seExpandB));
        }
        project = register_module("project", ConvBnAct(b.project, eps));
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        torch::Tensor y = expand ? expand->forward(x) : x;
        y = depthwise->forward(y);
        if (se) {
            torch::Tensor s = torch::adaptive_avg_pool2d(y, {1, 1});
            s = torch::hardsigmoid(seExpand->forward(torch::relu(seReduce->forward(s))));
            y = y * s;
        }
        y = project->forward(y);
        return shortcut ? y + x : y;
    }
    ConvBnAct expand{nullptr}, depthwise{nullptr}, project{nullptr};
    torch::nn::Conv2d seReduce{nullptr}, seExpand{nullptr};
    bool se, shortcut;
};
TORCH_MODULE(PlainBlock);

struct PlainNetImpl : torch::nn::Module
{
    PlainNetImpl(const StaticSubnet& n, double eps)
    {
        stem = register_module("first_conv", ConvBnAct(n.stem, eps));
        for (size_t i = 0; i < n.blocks.size(); ++i) {
            blocks.push_back(
                register_module("blocks_" + std::to_string(i), PlainBlock(n.blocks[i], eps)));
        }
        finalExpand = register_module("final_expand_layer", ConvBnAct(n.finalExpand, eps));
        featureMix = register_module("feature_mix_layer", conv1x1(n.featureMixW, {}));
        classifier = register_module(
            "classifier", torch::nn::Linear(n.classifierW.size(1), n.classifierW.size(0)));
        torch::NoGradGuard noGrad;
        classifier->weight.copy_(n.classifierW);
        classifier->bias.copy_(n.classifierB);
    }
    torch::Tensor forward(torch::Tensor x)
    {
        x = stem->forward(x);
        for (auto& b : blocks) {
            x = b->forward(x);
        }
        x = torch::adaptive_avg_pool2d(finalExpand->forward(x), {1, 1});
        x = torch::hardswish(featureMix->forward(x));
        return classifier->forward(x.flatten(1));
    }
    ConvBnAct stem{nullptr}, finalExpand{nullptr};
    std::vector<PlainBlock> blocks;
    torch::nn::Conv2d featureMix{nullptr};
    torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(PlainNet);

/// One row of the table: a sub-network measured four ways.
struct Case
{
    std::string name;
    DynamicModel* model = nullptr;
    DynamicModel* autoModel = nullptr;  ///< the same levels with LevelBackend::Auto
    int level = 0;
    Supernet supernet{nullptr};
    SubnetArch arch;
    double budgetMs = 400;
};

void runCase(const Case& c, int threads, double peak1, double peakN)
{
    DynamicModel& model = *c.model;
    model.setLevel(c.level);
    DynamicModel& autoModel = *c.autoModel;
    autoModel.setLevel(c.level);  // Auto's timing runs happen here, when the level is cached
    const StaticSubnet& net = model.current();
    const SupernetSpec& spec = model.spec();
    const torch::Tensor x = torch::randn({1, spec.inChannels, c.arch.r, c.arch.r});

    PlainNet plain(net, spec.bnEps);
    plain->eval();

    cv::dnn::Net cvNet;
    {
        const std::string onnx = OnnxWriter().serialize(net);
        cvNet = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
        cvNet.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        cvNet.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    }
    std::vector<int> sizes(x.sizes().begin(), x.sizes().end());
    const cv::Mat blob(4, sizes.data(), CV_32F, x.data_ptr<float>());

    torch::NoGradGuard noGrad;
    torch::Tensor outA, outB, outC, outE;
    cv::Mat outD;
    const std::vector<std::function<void()>> fs = {
        [&] { outA = model.current().forward(x); },
        [&] { outB = plain->forward(x); },
        [&, supernet = c.supernet]() mutable { outC = supernet->forward(x, c.arch); },
        [&] {
            cvNet.setInput(blob);
            outD = cvNet.forward();
        },
        [&] { outE = autoModel.forwardPrepared(x); },
    };
    const std::vector<double> ms = measure(fs, c.budgetMs);
    const torch::Tensor d = torch::from_blob(outD.ptr<float>(), outA.sizes()).clone();
    // Same work, same answer: (b) and (d) must agree with (a); (c) uses the supernet's running
    // BN statistics where a level has its own, so it is not compared.
    const double diffB = (outB - outA).abs().max().item<double>();
    const double diffD = (d - outA).abs().max().item<double>();
    const double diffE = (outE - outA).abs().max().item<double>();
    const LevelBackendInfo info = *autoModel.backendInfo(c.level);
    const double gflop = 2.0 * static_cast<double>(c.arch.macs(spec)) / 1e9;
    auto rate = [&](double t) { return gflop / (t / 1e3); };
    std::printf(
        "%-22s %2d %7.2f | %8.3f %8.3f %8.3f %8.3f %8.3f | %5.3f %5.3f %5.3f %5.3f | %6.2f %6.2f "
        "%6.2f %6.2f | %6.2f | %.1e %.1e %.1e | %-6s %8.3f %8.3f\n",
        c.name.c_str(), threads, gflop * 500.0, ms[0], ms[1], ms[2], ms[3], ms[4], ms[0] / ms[1],
        ms[0] / ms[2], ms[0] / ms[3], ms[4] / ms[3], rate(ms[0]), rate(ms[1]), rate(ms[2]),
        rate(ms[3]), threads == 1 ? peak1 : peakN, diffB, diffD, diffE,
        levelBackendName(info.backend), info.torchMs.value_or(-1), info.opencvMs.value_or(-1));
    std::fflush(stdout);
}

/// GFLOP/s of a dense 1024x1024 matrix product at the current thread count: the machine's
/// practical peak for fp32 through LibTorch's BLAS.
double gemmPeak()
{
    const torch::Tensor a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
    torch::Tensor c = torch::mm(a, b);
    std::vector<double> t;
    for (int i = 0; i < 15; ++i) {
        t.push_back(timeMs([&] { c = torch::mm(a, b); }));
    }
    return 2.0 * 1024 * 1024 * 1024 / 1e9 / (median(t) / 1e3);
}

/// GFLOP/s of a dense 3x3 convolution (256 -> 256 channels on 28x28, LibTorch's oneDNN path):
/// the compute peak reachable through a tuned kernel, whatever BLAS LibTorch was linked with.
double convPeak()
{
    const torch::Tensor x = torch::randn({1, 256, 28, 28}), w = torch::randn({256, 256, 3, 3});
    torch::NoGradGuard noGrad;
    torch::Tensor y = at::conv2d(x, w, {}, 1, 1);
    std::vector<double> t;
    for (int i = 0; i < 15; ++i) {
        t.push_back(timeMs([&] { y = at::conv2d(x, w, {}, 1, 1); }));
    }
    return 2.0 * 28 * 28 * 256 * 256 * 9 / 1e9 / (median(t) / 1e3);
}

Profile archProfile(const SupernetSpec& spec, const std::vector<SubnetArch>& archs)
{
    Profile p;
    p.modelName = spec.name;
    double ms = 1;
    for (const SubnetArch& a : archs) {
        ProfileLevel l;
        l.arch = a;
        l.latency.mean = l.latency.p50 = l.latency.p90 = (ms += 1);
        p.levels.push_back(l);
    }
    return p;
}

}  // namespace

int main(int argc, char** argv)
{
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const double scale = quick ? 0.25 : 1.0;
    const std::string modelPath = DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
    const std::string profiles[2] = {DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json",
                                     DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-2t.json"};

    setInferenceThreads(1);
    const double peak1 = gemmPeak();
    const double convPeak1 = convPeak();
    setInferenceThreads(2);
    const double peak2 = gemmPeak();
    const double convPeak2 = convPeak();
    std::printf("# peer_runtimes_bench: batch 1, median ms per call; LibTorch %s, OpenCV %s\n",
                TORCH_VERSION, CV_VERSION);
    std::printf(
        "# dense GEMM 1024x1024 (torch::mm, LibTorch's BLAS): %.2f GFLOP/s on 1 thread, "
        "%.2f on 2 (the 'peak' column)\n",
        peak1, peak2);
    std::printf(
        "# dense 3x3 conv 256->256 at 28x28 (LibTorch's oneDNN): %.2f GFLOP/s on 1 "
        "thread, %.2f on 2\n",
        convPeak1, convPeak2);
    std::printf(
        "# (a) dofa DynamicModel level  (b) plain LibTorch module  (c) supernet masked "
        "forward  (d) OpenCV DNN on dofa's ONNX  (e) dofa, Auto level backend (its choice "
        "and its own torch/opencv medians at the end)\n");
    std::printf(
        "%-22s %2s %7s | %8s %8s %8s %8s %8s | %5s %5s %5s %5s | %6s %6s %6s %6s | %6s | %7s "
        "%7s %7s | %-6s %8s %8s\n",
        "case", "th", "MMACs", "a ms", "b ms", "c ms", "d ms", "e ms", "a/b", "a/c", "a/d", "e/d",
        "GF/s a", "GF/s b", "GF/s c", "GF/s d", "peak", "|b-a|", "|d-a|", "|e-a|", "e runs",
        "auto t", "auto cv");

    for (int threads : {1, 2}) {
        setInferenceThreads(threads);
        cv::setNumThreads(threads);
        std::printf("# %d thread(s): %s\n", threads, inferenceThreads().describe().c_str());
        // The shipped model, with the profile measured at this thread count.
        const ModelFile file = ModelFile::load(modelPath);
        Supernet supernet = file.buildSupernet(modelPath);
        supernet->eval();
        auto model = DynamicModel::open(modelPath, profiles[threads - 1]);
        DynamicModelOptions autoOptions;
        autoOptions.backend = LevelBackend::Auto;
        auto autoModel = DynamicModel::open(modelPath, profiles[threads - 1], autoOptions);
        for (int l = 0; l < model->levelCount(); ++l) {
            Case c;
            c.name = "fmnist L" + std::to_string(l) + (threads == 1 ? " (1t)" : " (2t)");
            c.model = model.get();
            c.autoModel = autoModel.get();
            c.level = l;
            c.supernet = supernet;
            c.arch = model->levelInfo(l).arch;
            c.budgetMs = 400 * scale;
            runCase(c, threads, peak1, peak2);
        }

        // OFA w1.0 at 224 px with random weights: the smallest, a random and the largest.
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        torch::manual_seed(1);
        Supernet ofa(spec);
        ofa->eval();
        std::mt19937 rng(3);
        std::vector<SubnetArch> archs = {
            SubnetArch::min(spec),
            SubnetArch::sample(spec, rng, spec.kernelSizes, spec.expandRatios, spec.depths, {224}),
            SubnetArch::max(spec)};
        for (SubnetArch& a : archs) {
            a.r = 224;
        }
        DynamicModel ofaModel(ofa, archProfile(spec, archs));
        DynamicModel ofaAuto(ofa, archProfile(spec, archs), autoOptions);
        const char* names[] = {"ofa-w1.0 min@224", "ofa-w1.0 rand@224", "ofa-w1.0 max@224"};
        for (int l = 0; l < ofaModel.levelCount(); ++l) {
            Case c;
            c.name = names[l];
            c.model = &ofaModel;
            c.autoModel = &ofaAuto;
            c.level = l;
            c.supernet = ofa;
            c.arch = archs[static_cast<size_t>(l)];
            c.budgetMs = 1500 * scale;
            runCase(c, threads, peak1, peak2);
        }
    }
    return 0;
}
