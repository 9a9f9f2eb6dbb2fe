// SPDX-License-Identifier: MIT
// `dofa train`: progressive shrinking with resumable checkpoints.
#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSysInfo>
#include <cstdio>
#include <fstream>

#include <torch/torch.h>

#include "cli.h"
#include "cli_support.h"
#include "commands.h"
#include "data/fashion_mnist.h"
#include "progress_bar.h"
#include "train/progressive_shrinking.h"

namespace dofa {

int cmdTrain(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption preset("preset", "Supernet preset.", "name", "fmnist-mbv3");
    const QCommandLineOption out({"o", "out"}, "Model file to write when training ends.", "file",
                                 "fmnist-mbv3.dofa");
    const QCommandLineOption checkpoint(
        "checkpoint", "Checkpoint written after every epoch (default: <out>.ckpt).", "file");
    const QCommandLineOption fresh("fresh", "Ignore an existing checkpoint and start afresh.");
    const QCommandLineOption epochScale("epoch-scale", "Multiply every phase's epochs.", "x",
                                        "1.0");
    const QCommandLineOption trainLimit("train-limit", "Use only N training images (tests).", "n",
                                        "0");
    const QCommandLineOption valLimit("val-limit", "Validate on only N held-out images.", "n", "0");
    const QCommandLineOption batch("batch-size", "Images per step.", "n", "128");
    const QCommandLineOption seed("seed", "Seed of initialisation, order and augmentation.", "n",
                                  "1");
    const QCommandLineOption data("data", "Fashion-MNIST directory.", "dir");
    const QCommandLineOption threads("threads", "Intra-op threads (0: torch default).", "n", "0");
    const QCommandLineOption log("log", "Append one JSON line per epoch to this file.", "file");
    for (const auto& o : {preset, out, checkpoint, fresh, epochScale, trainLimit, valLimit, batch,
                          seed, data, threads, log}) {
        p.addOption(o);
    }
    parseOrThrow(p, args,
                 "Train a supernet by progressive shrinking (largest network, then elastic "
                 "kernel, depth and expand ratio, with distillation from the largest network). "
                 "A checkpoint is written after every epoch; running the same command again "
                 "resumes after the last finished epoch. Ctrl-C stops at the next step.");
    applyThreads(p);

    SupernetSpec spec;
    try {
        spec = SupernetSpec::preset(p.value(preset).toStdString());
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
    // Training reads Fashion-MNIST, so the model it writes takes that contract; a preset that
    // cannot (3 channels, 1000 classes) is refused before hours of training, not after.
    InputContract contract;
    try {
        contract = InputContract::fashionMnist(spec);
    } catch (const std::exception& e) {
        throw UsageError(std::string("--preset: ") + e.what());
    }
    bool ok = false;
    const double scale = p.value(epochScale).toDouble(&ok);
    if (!ok || scale <= 0) {
        throw UsageError("--epoch-scale needs a positive number");
    }
    TrainConfig config = TrainConfig::progressiveShrinking(spec, scale);
    config.trainLimit = p.value(trainLimit).toInt();
    config.valLimit = p.value(valLimit).toInt();
    config.batchSize = p.value(batch).toInt();
    config.seed = static_cast<std::uint32_t>(p.value(seed).toULong());
    if (config.batchSize <= 0) {
        throw UsageError("--batch-size needs a positive integer");
    }
    const std::string outPath = p.value(out).toStdString();
    const std::string ckptPath =
        p.isSet(checkpoint) ? p.value(checkpoint).toStdString() : outPath + ".ckpt";
    if (p.isSet(fresh)) {
        QFile::remove(QString::fromStdString(ckptPath));
    }

    const FashionMnist train = loadFashionMnist(p.value(data), FashionMnist::Split::Train);

    ProgressiveShrinking trainer(spec, config, ckptPath);
    std::printf("training %s: %zu phases, batch %d, %d threads%s\n", spec.name.c_str(),
                config.phases.size(), config.batchSize, torch::get_num_threads(),
                trainer.resumed() ? (", resumed from " + ckptPath).c_str() : "");
    for (const TrainPhase& ph : config.phases) {
        std::printf("  phase %-9s epochs %d lr %.3f subnets/step %d\n", ph.name.c_str(), ph.epochs,
                    ph.lr, ph.subnetsPerStep);
    }
    std::fflush(stdout);
    std::ofstream logFile;
    if (p.isSet(log)) {
        logFile.open(p.value(log).toStdString(), std::ios::app);
    }
    ProgressBar bar("train");
    const bool finished = trainer.run(
        train,
        [&](const ProgressiveShrinking::Progress& pr) {
            char detail[128];
            std::snprintf(detail, sizeof detail, "%s %d/%d step %lld/%lld loss %.3f",
                          pr.phase.c_str(), pr.epoch, pr.epochs, static_cast<long long>(pr.step),
                          static_cast<long long>(pr.steps), pr.loss);
            bar.update(pr.fraction, detail);
        },
        [&](const EpochRecord& r) {
            std::fprintf(stderr, "\n");
            std::printf(
                "%-9s epoch %2d  loss %.4f  lr %.4f  val top-1 max %.2f%% min %.2f%%  "
                "%.0f s\n",
                r.phase.c_str(), r.epoch, r.loss, r.lr, r.valTop1Max, r.valTop1Min, r.seconds);
            std::fflush(stdout);
            if (logFile) {
                logFile << QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact).constData()
                        << "\n";
                logFile.flush();
            }
        },
        &stopRequested());
    if (!finished) {
        bar.finish("interrupted");
        std::printf("interrupted; run the same command again to resume from %s\n",
                    ckptPath.c_str());
        return kExitInterrupted;
    }
    bar.finish();

    ModelFile model;
    model.spec = spec;
    model.input = contract;
    model.setWeights(trainer.net());
    QJsonArray history;
    for (const EpochRecord& r : trainer.history()) {
        history.append(r.toJson());
    }
    model.metadata = QJsonObject{
        {"training",
         QJsonObject{{"command", args.join(' ')},
                     {"config", config.toJson()},
                     {"history", history},
                     {"seconds", trainer.elapsedSeconds()},
                     {"finished", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                     {"threads", torch::get_num_threads()},
                     {"host_cpu", QSysInfo::currentCpuArchitecture()},
                     {"torch", TORCH_VERSION},
                     {"dofa", DOFA_VERSION}}}};
    try {
        model.save(outPath);
    } catch (const std::exception& e) {
        throw std::runtime_error(e.what());
    }
    std::printf("wrote %s (checksum %.12s) after %.1f min of training\n", outPath.c_str(),
                model.checksum.c_str(), trainer.elapsedSeconds() / 60.0);
    return kExitOk;
}

}  // namespace dofa
