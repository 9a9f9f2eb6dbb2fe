// SPDX-License-Identifier: MIT
// `dofa eval`, `dofa levels`, `dofa calibrate`: accuracy of sub-networks of a model.
#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

#include <torch/torch.h>

#include "accuracy_data.h"
#include "cli.h"
#include "cli_support.h"
#include "commands.h"
#include "progress_bar.h"
#include "supernet/static_subnet.h"
#include "train/bn_calibration.h"
#include "train/evaluator.h"

namespace dofa {

namespace {

const QCommandLineOption kModel({"m", "model"}, "Model file (default: the shipped model).", "file");
const QCommandLineOption kData("data",
                               "Evaluation images: a Fashion-MNIST directory (default for a "
                               "Fashion-MNIST model) or an image folder (class folders or "
                               "labels.csv).",
                               "dir");
const QCommandLineOption kCalibData("calib-data",
                                    "Image folder for BN calibration (e.g. ImageNet train; "
                                    "default: the --data folder).",
                                    "dir");
const QCommandLineOption kThreads("threads", "Intra-op threads (0: torch default).", "n", "0");
const QCommandLineOption kSeed("seed", "Seed of the BN calibration subset.", "n", "937162211");
const QCommandLineOption kCalibImages("calib-images", "Images for BN calibration.", "n", "2000");
const QCommandLineOption kNoCalibrate("no-calibrate",
                                      "Use the supernet's running BN statistics as they are.");
const QCommandLineOption kLimit("limit",
                                "Evaluate only N images (Fashion-MNIST: the first N; a folder: "
                                "a subset seeded by --seed).",
                                "n", "0");
const QCommandLineOption kJson("json", "Print the result as JSON.");
/// OFA's calibration batch (run_manager.reset_running_statistics).
constexpr int kCalibrationBatch = 200;

void addCommon(QCommandLineParser& p)
{
    p.addOption(kModel);
    p.addOption(kData);
    p.addOption(kCalibData);
    p.addOption(kThreads);
    p.addOption(kSeed);
    p.addOption(kCalibImages);
    p.addOption(kNoCalibrate);
    p.addOption(kLimit);
    p.addOption(kJson);
}

int intOption(const QCommandLineParser& p, const QCommandLineOption& o)
{
    bool ok = false;
    const int v = p.value(o).toInt(&ok);
    if (!ok || v < 0) {
        throw UsageError("--" + o.names().last().toStdString() + " needs a non-negative integer");
    }
    return v;
}

AccuracyData loadData(const QCommandLineParser& p, const ModelFile& model);

SubnetArch parseArch(const QString& text, const SupernetSpec& spec)
{
    try {
        return SubnetArch::parse(text.toStdString(), spec);
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
}

struct Evaluated
{
    SubnetArch arch;
    Top1Result top1;
};

Evaluated evaluateArch(Supernet& net, const SubnetArch& arch, const AccuracyData& data,
                       const QCommandLineParser& p, const std::string& label)
{
    StaticSubnet sub;
    if (p.isSet(kNoCalibrate)) {
        sub = net->extract(arch);
    } else {
        const BnStats stats = calibrateBn(net, arch, *data.calibration, kCalibrationBatch);
        sub = net->extract(arch, &stats);
    }
    ProgressBar bar(label);
    Top1Result r = evaluateTop1(
        sub, net->spec(), *data.evaluation, 500,
        [&](int64_t done, int64_t total) { bar.update(static_cast<double>(done) / total); });
    bar.finish();
    return {arch, r};
}

AccuracyData loadData(const QCommandLineParser& p, const ModelFile& model)
{
    AccuracyDataOptions o;
    o.seed = static_cast<std::uint32_t>(p.value(kSeed).toULong());
    o.calibrationImages = intOption(p, kCalibImages);
    o.limit = intOption(p, kLimit);
    return loadAccuracyData(p.value(kData), p.value(kCalibData), model, o);
}

}  // namespace

int cmdEval(const QStringList& args)
{
    QCommandLineParser p;
    addCommon(p);
    const QCommandLineOption archOpt({"a", "arch"}, "max, min or a text arch (dofa arch --help).",
                                     "arch", "max");
    p.addOption(archOpt);
    parseOrThrow(p, args,
                 "Top-1 of a sub-network on the evaluation set (Fashion-MNIST's 10,000 test "
                 "images, or an image folder with --data), after BN recalibration on 2,000 "
                 "training images (--calib-data for a folder).");
    applyThreads(p);
    const std::string modelPath =
        p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    const ModelFile model = loadModelOrThrow(modelPath);
    Supernet net = model.buildSupernet(modelPath);
    const SubnetArch arch = parseArch(p.value(archOpt), model.spec);
    const AccuracyData data = loadData(p, model);
    const Evaluated e = evaluateArch(net, arch, data, p, "eval");
    const double mmacs = static_cast<double>(arch.macs(model.spec)) / 1e6;
    if (p.isSet(kJson)) {
        const QJsonObject o{{"model", QString::fromStdString(modelPath)},
                            {"arch", QString::fromStdString(arch.toString())},
                            {"top1", e.top1.percent()},
                            {"correct", static_cast<qint64>(e.top1.correct)},
                            {"total", static_cast<qint64>(e.top1.total)},
                            {"mmacs", mmacs},
                            {"params", static_cast<qint64>(arch.params(model.spec))}};
        std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    } else {
        std::printf("arch   %s\ntop-1  %.2f%% (%lld/%lld)\nMMACs  %.2f\nparams %lld\n",
                    arch.toString().c_str(), e.top1.percent(),
                    static_cast<long long>(e.top1.correct), static_cast<long long>(e.top1.total),
                    mmacs, static_cast<long long>(arch.params(model.spec)));
    }
    return kExitOk;
}

int cmdLevels(const QStringList& args)
{
    QCommandLineParser p;
    addCommon(p);
    parseOrThrow(p, args,
                 "Evaluate a ladder of uniform sub-networks, from the smallest to the largest, "
                 "and print the level table (top-1, MACs, params). A measured Pareto profile "
                 "replaces this ladder once `dofa search` has run.");
    applyThreads(p);
    const std::string modelPath =
        p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    const ModelFile model = loadModelOrThrow(modelPath);
    const SupernetSpec& spec = model.spec;
    Supernet net = model.buildSupernet(modelPath);
    const AccuracyData data = loadData(p, model);

    // Uniform ladder: every elastic dimension moves together from its smallest to its largest
    // choice, so each rung is strictly larger than the one below.
    std::vector<SubnetArch> ladder;
    const int rungs = 6;
    auto at = [](const std::vector<int>& v, int i, int n) {
        return v[static_cast<size_t>(
            std::lround(static_cast<double>(i) * (v.size() - 1) / (n - 1)))];
    };
    for (int i = 0; i < rungs; ++i) {
        SubnetArch a;
        a.ks.assign(spec.numElasticBlocks(), at(spec.kernelSizes, i, rungs));
        a.e.assign(spec.numElasticBlocks(), at(spec.expandRatios, i, rungs));
        a.d.assign(spec.numStages(), at(spec.depths, i, rungs));
        a.r = at(spec.resolutions, i, rungs);
        ladder.push_back(a.canonical(spec));
    }
    ladder.erase(std::unique(ladder.begin(), ladder.end()), ladder.end());

    std::printf("model %s (%s, checksum %.12s)\n", modelPath.c_str(), spec.name.c_str(),
                model.checksum.c_str());
    std::printf("%-5s %-40s %8s %8s %9s\n", "level", "arch", "top-1 %", "MMACs", "params");
    QJsonArray rows;
    for (size_t i = 0; i < ladder.size(); ++i) {
        const Evaluated e = evaluateArch(net, ladder[i], data, p, "level " + std::to_string(i));
        const double mmacs = static_cast<double>(ladder[i].macs(spec)) / 1e6;
        std::printf("%-5zu %-40s %8.2f %8.2f %9lld\n", i, ladder[i].toString().c_str(),
                    e.top1.percent(), mmacs, static_cast<long long>(ladder[i].params(spec)));
        std::fflush(stdout);
        rows.append(QJsonObject{{"level", static_cast<int>(i)},
                                {"arch", QString::fromStdString(ladder[i].toString())},
                                {"top1", e.top1.percent()},
                                {"mmacs", mmacs}});
    }
    if (p.isSet(kJson)) {
        std::printf("%s\n", QJsonDocument(rows).toJson(QJsonDocument::Compact).constData());
    }
    return kExitOk;
}

int cmdCalibrate(const QStringList& args)
{
    QCommandLineParser p;
    addCommon(p);
    const QCommandLineOption archOpt({"a", "arch"}, "Sub-network to calibrate.", "arch", "max");
    const QCommandLineOption saveOpt(
        "save", "Store the statistics in the model file (as bn/<arch>/...), atomically.");
    p.addOption(archOpt);
    p.addOption(saveOpt);
    parseOrThrow(p, args,
                 "Re-estimate the batch-norm statistics of one sub-network (OFA's "
                 "set_running_statistics: 2,000 augmented training images (--calib-data for an "
                 "image folder), batch statistics, "
                 "averaged mean and biased variance). Deterministic for a given --seed.");
    applyThreads(p);
    const std::string modelPath =
        p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    ModelFile model = loadModelOrThrow(modelPath);
    Supernet net = model.buildSupernet(modelPath);
    const SubnetArch arch = parseArch(p.value(archOpt), model.spec);
    const AccuracyData data = loadData(p, model);
    const BnStats stats = calibrateBn(net, arch, *data.calibration, kCalibrationBatch);
    int64_t channels = 0;
    double meanAbs = 0;
    for (const auto& [name, m] : stats) {
        channels += m.mean.numel();
        meanAbs += m.mean.abs().sum().item<double>();
    }
    std::printf("arch %s: %zu BN layers, %lld channels, mean |mu| %.6f (seed %s, %lld images)\n",
                arch.toString().c_str(), stats.size(), static_cast<long long>(channels),
                meanAbs / std::max<int64_t>(1, channels), qPrintable(p.value(kSeed)),
                static_cast<long long>(data.calibration->size()));
    if (p.isSet(saveOpt)) {
        const std::string prefix = "bn/" + arch.toString() + "/";
        std::vector<std::pair<std::string, torch::Tensor>> kept;
        for (auto& t : model.tensors) {
            if (t.first.compare(0, prefix.size(), prefix) != 0) {
                kept.push_back(t);
            }
        }
        model.tensors = kept;
        for (const auto& [name, m] : stats) {
            model.tensors.emplace_back(prefix + name + "/mean", m.mean);
            model.tensors.emplace_back(prefix + name + "/var", m.var);
        }
        model.save(modelPath);
        std::printf("saved under %s in %s\n", prefix.c_str(), modelPath.c_str());
    }
    return kExitOk;
}

}  // namespace dofa
