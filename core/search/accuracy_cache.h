// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <string>
#include <utility>
#include <vector>

namespace dofa {

/// The accuracy cache file of `dofa search --accuracy-cache`: one part per evaluator ("search":
/// the held-out split the search ranks on, "test": the levels' reported top-1), each as
/// AccuracyEvaluator::cacheToJson writes it (model checksum, protocol, top-1 per canonical
/// arch). Accuracy does not depend on the device, so caches move between machines.
class AccuracyCache
{
public:
    static constexpr const char* kParts[] = {"search", "test"};

    /// The file's JSON. Throws std::runtime_error naming the file when it cannot be read or is
    /// not a JSON object.
    static QJsonObject read(const std::string& path);

    /// One cache holding every entry of `caches` (file name, JSON), as partial caches of one
    /// job (`dofa search --accuracy-only --shard I/N`) are joined. Per part, every input that
    /// has it must be for the same model and protocol (data paths aside), and an arch in two
    /// inputs must have the same accuracy; otherwise std::runtime_error names both files and
    /// what differs. The merged part keeps the first input's protocol.
    static QJsonObject merge(const std::vector<std::pair<std::string, QJsonObject>>& caches);

    /// Entries of one part ("top1" of caches[part]); 0 when it is absent.
    static int entries(const QJsonObject& cache, const char* part);
};

}  // namespace dofa
