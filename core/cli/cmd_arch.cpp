// SPDX-License-Identifier: MIT
// `dofa arch` and `dofa info`: what a sub-network or a model file is.
#include <QCommandLineParser>
#include <QJsonDocument>
#include <cstdio>

#include "cli.h"
#include "cli_support.h"
#include "commands.h"

namespace dofa {

int cmdArch(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption preset("preset", "Supernet preset.", "name", "fmnist-mbv3");
    const QCommandLineOption json("json", "Print the OFA-style JSON form too.");
    p.addOption(preset);
    p.addOption(json);
    p.addPositionalArgument("arch",
                            "max, min, or text form r<res>-k<kernels>-e<expands>: per "
                            "stage one digit per active block, stages separated by '.'"
                            ", e.g. r28-k53.3.55.5-e43.2.44.4");
    parseOrThrow(p, args, "Parse and validate a sub-network; print its depth, MACs and params.");
    if (p.positionalArguments().size() != 1) {
        throw UsageError("one arch expected");
    }
    SupernetSpec spec;
    SubnetArch arch;
    try {
        spec = SupernetSpec::preset(p.value(preset).toStdString());
        arch = SubnetArch::parse(p.positionalArguments().first().toStdString(), spec);
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
    std::string depths;
    for (int d : arch.d) {
        depths += (depths.empty() ? "" : ",") + std::to_string(d);
    }
    std::printf(
        "arch        %s\nspec        %s\nresolution  %d\ndepths      %s\n"
        "MMACs       %.2f\nparams      %lld\n",
        arch.toString().c_str(), spec.name.c_str(), arch.r, depths.c_str(),
        static_cast<double>(arch.macs(spec)) / 1e6, static_cast<long long>(arch.params(spec)));
    if (p.isSet(json)) {
        std::printf("%s\n", QJsonDocument(arch.toJson()).toJson(QJsonDocument::Compact).data());
    }
    return kExitOk;
}

int cmdInfo(const QStringList& args)
{
    QCommandLineParser p;
    p.addPositionalArgument("model", "Model file (default: the shipped model).");
    const QCommandLineOption json("json", "Print spec and metadata as JSON.");
    p.addOption(json);
    parseOrThrow(p, args, "Describe a dofa model file: spec, checksum, training record.");
    const std::string path = p.positionalArguments().isEmpty()
                                 ? defaultModelPath()
                                 : p.positionalArguments().first().toStdString();
    const ModelFile m = loadModelOrThrow(path);
    if (p.isSet(json)) {
        const QJsonObject o{{"spec", m.spec.toJson()},
                            {"metadata", m.metadata},
                            {"checksum", QString::fromStdString(m.checksum)}};
        std::printf("%s\n", QJsonDocument(o).toJson().constData());
        return kExitOk;
    }
    int64_t params = 0;
    size_t extras = 0;
    for (const auto& [name, t] : m.tensors) {
        if (name.find('/') == std::string::npos) {
            params += t.numel();
        } else {
            ++extras;
        }
    }
    const SubnetArch maxArch = SubnetArch::max(m.spec), minArch = SubnetArch::min(m.spec);
    std::printf(
        "file       %s\nspec       %s (%d stages, ks %zu, e %zu, d %zu choices)\n"
        "checksum   %s\ntensors    %zu (%lld values in the state dict, %zu extras)\n"
        "max        %s  %.2f MMACs\nmin        %s  %.2f MMACs\n",
        path.c_str(), m.spec.name.c_str(), m.spec.numStages(), m.spec.kernelSizes.size(),
        m.spec.expandRatios.size(), m.spec.depths.size(), m.checksum.c_str(), m.tensors.size(),
        static_cast<long long>(params), extras, maxArch.toString().c_str(),
        static_cast<double>(maxArch.macs(m.spec)) / 1e6, minArch.toString().c_str(),
        static_cast<double>(minArch.macs(m.spec)) / 1e6);
    const QJsonObject training = m.metadata.value("training").toObject();
    if (!training.isEmpty()) {
        std::printf("trained    %s, %.1f min, command: %s\n",
                    qPrintable(training.value("finished").toString()),
                    training.value("seconds").toDouble() / 60.0,
                    qPrintable(training.value("command").toString()));
    }
    return kExitOk;
}

}  // namespace dofa
