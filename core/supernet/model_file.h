// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "input_contract.h"
#include "supernet.h"
#include "supernet_spec.h"

namespace dofa {

/// dofa's own model file (`*.dofa`): spec, input contract (how images become the network's
/// input, and the class names), free-form metadata (training command, log, accuracies) and
/// named tensors (the supernet state dict plus extras such as optimizer state
/// or per-level BN statistics), sealed by a SHA-256 checksum.
///
/// Layout: "DOFAMDL1" | u64 LE header length | header JSON | tensor bytes | SHA-256 of all
/// preceding bytes. Written through AtomicFile, so a crash never leaves a half-written model
/// under the real name.
struct ModelFile
{
    SupernetSpec spec;
    /// Header key "input". save() writes InputContract::legacyDefault(spec) when a writer set
    /// none, and refuses a contract that is invalid or disagrees with `spec`; load() refuses the
    /// same, and gives a file written before contracts the legacy default (inputDefaulted).
    InputContract input;
    bool inputDefaulted = false;  ///< set by load: the file has no contract of its own
    QJsonObject metadata;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    std::string checksum;  ///< hex SHA-256 of the file body (set by save and load)

    /// Throws std::runtime_error naming the file and the problem.
    void save(const std::string& path);
    static ModelFile load(const std::string& path);

    /// What consumers read instead of constants: the input recipe and the class names.
    [[nodiscard]] const InputContract& inputContract() const { return input; }
    [[nodiscard]] const std::vector<std::string>& classNames() const { return input.classNames; }

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
