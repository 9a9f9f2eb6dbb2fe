// SPDX-License-Identifier: MIT
#include "cli.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>

#include <torch/torch.h>

#include "cli_support.h"
#include "commands.h"
#include "run/run_log.h"

namespace dofa {

namespace {

struct Command
{
    const char* name;
    const char* summary;
    int (*run)(const QStringList& args);
};

const Command kCommands[] = {
    {"eval", "top-1 of a sub-network on the Fashion-MNIST test set", &cmdEval},
    {"levels", "evaluate a ladder of sub-networks and print the level table", &cmdLevels},
    {"train", "train a supernet by progressive shrinking (resumable)", &cmdTrain},
    {"calibrate", "re-estimate the BN statistics of a sub-network", &cmdCalibrate},
    {"arch", "parse an architecture and print its cost", &cmdArch},
    {"info", "describe a model file", &cmdInfo},
    {"contract", "print (or store) a model file's input contract and class names", &cmdContract},
    {"search", "search the Pareto front on this device and write a profile", &cmdSearch},
    {"accuracy-cache", "merge accuracy caches measured on several machines", &cmdAccuracyCache},
    {"profile", "re-measure a profile's levels on this device", &cmdProfile},
    {"export", "export a profile (CSV, JSON)", &cmdExport},
    {"run", "run live classification with a runtime manager (headless)", &cmdRun},
    {"import-ofa", "import an official OFA checkpoint (PyTorch zip) into a model file",
     &cmdImportOfa},
};

void printUsage(FILE* out)
{
    std::fprintf(out,
                 "dofa %s: dynamic super-networks (Dynamic-OFA) on embedded boards\n\n"
                 "usage: dofa [--verbose] <command> [options]   (dofa <command> --help for its "
                 "options)\n\n"
                 "commands:\n",
                 DOFA_VERSION);
    for (const Command& c : kCommands) {
        std::fprintf(out, "  %-15s %s\n", c.name, c.summary);
    }
    std::fprintf(out,
                 "\n--verbose logs what the device layer, the pipeline and the dashboard worker do "
                 "(Qt logging\ncategories dofa.*; QT_LOGGING_RULES picks some)\n"
                 "\nexit codes: 0 ok, 1 failure, 2 usage error, 3 bad or missing input file, "
                 "130 interrupted\n");
}

}  // namespace

int runCli(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("dofa");
    QCoreApplication::setApplicationVersion(DOFA_VERSION);
    QStringList args = QCoreApplication::arguments();
    if (args.removeAll(QStringLiteral("--verbose")) > 0) {
        enableVerboseLogging();
    }
    if (args.size() < 2 || args[1] == "--help" || args[1] == "-h" || args[1] == "help") {
        printUsage(args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? kExitUsage : kExitOk;
    }
    if (args[1] == "--version") {
        std::printf("dofa %s\n", DOFA_VERSION);
        return kExitOk;
    }
    const QString name = args[1];
    for (const Command& c : kCommands) {
        if (name == c.name) {
            args.removeAt(1);
            args[0] = QString("dofa ") + c.name;
            installStopHandlers();
            try {
                return c.run(args);
            } catch (const InputError& e) {
                std::fprintf(stderr, "dofa %s: %s\n", c.name, e.what());
                return kExitBadInput;
            } catch (const UsageError& e) {
                std::fprintf(stderr, "dofa %s: %s (see 'dofa %s --help')\n", c.name, e.what(),
                             c.name);
                return kExitUsage;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "dofa %s: error: %s\n", c.name, e.what());
                return kExitFailure;
            }
        }
    }
    std::fprintf(stderr, "dofa: unknown command '%s'\n\n", qPrintable(name));
    printUsage(stderr);
    return kExitUsage;
}

}  // namespace dofa
