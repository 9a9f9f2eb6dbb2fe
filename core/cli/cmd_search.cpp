// SPDX-License-Identifier: MIT
// `dofa search`, `dofa profile`, `dofa export`: Pareto profiles of a model on this device, and
// their sub-networks as ONNX.
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

#include <torch/torch.h>

#include "accuracy_data.h"
#include "cli.h"
#include "cli_support.h"
#include "commands.h"
#include "export/onnx_writer.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/platform.h"
#include "progress_bar.h"
#include "run/operating_point_sweep.h"
#include "search/accuracy_cache.h"
#include "search/accuracy_evaluator.h"
#include "search/profile_builder.h"
#include "search/profile_csv.h"
#include "supernet/atomic_file.h"
#include "train/evaluator.h"

namespace dofa {

namespace {

// Training holds out the last 5,000 training images (TrainConfig::valImages); the search
// measures accuracy there, so levels are chosen without looking at the test set.
constexpr int64_t kHeldOut = 5000;

const QCommandLineOption kModel({"m", "model"}, "Model file (default: the shipped model).", "file");
const QCommandLineOption kData("data",
                               "Test images: a Fashion-MNIST directory (default for a "
                               "Fashion-MNIST model) or an image folder (class folders or "
                               "labels.csv).",
                               "dir");
const QCommandLineOption kCalibData(
    "calib-data",
    "Image folder for BN calibration and, held out from it, the images the search ranks on "
    "(e.g. ImageNet train; default: the --data folder).",
    "dir");
const QCommandLineOption kLimit("limit", "Test only N images (a folder: a seeded subset).", "n",
                                "0");
const QCommandLineOption kThreads("threads", "Intra-op threads to measure latency with.", "n", "1");
const QCommandLineOption kCuda("cuda", "Measure latency on this CUDA device.", "index");
const QCommandLineOption kOut({"o", "out"},
                              "Profile to write (default: profiles/<model>."
                              "<device>.json in the source tree).",
                              "file");

int positiveInt(const QCommandLineParser& p, const QCommandLineOption& o)
{
    bool ok = false;
    const int v = p.value(o).toInt(&ok);
    if (!ok || v <= 0) {
        throw UsageError("--" + o.names().last().toStdString() + " needs a positive integer");
    }
    return v;
}

/// --pace: frame rate of the levels' paced latency (0: not measured).
const QCommandLineOption kPace("pace",
                               "Also time every level paced at this many frames per second, as "
                               "frames arrive from a camera (0: back to back only).",
                               "fps", "30");

double paceOf(const QCommandLineParser& p)
{
    bool ok = false;
    const double v = p.value(kPace).toDouble(&ok);
    if (!ok || v < 0 || v > 10000) {
        throw UsageError("--pace needs a frame rate in 0..10000");
    }
    return v;
}

std::string defaultProfilePath(const Profile& profile)
{
    return std::string(DOFA_SOURCE_DIR) + "/profiles/" + profile.defaultFileName();
}

/// A paced latency's mean for the tables, "-" where none was measured (--pace 0).
std::string pacedMs(const std::optional<LatencyStats>& paced)
{
    return paced ? QByteArray::number(paced->mean, 'f', 4).toStdString() : "-";
}

void printLevels(const Profile& p)
{
    std::printf("%-5s %-42s %8s %10s %10s %11s %8s %9s\n", "level", "arch", "top-1 %", "mean ms",
                "p90 ms", "paced ms", "MMACs", "params");
    for (size_t i = 0; i < p.levels.size(); ++i) {
        const ProfileLevel& l = p.levels[i];
        std::printf("%-5zu %-42s %8.2f %10.4f %10.4f %11s %8.2f %9lld\n", i,
                    l.arch.toString().c_str(), l.top1, l.latency.mean, l.latency.p90,
                    pacedMs(l.pacedLatency).c_str(), static_cast<double>(l.macs) / 1e6,
                    static_cast<long long>(l.params));
    }
    if (p.pacedFps() > 0) {
        const QJsonObject levels = p.accuracyProtocol.value("levels").toObject();
        const QString set = levels.value("evaluation_folder")
                                .toString(levels.value("evaluation_set").toString("the test set"));
        std::printf("(top-1 on %s; paced ms: mean at %.4g fps)\n", qPrintable(set), p.pacedFps());
    }
}

struct LoadedModel
{
    std::string path;
    ModelFile file;
    Supernet net;
};

/// --model (or the shipped model) and its supernet in eval mode, for measurements.
LoadedModel loadModel(const QCommandLineParser& p)
{
    const std::string path = p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    ModelFile file = loadModelOrThrow(path);
    Supernet net = file.buildSupernet(path);
    net->eval();
    return {path, std::move(file), net};
}

Profile loadProfileOrThrow(const std::string& path, const SupernetSpec& spec)
{
    try {
        return Profile::load(path, spec);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
}

int parseLevel(const QString& text, const Profile& profile)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    const int n = static_cast<int>(profile.levels.size());
    if (!ok || v < 0 || v >= n) {
        throw UsageError("--level " + text.toStdString() + ": the profile has levels 0.." +
                         std::to_string(n - 1));
    }
    return v;
}

/// `dofa export --onnx`: the sub-network given by `archText`, or level `level` of `profile`
/// with the level's own BN statistics (what DynamicModel runs for that level).
void exportOnnx(const std::string& modelPath, const ModelFile& model, const Profile& profile,
                const std::string& outPath, const std::string& archText, int level)
{
    SubnetArch a;
    const BnStats* stats = nullptr;
    if (level >= 0) {
        const ProfileLevel& l = profile.levels[static_cast<size_t>(level)];
        a = l.arch;
        stats = l.bn.empty() ? nullptr : &l.bn;
    } else {
        try {
            a = SubnetArch::parse(archText, model.spec);
        } catch (const std::exception& e) {
            throw UsageError(std::string("--arch: ") + e.what());
        }
    }
    Supernet net = model.buildSupernet(modelPath);
    net->eval();
    torch::NoGradGuard noGrad;
    const StaticSubnet subnet = net->extract(a, stats);
    const std::string doc = "dofa sub-network " + a.toString() + " of " + modelPath +
                            (level >= 0 ? " (level " + std::to_string(level) + ")" : "");
    OnnxWriter().write(subnet, outPath, doc);
    std::printf("wrote %s (ONNX opset %d, arch %s, input 1x%dx%dx%d, %.2f MMACs)\n",
                outPath.c_str(), OnnxWriter::kOpset, a.toString().c_str(), model.spec.inChannels,
                a.r, a.r, static_cast<double>(a.macs(model.spec)) / 1e6);
}

/// Part I of N of a job, from "I/N".
struct Shard
{
    int index = 0;
    int count = 1;
};

Shard shardOf(const QCommandLineParser& p, const QCommandLineOption& option)
{
    const QStringList parts = p.value(option).split('/');
    bool indexOk = false, countOk = false;
    Shard s;
    if (parts.size() == 2) {
        s.index = parts[0].toInt(&indexOk);
        s.count = parts[1].toInt(&countOk);
    }
    if (!indexOk || !countOk || s.count < 1 || s.index < 0 || s.index >= s.count) {
        throw UsageError("--shard '" + p.value(option).toStdString() +
                         "': expected I/N with 0 <= I < N, e.g. 0/4");
    }
    return s;
}

}  // namespace

int cmdSearch(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption levels("levels", "Levels to pick from the front.", "n", "8");
    const QCommandLineOption samples("samples", "Measured archs to train the accuracy predictor.",
                                     "n", "150");
    const QCommandLineOption cache("accuracy-cache",
                                   "JSON cache of measured accuracies (read and updated); "
                                   "accuracy does not depend on the device.",
                                   "file");
    const QCommandLineOption accuracyOnly(
        "accuracy-only",
        "Only the device-independent accuracy work (the predictor's sampled sub-networks and the "
        "baselines), into --accuracy-cache; no latency, no profile. With --shard, on many "
        "machines; join the caches with `dofa accuracy-cache merge`.");
    const QCommandLineOption shard("shard",
                                   "With --accuracy-only: measure the I-th of N parts (0-based), "
                                   "every N-th sub-network.",
                                   "I/N", "0/1");
    const QCommandLineOption quick("quick", "A small search for smoke tests (minutes to seconds).");
    const QCommandLineOption noBaselines("no-baselines", "Skip the baseline families.");
    const QCommandLineOption seed("seed", "Seed of sampling and evolution.", "n", "1");
    const QCommandLineOption calibImages(
        "calib-images",
        "Images for BN calibration of each measured sub-network (default 2000, 400 with "
        "--quick); the search ranks on calibration-source images after them.",
        "n");
    const QCommandLineOption evalThreads(
        "eval-threads",
        "Threads for accuracy work (BN calibration, evaluation), which does not depend on them "
        "(0: every core). Latency is measured on --threads.",
        "n", "0");
    for (const auto& o :
         {kModel, kData, kCalibData, kLimit, kThreads, kCuda, kOut, levels, samples, cache, quick,
          noBaselines, seed, kPace, evalThreads, calibImages, accuracyOnly, shard}) {
        p.addOption(o);
    }
    parseOrThrow(p, args,
                 "The Dynamic-OFA offline flow on this device: per-layer latency table, accuracy "
                 "predictor on measured sub-networks, random search over a sweep of latency "
                 "constraints with evolutionary refinement, re-measurement of the front, levels, "
                 "and the width/depth/resolution/random baselines measured the same way. Writes "
                 "a JSON profile.");
    const int threads = positiveInt(p, kThreads);
    setInferenceThreads(threads);
    const Shard part = shardOf(p, shard);
    if (p.isSet(shard) && !p.isSet(accuracyOnly)) {
        throw UsageError("--shard splits the accuracy-only work: add --accuracy-only");
    }
    if (p.isSet(accuracyOnly) && !p.isSet(cache)) {
        throw UsageError("--accuracy-only writes its accuracies to --accuracy-cache FILE");
    }
    const auto [modelPath, model, net] = loadModel(p);

    ProfileBuilderOptions o;
    o.threads = threads;
    o.cudaIndex = p.isSet(kCuda) ? p.value(kCuda).toInt() : -1;
    o.levels = positiveInt(p, levels);
    o.predictorSamples = positiveInt(p, samples);
    o.baselines = !p.isSet(noBaselines);
    o.seed = static_cast<std::uint32_t>(p.value(seed).toULong());
    o.pacedLatency.paceFps = paceOf(p);
    bool evalOk = false;
    o.evalThreads = p.value(evalThreads).toInt(&evalOk);
    if (!evalOk || o.evalThreads < 0) {
        throw UsageError("--eval-threads needs a non-negative integer");
    }
    if (o.evalThreads == 0) {
        o.evalThreads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    }
    setInferenceThreads(o.evalThreads);
    BnCalibrationOptions calibration;
    if (p.isSet(quick)) {
        o.predictorSamples = std::min(o.predictorSamples, 24);
        o.correctionArchs = 4;
        o.heldOutArchs = 6;
        o.frontCandidates = 8;
        o.tableLatency = {1, 5, 1, torch::kCPU};
        o.archLatency = {2, 10, 1, torch::kCPU};
        o.pacedLatency.warmup = 2;
        o.pacedLatency.runs = 10;
        o.search.randomSamples = 100;
        o.search.sweepSteps = 3;
        o.search.population = 12;
        o.search.generations = 3;
        calibration.images = 400;
    }
    if (p.isSet(calibImages)) {
        calibration.images = positiveInt(p, calibImages);
    }
    AccuracyDataOptions dataOptions;
    dataOptions.calibrationImages = calibration.images;
    dataOptions.seed = calibration.seed;
    dataOptions.searchImages = kHeldOut;
    dataOptions.decodeThreads = o.evalThreads;
    bool limitOk = false;
    dataOptions.limit = p.value(kLimit).toLongLong(&limitOk);
    if (!limitOk || dataOptions.limit < 0) {
        throw UsageError("--limit needs a non-negative integer");
    }
    const AccuracyData data =
        loadAccuracyData(p.value(kData), p.value(kCalibData), model, dataOptions);
    AccuracyEvaluator searchEval(net, data.calibration, data.search, calibration.batchSize);
    AccuracyEvaluator testEval(net, data.calibration, data.evaluation, calibration.batchSize);
    const std::string cachePath = p.value(cache).toStdString();
    if (p.isSet(cache) && QFile::exists(p.value(cache))) {
        QJsonObject cacheJson;
        try {
            cacheJson = AccuracyCache::read(cachePath);
        } catch (const std::runtime_error& e) {
            throw InputError(e.what());
        }
        const int a = searchEval.loadCache(cacheJson.value("search").toObject(), model.checksum);
        const int b = testEval.loadCache(cacheJson.value("test").toObject(), model.checksum);
        std::printf("accuracy cache %s: %d + %d entries reused\n", cachePath.c_str(), a, b);
    }
    // A copy: a lambda may not capture a structured binding (C++17; clang refuses it).
    const std::string checksum = model.checksum;
    auto saveCache = [&] {
        const QJsonObject json{{"search", searchEval.cacheToJson(checksum)},
                               {"test", testEval.cacheToJson(checksum)}};
        AtomicFile::save(cachePath, QJsonDocument(json).toJson().toStdString(), "accuracy cache");
    };

    if (p.isSet(accuracyOnly)) {
        // The same sub-networks, in the same order, as the device search measures whatever
        // the device: the options that choose them (--seed, --samples, --quick, baselines)
        // must be those of the search that reuses the cache.
        const std::vector<SubnetArch> archs = ProfileBuilder::deviceIndependentArchs(model.spec, o);
        std::vector<SubnetArch> mine;
        for (size_t i = static_cast<size_t>(part.index); i < archs.size();
             i += static_cast<size_t>(part.count)) {
            mine.push_back(archs[i]);
        }
        ProgressBar bar("accuracy");
        int measured = 0;
        for (size_t i = 0; i < mine.size(); ++i) {
            measured += searchEval.isCached(mine[i]) ? 0 : 1;
            (void)searchEval.top1(mine[i]);
            bar.update(static_cast<double>(i + 1) / static_cast<double>(mine.size()),
                       "sub-networks");
            if (stopRequested()) {
                saveCache();  // what is measured is kept: a rerun resumes
                bar.finish("interrupted");
                return kExitInterrupted;
            }
        }
        bar.finish();
        saveCache();
        std::printf(
            "accuracy-only shard %d/%d: %zu of %zu sub-networks (%d measured, %zu from "
            "the cache) -> %s\n",
            part.index, part.count, mine.size(), archs.size(), measured,
            mine.size() - static_cast<size_t>(measured), cachePath.c_str());
        return kExitOk;
    }

    ProgressBar bar("search");
    std::string lastStage;
    ProfileBuilder builder(searchEval, testEval, model.checksum, o,
                           [&](const std::string& stage, double f) {
                               if (stage != lastStage && !lastStage.empty()) {
                                   bar.update(1.0, lastStage);
                               }
                               lastStage = stage;
                               bar.update(f, stage);
                           });
    ProfileReport report;
    Profile profile;
    try {
        profile = builder.run(report, &stopRequested());
    } catch (...) {
        if (stopRequested()) {
            bar.finish("interrupted");
            return kExitInterrupted;
        }
        throw;
    }
    bar.finish();
    profile.provenance.insert("command", args.join(' '));
    profile.provenance.insert("model_file",
                              QFileInfo(QString::fromStdString(modelPath)).fileName());

    const std::string out =
        p.isSet(kOut) ? p.value(kOut).toStdString() : defaultProfilePath(profile);
    QDir().mkpath(QFileInfo(QString::fromStdString(out)).absolutePath());
    profile.save(out);
    if (p.isSet(cache)) {
        saveCache();
    }

    std::printf("device  %s\n", profile.device.describe().c_str());
    std::printf(
        "time    %.1f s total (latency table %.1f, latency %.1f, accuracy %.1f, search "
        "%.1f, levels %.1f, baselines %.1f)\n",
        report.totalSeconds, report.tableSeconds, report.latencySeconds, report.accuracySeconds,
        report.searchSeconds, report.levelSeconds, report.baselineSeconds);
    std::printf("latency predictor: %d table entries, mean abs error %.2f%% on %d held-out archs\n",
                report.tableEntries, report.latencyPredictorMape, o.heldOutArchs);
    std::printf("accuracy predictor: mean abs error %.2f points on held-out measured archs\n",
                report.accuracyPredictorMae);
    std::printf("search: %d candidates scored, %d accuracies measured\n", report.searchedCandidates,
                report.accuracyMeasurements);
    std::printf("hypervolume (ref %.3f ms, %.2f%%): full search %.4f\n", report.refLatencyMs,
                report.refAccuracy, report.hypervolume);
    for (const BaselineReport& b : report.baselines) {
        std::printf(
            "  baseline %-10s %3zu points  hypervolume %.4f  speedup of the search at "
            "equal accuracy: median %.2fx, max %.2fx\n",
            b.name.c_str(), b.points.size(), b.hypervolume, b.speedupMedian, b.speedupMax);
    }
    printLevels(profile);
    if (profile.levels.size() < static_cast<size_t>(o.levels)) {
        // Not an error: the measured front is what it is. An untrained or poorly trained model
        // often has one where the fastest sub-network also scores best.
        std::fprintf(stderr,
                     "note: the measured Pareto front has only %zu point(s); %d levels were "
                     "asked for\n",
                     profile.levels.size(), o.levels);
    }
    std::printf("wrote %s\n", out.c_str());
    return kExitOk;
}

/// `dofa profile --data`: each level's top-1 on `dataDir`, with its stored BN statistics, or
/// with statistics recalibrated on `calibDir` (stored). Runs on every core. False when
/// interrupted.
bool remeasureTop1(const QString& dataDir, const QString& calibDir, int limit,
                   const ModelFile& model, Supernet net, Profile& profile)
{
    setInferenceThreads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    BnCalibrationOptions calibration;
    AccuracyDataOptions options;
    options.calibrationImages = calibration.images;
    options.seed = calibration.seed;
    options.limit = limit;
    options.decodeThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const AccuracyData sets = loadAccuracyData(dataDir, calibDir, model, options);
    const bool recalibrate = !calibDir.isEmpty();
    AccuracyEvaluator evaluator(net, sets.calibration, sets.evaluation, calibration.batchSize);
    ProgressBar bar("top-1");
    for (size_t i = 0; i < profile.levels.size(); ++i) {
        ProfileLevel& l = profile.levels[i];
        if (recalibrate) {
            l.bn = evaluator.bnStats(l.arch);
        }
        const StaticSubnet level = net->extract(l.arch, l.bn.empty() ? nullptr : &l.bn);
        l.top1 = evaluateTop1(level, model.spec, *sets.evaluation).percent();
        bar.update(static_cast<double>(i + 1) / profile.levels.size(), "levels");
        if (stopRequested()) {
            return false;
        }
    }
    bar.finish();
    QJsonObject protocol = recalibrate ? evaluator.protocol() : sets.evaluation->describe();
    if (!recalibrate) {
        protocol.insert("bn", "each level's stored statistics");
    }
    profile.accuracyProtocol.insert("levels", protocol);
    return true;
}

/// `dofa profile --sweep`: the levels' operating points (OperatingPointSweep), with a progress
/// bar and a resume file beside the output. False when interrupted.
bool sweepOperatingPoints(const QString& knobs, const QString& platformMode,
                          const LatencyOptions& backToBack, const LatencyOptions& paced,
                          Supernet net, Profile& profile, const std::string& out)
{
    std::optional<Platform> platform = platformFromMode(platformMode);
    std::vector<std::string> names;
    for (const QString& k : knobs.split(',', Qt::SkipEmptyParts)) {
        names.push_back(k.trimmed().toStdString());
    }
    std::vector<SweepAxis> axes;
    try {
        axes = OperatingPointSweep::axes(names, platform ? &*platform : nullptr);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    OperatingPointSweep::Options o;
    o.backToBack = backToBack;
    o.paced = paced;
    o.paced.runs = std::min(paced.runs, 20);  // paced runs cost a frame period each
    o.resumePath = out + ".sweep-partial.json";
    OperatingPointSweep sweeper(std::move(net), profile, axes, platform ? &*platform : nullptr, o);
    if (sweeper.resumedCombinations() > 0) {
        std::printf("sweep: %d combinations resumed from %s\n", sweeper.resumedCombinations(),
                    o.resumePath.c_str());
    }
    if (sweeper.skippedCombinations() > 0) {
        std::printf(
            "sweep: %d combinations not measured: more intra-op threads than cores in "
            "their affinity (never faster; LibTorch's threads spin for a core they "
            "cannot have), or OpenCV DNN on a GPU\n",
            sweeper.skippedCombinations());
    }
    ProgressBar bar("sweep");
    const bool done = sweeper.run([&](double f, const std::string& stage) { bar.update(f, stage); },
                                  &stopRequested());
    for (const std::string& problem : sweeper.restoreProblems()) {
        std::fprintf(stderr, "warning: knob not restored: %s\n", problem.c_str());
    }
    if (!done) {
        std::fprintf(stderr,
                     "sweep interrupted: measured combinations kept in %s; the same "
                     "command goes on from there\n",
                     o.resumePath.c_str());
        return false;
    }
    bar.finish();
    profile = sweeper.profile();
    QFile::remove(QString::fromStdString(o.resumePath));
    std::printf("%-5s %-44s %10s %10s %10s %9s\n", "level", "operating point", "mean ms", "p90 ms",
                "paced ms", "mJ/inf");
    for (size_t i = 0; i < profile.levels.size(); ++i) {
        for (const ProfileOperatingPoint& op : profile.levels[i].operatingPoints) {
            std::printf("%-5zu %-44s %10.4f %10.4f %10s %9s\n", i, op.name().c_str(),
                        op.latency.mean, op.latency.p90, pacedMs(op.pacedLatency).c_str(),
                        op.energyMj ? QByteArray::number(*op.energyMj, 'f', 3).constData() : "-");
        }
    }
    // The level library of each mapping: the levels on its own front (what the manager offers
    // there), as the runtime derives them from the points just measured.
    const LevelTable table = levelTableFromProfile(profile, FrameArrival::BackToBack);
    std::printf("\n%-34s %s\n", "library (mapping)", "levels on its front: level mean ms");
    for (const LevelLibrary& library : table.libraries()) {
        std::string levels;
        for (int i = 0; i < table.size(); ++i) {
            if (!library.member[i]) {
                continue;
            }
            const int point = library.fastestPoint[i];
            const double ms =
                point >= 0 ? table.level(i).operatingPoints[point].latencyMs : table.latencyMs(i);
            levels += (levels.empty() ? "" : ", ") + std::to_string(i) + " " +
                      QByteArray::number(ms, 'f', 3).toStdString();
        }
        std::printf("%-34s %s\n", library.name.c_str(), levels.c_str());
    }
    return true;
}

int cmdProfile(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption from("profile", "Existing profile whose levels to re-measure.",
                                  "file");
    const QCommandLineOption runs("runs", "Timed runs per sub-network.", "n", "60");
    const QCommandLineOption data(
        "data",
        "Also re-measure each level's top-1 on these images (a Fashion-MNIST directory or an "
        "image folder), with the level's stored BN statistics unless --calib-data is given.",
        "dir");
    const QCommandLineOption calibData(
        "calib-data",
        "Recalibrate each level's BN statistics on this image folder first (stored in the "
        "profile); needs --data.",
        "dir");
    const QCommandLineOption sweep(
        "sweep",
        "Also measure every level at every combination of these knobs' values, stored as the "
        "levels' operating points: threads, cores, backend, clock (comma-separated). Resumes "
        "after an interruption.",
        "knobs");
    const QCommandLineOption platform(
        "platform",
        "For --sweep clock: discover (this machine's cpufreq), simulated (the SIMULATED "
        "board) or none.",
        "mode", "discover");
    for (const auto& o : {kModel, kThreads, kCuda, kOut, from, runs, kPace, data, calibData, kLimit,
                          sweep, platform}) {
        p.addOption(o);
    }
    parseOrThrow(p, args,
                 "Re-measure the latency of an existing profile's levels and measured candidates "
                 "on this device (accuracy and BN statistics are device-independent and kept, "
                 "unless --data re-measures top-1). Levels are re-sorted by their latency here.");
    if (!p.isSet(from)) {
        throw UsageError("--profile is required");
    }
    if (p.isSet(calibData) && !p.isSet(data)) {
        throw UsageError("--calib-data needs --data (the images top-1 is measured on)");
    }
    const int threads = positiveInt(p, kThreads);
    setInferenceThreads(threads);
    const auto [modelPath, model, net] = loadModel(p);
    const std::string inPath = p.value(from).toStdString();
    Profile profile = loadProfileOrThrow(inPath, model.spec);
    try {
        profile.checkModel(model.checksum, inPath);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
    const int cuda = p.isSet(kCuda) ? p.value(kCuda).toInt() : -1;
    profile.device = DeviceDescriptor::current(threads, cuda);
    LatencyOptions lo;
    lo.runs = positiveInt(p, runs);
    if (cuda >= 0) {
        lo.device = torch::Device(torch::kCUDA, static_cast<int8_t>(cuda));
    }
    LatencyOptions paced = lo;
    paced.paceFps = paceOf(p);
    std::vector<ProfileCandidate> measured;
    for (const ProfileCandidate& c : profile.candidates) {
        if (c.measured) {
            measured.push_back(c);
        }
    }
    ProgressBar bar("profile");
    const size_t total = profile.levels.size() + measured.size();
    size_t done = 0;
    for (ProfileLevel& l : profile.levels) {
        const StaticSubnet level = net->extract(l.arch, l.bn.empty() ? nullptr : &l.bn);
        l.latency = measureLatency(level, model.spec.inChannels, lo);
        l.pacedLatency.reset();
        if (paced.paceFps > 0) {
            l.pacedLatency = measureLatency(level, model.spec.inChannels, paced);
        }
        l.powerMw.reset();  // measured on the other device
        l.energyMj.reset();
        bar.update(static_cast<double>(++done) / total, "levels");
        if (stopRequested()) {
            return kExitInterrupted;
        }
    }
    for (ProfileCandidate& c : measured) {
        c.latencyMs = measureLatency(net->extract(c.arch), model.spec.inChannels, lo).mean;
        bar.update(static_cast<double>(++done) / total, "candidates");
        if (stopRequested()) {
            return kExitInterrupted;
        }
    }
    bar.finish();
    if (p.isSet(data)) {
        bool limitOk = false;
        const int limit = p.value(kLimit).toInt(&limitOk);
        if (!limitOk || limit < 0) {
            throw UsageError("--limit needs a non-negative integer");
        }
        if (!remeasureTop1(p.value(data), p.value(calibData), limit, model, net, profile)) {
            return kExitInterrupted;
        }
        setInferenceThreads(threads);
    }
    std::stable_sort(profile.levels.begin(), profile.levels.end(),
                     [](const ProfileLevel& a, const ProfileLevel& b) {
                         return a.latency.mean < b.latency.mean;
                     });
    // A level slower here than a more accurate one buys nothing on this device, and the manager
    // assumes that a slower level is more accurate: drop it, and say so.
    std::vector<ProfileLevel> kept;
    for (ProfileLevel& l : profile.levels) {
        if (!kept.empty() && l.top1 <= kept.back().top1) {
            std::fprintf(stderr,
                         "note: level %s (%.2f %%, %.4f ms) is dropped: level %s is at least as "
                         "accurate (%.2f %%) and faster here (%.4f ms)\n",
                         l.arch.toString().c_str(), l.top1, l.latency.mean,
                         kept.back().arch.toString().c_str(), kept.back().top1,
                         kept.back().latency.mean);
            continue;
        }
        kept.push_back(std::move(l));
    }
    profile.levels = std::move(kept);
    profile.candidates = measured;  // predicted latencies belonged to the other device
    profile.latencyProtocol.insert("runs", lo.runs);
    profile.latencyProtocol.insert("paced_fps", paced.paceFps);
    profile.latencyProtocol.insert("paced_runs", paced.runs);
    profile.latencyProtocol.insert("levels_picked_on", "back_to_back");
    if (p.isSet(sweep)) {
        if (!sweepOperatingPoints(
                p.value(sweep), p.value(platform), lo, paced, net, profile,
                p.isSet(kOut) ? p.value(kOut).toStdString() : defaultProfilePath(profile))) {
            return kExitInterrupted;
        }
    }
    profile.provenance.insert("reprofiled_from", QString::fromStdString(inPath));
    profile.provenance.insert("command", args.join(' '));
    const std::string out =
        p.isSet(kOut) ? p.value(kOut).toStdString() : defaultProfilePath(profile);
    profile.save(out);
    std::printf("device  %s\n", profile.device.describe().c_str());
    printLevels(profile);
    std::printf("wrote %s\n", out.c_str());
    return kExitOk;
}

int cmdExport(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption from("profile", "Profile to export (or to take --level from).",
                                  "file");
    const QCommandLineOption csv("csv", "Write the level table as CSV.", "file");
    const QCommandLineOption cand("candidates-csv", "Write the candidate cloud as CSV.", "file");
    const QCommandLineOption json("json", "Write the (validated) profile JSON as is.", "file");
    const QCommandLineOption onnx("onnx",
                                  "Write a sub-network as a static ONNX model (opset 13, BN "
                                  "folded), chosen by --arch or by --profile and --level.",
                                  "file");
    const QCommandLineOption arch("arch", "Sub-network to export to ONNX (text form, max, min).",
                                  "arch");
    const QCommandLineOption level("level", "Level of --profile to export to ONNX.", "n");
    for (const auto& o : {kModel, from, csv, cand, json, onnx, arch, level}) {
        p.addOption(o);
    }
    parseOrThrow(p, args,
                 "Export a profile: the levels as CSV (spreadsheets, pandas), the candidate "
                 "cloud as CSV, or the JSON itself after validation against the model's spec; "
                 "or export one sub-network as ONNX for TensorRT, OpenCV DNN or ONNX Runtime.");
    const bool profileExport = p.isSet(csv) || p.isSet(cand) || p.isSet(json);
    if (!profileExport && !p.isSet(onnx)) {
        throw UsageError("nothing to export: give --csv, --candidates-csv, --json or --onnx");
    }
    if (p.isSet(onnx) && p.isSet(arch) == p.isSet(level)) {
        throw UsageError("--onnx needs exactly one of --arch and --level");
    }
    if ((p.isSet(arch) || p.isSet(level)) && !p.isSet(onnx)) {
        throw UsageError("--arch and --level choose what --onnx exports; give --onnx");
    }
    if ((profileExport || p.isSet(level)) && !p.isSet(from)) {
        throw UsageError("--profile is required");
    }
    const std::string modelPath =
        p.isSet(kModel) ? p.value(kModel).toStdString() : defaultModelPath();
    const ModelFile model = loadModelOrThrow(modelPath);
    Profile profile;
    if (p.isSet(from)) {
        profile = loadProfileOrThrow(p.value(from).toStdString(), model.spec);
    }
    if (p.isSet(csv)) {
        AtomicFile::save(p.value(csv).toStdString(), levelsCsv(profile), "levels CSV");
        std::printf("wrote %s (%zu levels)\n", qPrintable(p.value(csv)), profile.levels.size());
    }
    if (p.isSet(cand)) {
        AtomicFile::save(p.value(cand).toStdString(), candidatesCsv(profile), "candidates CSV");
        std::printf("wrote %s (%zu candidates)\n", qPrintable(p.value(cand)),
                    profile.candidates.size());
    }
    if (p.isSet(json)) {
        profile.save(p.value(json).toStdString());
        std::printf("wrote %s\n", qPrintable(p.value(json)));
    }
    if (p.isSet(onnx)) {
        exportOnnx(modelPath, model, profile, p.value(onnx).toStdString(),
                   p.isSet(arch) ? p.value(arch).toStdString() : std::string(),
                   p.isSet(level) ? parseLevel(p.value(level), profile) : -1);
    }
    return kExitOk;
}

}  // namespace dofa
