// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>

#include "data/fashion_mnist.h"
#include "platform/platform.h"
#include "supernet/model_file.h"

namespace dofa {

/// A missing, corrupt or mismatched input file (exit code 3).
struct InputError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};
/// A bad command line (exit code 2).
struct UsageError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/// Raised by SIGINT/SIGTERM; long commands poll it and checkpoint.
std::atomic<bool>& stopRequested();
void installStopHandlers();

/// Parses `args` with --help handled (prints and exits 0); unknown options -> UsageError.
void parseOrThrow(QCommandLineParser& parser, const QStringList& args, const char* description);

/// The shipped default model: $DOFA_MODEL, else resources/ next to the install or source.
std::string defaultModelPath();
/// Loads a model file, turning its errors into InputError.
ModelFile loadModelOrThrow(const std::string& path);
/// Fashion-MNIST from `dir` (empty: the default directory); errors become InputError with
/// the hint to install Debian's dataset-fashion-mnist.
FashionMnist loadFashionMnist(const QString& dir, FashionMnist::Split split);
/// Sets torch's intra-op threads from --threads (0: leave the default).
void applyThreads(const QCommandLineParser& parser);

/// The platform of `--platform MODE`: discover, simulated, or none (nullopt). Throws UsageError
/// for any other word.
std::optional<Platform> platformFromMode(const QString& mode);

}  // namespace dofa
