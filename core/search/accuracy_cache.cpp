// SPDX-License-Identifier: MIT
#include "accuracy_cache.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <map>
#include <stdexcept>

#include "accuracy_evaluator.h"

namespace dofa {

QJsonObject AccuracyCache::read(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(path + ": cannot open the accuracy cache (" +
                                 f.errorString().toStdString() + ")");
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (error.error != QJsonParseError::NoError) {
        throw std::runtime_error(path +
                                 ": not an accuracy cache: " + error.errorString().toStdString() +
                                 " at byte " + std::to_string(error.offset));
    }
    if (!doc.isObject()) {
        throw std::runtime_error(path + ": not an accuracy cache: not a JSON object");
    }
    return doc.object();
}

QJsonObject AccuracyCache::merge(const std::vector<std::pair<std::string, QJsonObject>>& caches)
{
    QJsonObject merged;
    for (const char* part : kParts) {
        QJsonObject out;
        QJsonObject top1;
        std::string first;  // the file the merged part's model and protocol come from
        std::map<QString, std::string> from;  // arch -> file it was first seen in
        for (const auto& [file, cache] : caches) {
            if (!cache.contains(part)) {
                continue;
            }
            if (!cache.value(part).isObject()) {
                throw std::runtime_error(file + ": \"" + part + "\" is not an object");
            }
            const QJsonObject p = cache.value(part).toObject();
            if (first.empty()) {
                first = file;
                out.insert("model_checksum", p.value("model_checksum"));
                out.insert("protocol", p.value("protocol"));
            } else if (p.value("model_checksum") != out.value("model_checksum")) {
                throw std::runtime_error(file + ": \"" + part + "\" accuracies are of model " +
                                         p.value("model_checksum").toString().toStdString() + ", " +
                                         first + "'s of model " +
                                         out.value("model_checksum").toString().toStdString());
            } else if (AccuracyEvaluator::protocolIdentity(p.value("protocol").toObject()) !=
                       AccuracyEvaluator::protocolIdentity(out.value("protocol").toObject())) {
                throw std::runtime_error(file + ": \"" + part +
                                         "\" accuracies were measured under another protocol "
                                         "(data, images or calibration) than " +
                                         first + "'s");
            }
            const QJsonObject entries = p.value("top1").toObject();
            for (auto it = entries.begin(); it != entries.end(); ++it) {
                if (!it.value().isDouble()) {
                    throw std::runtime_error(file + ": \"" + part + "\" entry " +
                                             it.key().toStdString() + " is not a number");
                }
                const auto seen = top1.constFind(it.key());
                if (seen != top1.constEnd() && seen.value().toDouble() != it.value().toDouble()) {
                    throw std::runtime_error(file + ": " + it.key().toStdString() + " has top-1 " +
                                             std::to_string(it.value().toDouble()) + " %, " +
                                             from[it.key()] + " has " +
                                             std::to_string(seen.value().toDouble()) + " %");
                }
                if (seen == top1.constEnd()) {
                    top1.insert(it.key(), it.value());
                    from[it.key()] = file;
                }
            }
        }
        if (!first.empty()) {
            out.insert("top1", top1);
            merged.insert(part, out);
        }
    }
    return merged;
}

int AccuracyCache::entries(const QJsonObject& cache, const char* part)
{
    return static_cast<int>(cache.value(part).toObject().value("top1").toObject().size());
}

}  // namespace dofa
