// SPDX-License-Identifier: MIT
// `dofa contract`: print a model file's input contract, and store it in the file (the
// migration of files written before contracts existed) or replace its class names.
#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

#include "cli.h"
#include "cli_support.h"
#include "commands.h"

namespace dofa {

namespace {

template <typename T>
std::string joined(const std::vector<T>& v)
{
    std::string s;
    for (const T& x : v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", static_cast<double>(x));
        s += (s.empty() ? "" : " ") + std::string(buf);
    }
    return s;
}

void printContract(const std::string& path, const ModelFile& m)
{
    const InputContract& c = m.inputContract();
    std::printf("file         %s\nspec         %s\n", path.c_str(), m.spec.name.c_str());
    std::printf("contract     %s\n",
                m.inputDefaulted ? "none stored: the file predates input contracts; this is the "
                                   "default it loads with ('dofa contract --write' stores it)"
                                 : "stored in the file");
    std::printf("channels     %d (%s)\n", c.channels, colourOrderName(c.colour));
    std::printf("normalise    (x/255 - mean) / std, mean %s, std %s\n", joined(c.mean).c_str(),
                joined(c.std).c_str());
    if (c.resize == InputContract::Resize::ShorterSideCentreCrop) {
        const int r = c.resolutions.back();
        std::printf(
            "resize       %s: bilinear shorter side to ceil(r/%g), centre crop r (r=%d: %d, "
            "crop %d)\n",
            resizeName(c.resize), c.cropFraction, r, c.resizeShorterSideTo(r), r);
    } else {
        std::printf(
            "resize       %s: gray, centre square, area resize to %d, invert %s, bilinear to r\n",
            resizeName(c.resize), c.nativeSize, invertName(c.invert));
    }
    std::printf("resolutions  %s\n", joined(c.resolutions).c_str());
    std::string names;
    const size_t shown = std::min<size_t>(c.classNames.size(), 10);
    for (size_t i = 0; i < shown; ++i) {
        names += (i ? ", " : "") + c.classNames[i];
    }
    if (shown < c.classNames.size()) {
        names += ", ... " + c.classNames.back();
    }
    std::printf("classes      %zu: %s\n", c.classNames.size(), names.c_str());
}

}  // namespace

int cmdContract(const QStringList& args)
{
    QCommandLineParser p;
    p.addPositionalArgument("model", "Model file (default: the shipped model).");
    const QCommandLineOption json("json", "Print the contract as JSON (the header's \"input\").");
    const QCommandLineOption write("write",
                                   "Store the contract in the model file (in place, or to -o). "
                                   "Weights and metadata are kept as they are.");
    const QCommandLineOption labels("labels",
                                    "Replace the class names by FILE's (one per line); needs "
                                    "--write.",
                                    "file");
    const QCommandLineOption out({"o", "out"}, "With --write: write here instead of in place.",
                                 "file");
    for (const auto& o : {json, write, labels, out}) {
        p.addOption(o);
    }
    parseOrThrow(p, args,
                 "Print a model file's input contract: channels and colour order, normalisation, "
                 "resize rule, resolutions and class names. A file written before contracts "
                 "existed loads with a default (Fashion-MNIST for dofa train's files); --write "
                 "stores it, which migrates the file without touching its weights.");
    if (p.positionalArguments().size() > 1) {
        throw UsageError("at most one model file expected");
    }
    if ((p.isSet(labels) || p.isSet(out)) && !p.isSet(write)) {
        throw UsageError("--labels and -o need --write");
    }
    const std::string path = p.positionalArguments().isEmpty()
                                 ? defaultModelPath()
                                 : p.positionalArguments().first().toStdString();
    ModelFile m = loadModelOrThrow(path);
    if (p.isSet(labels)) {
        const std::string labelsPath = p.value(labels).toStdString();
        std::vector<std::string> names;
        try {
            names = InputContract::readClassNames(labelsPath);
        } catch (const std::exception& e) {
            throw InputError(e.what());
        }
        if (names.size() != static_cast<size_t>(m.spec.numClasses)) {
            throw InputError(labelsPath + ": " + std::to_string(names.size()) +
                             " class names, but the classifier of " + path + " has " +
                             std::to_string(m.spec.numClasses) + " outputs");
        }
        m.input.classNames = std::move(names);
    }
    if (p.isSet(write)) {
        const std::string outPath = p.isSet(out) ? p.value(out).toStdString() : path;
        // Recorded so that the file says why its checksum changed while its weights did not.
        QJsonArray edits = m.metadata.value("contract_edits").toArray();
        edits.append(QJsonObject{
            {"command", "dofa contract --write" + QString(p.isSet(labels) ? " --labels" : "")},
            {"stored_before", !m.inputDefaulted},
            {"dofa", DOFA_VERSION}});
        m.metadata.insert("contract_edits", edits);
        const std::string before = m.checksum;
        m.save(outPath);
        m.inputDefaulted = false;
        // On stderr under --json, so that stdout stays one JSON document.
        std::fprintf(p.isSet(json) ? stderr : stdout, "wrote %s (checksum %s, was %s)\n",
                     outPath.c_str(), m.checksum.c_str(), before.c_str());
    }
    if (p.isSet(json)) {
        std::printf("%s\n", QJsonDocument(m.inputContract().toJson()).toJson().constData());
    } else {
        printContract(p.isSet(write) && p.isSet(out) ? p.value(out).toStdString() : path, m);
    }
    return kExitOk;
}

}  // namespace dofa
