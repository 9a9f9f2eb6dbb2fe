// SPDX-License-Identifier: MIT
// `dofa import-ofa`: official OFA checkpoints into dofa model files.
#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>

#include "cli.h"
#include "cli_support.h"
#include "commands.h"
#include "supernet/ofa_checkpoint.h"

namespace dofa {

int cmdImportOfa(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption preset("preset", "ofa-mbv3-w1.0 or ofa-mbv3-w1.2.", "name",
                                    "ofa-mbv3-w1.0");
    const QCommandLineOption out({"o", "out"}, "Model file to write.", "file");
    const QCommandLineOption partial("partial",
                                     "Accept a checkpoint that lacks some weights "
                                     "(they keep their initial values).");
    const QCommandLineOption labels("labels",
                                    "Class names, one per line, in classifier order (default: "
                                    "the ImageNet-1k names built into dofa).",
                                    "file");
    p.addOption(preset);
    p.addOption(out);
    p.addOption(partial);
    p.addOption(labels);
    p.addPositionalArgument("checkpoint",
                            "PyTorch zip file written by torch.save, e.g. "
                            "ofa_mbv3_d234_e346_k357_w1.0");
    parseOrThrow(p, args,
                 "Import an official OFA MobileNetV3 supernet checkpoint. Both key namings "
                 "(blocks.N.conv. and blocks.N.mobile_inverted_conv., .bn. and .bn.bn.) and both "
                 "containers (raw state dict, {'state_dict': ...}) are accepted.");
    if (p.positionalArguments().size() != 1) {
        throw UsageError("one checkpoint file expected");
    }
    const std::string in = p.positionalArguments().first().toStdString();
    SupernetSpec spec;
    try {
        spec = SupernetSpec::preset(p.value(preset).toStdString());
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
    // The labels are checked before the (slower) import, so a wrong file fails at once.
    InputContract contract;
    {
        std::vector<std::string> names;
        std::string source = "dofa's ImageNet-1k list";
        if (p.isSet(labels)) {
            source = p.value(labels).toStdString();
            try {
                names = InputContract::readClassNames(source);
            } catch (const std::exception& e) {
                throw InputError(e.what());
            }
        } else {
            names = InputContract::imagenet1kClassNames();
        }
        if (names.size() != static_cast<size_t>(spec.numClasses)) {
            throw InputError(source + ": " + std::to_string(names.size()) +
                             " class names, but the classifier of " + spec.name + " has " +
                             std::to_string(spec.numClasses) + " outputs");
        }
        contract = InputContract::imagenet(spec, std::move(names));
    }
    Supernet net(spec);
    ofa::ImportReport report;
    try {
        report = ofa::importCheckpoint(in, net);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
    std::printf("%s: %s, %d tensors loaded, %zu missing, %zu unexpected\n", in.c_str(),
                report.container.c_str(), report.loaded, report.missing.size(),
                report.unexpected.size());
    for (size_t i = 0; i < report.unexpected.size() && i < 5; ++i) {
        std::printf("  unexpected: %s\n", report.unexpected[i].c_str());
    }
    if (!report.missing.empty() && !p.isSet(partial)) {
        for (size_t i = 0; i < report.missing.size() && i < 5; ++i) {
            std::printf("  missing: %s\n", report.missing[i].c_str());
        }
        throw InputError(in + ": " + std::to_string(report.missing.size()) + " weights of " +
                         spec.name + " are missing (wrong preset? use --partial to accept)");
    }
    const std::string outPath =
        p.isSet(out)
            ? p.value(out).toStdString()
            : QFileInfo(QString::fromStdString(in)).completeBaseName().toStdString() + ".dofa";
    ModelFile model;
    model.spec = spec;
    model.input = contract;
    model.setWeights(net);
    model.metadata = QJsonObject{
        {"imported_from", QString::fromStdString(in)},
        {"container", QString::fromStdString(report.container)},
        {"missing", static_cast<int>(report.missing.size())},
        {"labels", p.isSet(labels) ? p.value(labels) : QString("imagenet-1k (built in)")}};
    model.save(outPath);
    std::printf("wrote %s (checksum %.12s, %zu class names: %s ... %s)\n", outPath.c_str(),
                model.checksum.c_str(), contract.classNames.size(),
                contract.classNames.front().c_str(), contract.classNames.back().c_str());
    return kExitOk;
}

}  // namespace dofa
