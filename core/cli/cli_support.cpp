// SPDX-License-Identifier: MIT
#include "cli_support.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <torch/torch.h>

#include "model/inference_threads.h"
#include "platform/platform_mode.h"
#include "run/shipped_files.h"

namespace dofa {

std::atomic<bool>& stopRequested()
{
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {

extern "C" void onStopSignal(int)
{
    if (stopRequested().exchange(true)) {
        std::_Exit(130);  // second Ctrl-C: leave now
    }
}

}  // namespace

void installStopHandlers()
{
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
}

void parseOrThrow(QCommandLineParser& parser, const QStringList& args, const char* description)
{
    parser.setApplicationDescription(description);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    parser.addOption(help);
    if (!parser.parse(args)) {
        throw UsageError(parser.errorText().toStdString());
    }
    if (parser.isSet(help)) {
        std::printf("%s", qPrintable(parser.helpText()));
        std::exit(0);
    }
}

std::string defaultModelPath()
{
    return shippedModelPath().toStdString();
}

ModelFile loadModelOrThrow(const std::string& path)
{
    try {
        return ModelFile::load(path);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
}

FashionMnist loadFashionMnist(const QString& dir, FashionMnist::Split split)
{
    try {
        return FashionMnist::load(dir.isEmpty() ? FashionMnist::defaultDir() : dir.toStdString(),
                                  split);
    } catch (const std::exception& e) {
        throw InputError(std::string(e.what()) +
                         " (install Debian's dataset-fashion-mnist or pass --data)");
    }
}

void applyThreads(const QCommandLineParser& parser)
{
    bool ok = false;
    const int threads = parser.value("threads").toInt(&ok);
    if (!ok || threads < 0) {
        throw UsageError("--threads needs a non-negative integer");
    }
    if (threads > 0) {
        setInferenceThreads(threads);
    }
}

std::optional<Platform> platformFromMode(const QString& mode)
{
    const std::optional<PlatformMode> m = platformModeFromName(mode.toStdString());
    if (!m) {
        throw UsageError(std::string("--platform: expected ") + kPlatformModeChoices);
    }
    if (*m == PlatformMode::Discover) {
        return Platform::discover();
    }
    if (*m == PlatformMode::Simulated) {
        return Platform::simulated();
    }
    return std::nullopt;
}

}  // namespace dofa
