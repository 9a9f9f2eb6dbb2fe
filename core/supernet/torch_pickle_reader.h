// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <string>

#include <torch/types.h>

namespace dofa {

/// Reads the tensors of a PyTorch zip checkpoint (`torch.save`, format of torch >= 1.6) with a
/// restricted unpickler: dicts, OrderedDicts, lists, tuples, numbers, strings and tensors are
/// understood; any other class is kept as an opaque value, never executed. LibTorch's own
/// torch::pickle_load rejects OrderedDicts that carry `_metadata` (every state_dict() does),
/// hence this reader. Every zip entry it reads is checked against its CRC-32 (LibTorch's zip
/// reader does not), and a malformed pickle is an error, never a crash.
class TorchPickleReader
{
public:
    struct Result
    {
        /// Top-level dict entries that are tensors.
        std::map<std::string, torch::Tensor> tensors;
        /// When the top level holds {'state_dict': {...}}: the tensors of that inner dict.
        std::map<std::string, torch::Tensor> stateDict;
        bool wrapped = false;
        bool topLevelIsDict = false;
    };

    /// Throws std::runtime_error naming `path` and what could not be read.
    static Result read(const std::string& path);
};

}  // namespace dofa
