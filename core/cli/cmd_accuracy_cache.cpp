// SPDX-License-Identifier: MIT
// `dofa accuracy-cache merge`: joins the partial accuracy caches of a sharded accuracy job
// (`dofa search --accuracy-only --shard I/N` on many machines) into one that `dofa search`
// reuses on the device.
#include <QCommandLineParser>
#include <QJsonDocument>
#include <cstdio>
#include <stdexcept>

#include "cli.h"
#include "cli_support.h"
#include "commands.h"
#include "search/accuracy_cache.h"
#include "supernet/atomic_file.h"

namespace dofa {

int cmdAccuracyCache(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption out({"o", "output"}, "The merged cache to write.", "file");
    p.addOption(out);
    p.addPositionalArgument("merge", "What to do: merge (the one action).");
    p.addPositionalArgument("caches", "The partial caches (two or more files).", "CACHE...");
    parseOrThrow(p, args,
                 "Joins accuracy caches made on several machines (dofa search --accuracy-only "
                 "--shard I/N) into one, checking that they are of the same model and protocol "
                 "and agree where they overlap.");
    QStringList files = p.positionalArguments();
    if (files.isEmpty() || files.takeFirst() != "merge") {
        throw UsageError("expected: dofa accuracy-cache merge -o OUT CACHE...");
    }
    if (files.isEmpty()) {
        throw UsageError("accuracy-cache merge: no cache to merge");
    }
    if (!p.isSet(out)) {
        throw UsageError("accuracy-cache merge: -o OUT is required");
    }
    std::vector<std::pair<std::string, QJsonObject>> caches;
    QJsonObject merged;
    try {
        for (const QString& f : files) {
            caches.emplace_back(f.toStdString(), AccuracyCache::read(f.toStdString()));
        }
        merged = AccuracyCache::merge(caches);
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }
    const std::string path = p.value(out).toStdString();
    AtomicFile::save(path, QJsonDocument(merged).toJson().toStdString(), "accuracy cache");
    std::printf("merged %zu caches: %d search + %d test accuracies -> %s\n", caches.size(),
                AccuracyCache::entries(merged, "search"), AccuracyCache::entries(merged, "test"),
                path.c_str());
    return kExitOk;
}

}  // namespace dofa
