// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "supernet.h"
#include "supernet_spec.h"

namespace dofa {

/// dofa's own model file (`*.dofa`): spec, free-form metadata (training command, log,
/// accuracies) and named tensors (the supernet state dict plus extras such as optimizer state
/// or per-level BN statistics), sealed by a SHA-256 checksum.
///
/// Layout: "DOFAMDL1" | u64 LE header length | header JSON | tensor bytes | SHA-256 of all
/// preceding bytes. Written to a temporary file and renamed, so a crash never leaves a
/// half-written model under the real name.
struct ModelFile
{
    SupernetSpec spec;
    QJsonObject metadata;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    std::string checksum;  ///< hex SHA-256 of the file body (set by save and load)

    /// Throws std::runtime_error naming the file and the problem.
    void save(const std::string& path);
    static ModelFile load(const std::string& path);

    /// Tensors whose names start with `prefix`, with the prefix removed.
    [[nodiscard]] std::map<std::string, torch::Tensor> tensorsWithPrefix(
        const std::string& prefix) const;

    /// A supernet of `spec` with the weights of this file. Extras (names with a '/') are
    /// ignored; a missing or misshapen weight throws std::runtime_error naming `path`.
    [[nodiscard]] Supernet buildSupernet(const std::string& path) const;
    /// The state dict of `net` (keys without '/'), replacing `tensors`.
    void setWeights(const Supernet& net);
};

}  // namespace dofa
