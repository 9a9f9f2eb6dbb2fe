// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "supernet.h"

namespace dofa {

/// Reading official OFA checkpoints: PyTorch zip files written by `torch.save`, holding a raw
/// state dict or `{'state_dict': ..., 'epoch': ...}`. Legacy (pre-1.6, non-zip) pickles are
/// recognised and refused with the one-line Python command that re-saves them as zip.
namespace ofa {

/// Keys of the released files (`blocks.N.mobile_inverted_conv.`, `.bn.` or `.bn.bn.`,
/// `.linear.` or `.linear.linear.`) mapped to the current OFA naming that Supernet uses.
/// Returns the canonical form in which `conv.conv`, `bn.bn` and `linear.linear` are collapsed,
/// so that both nestings of one tensor meet.
std::string canonicalKey(const std::string& key);

/// Tensors of the checkpoint by key (as written). Throws std::runtime_error naming `path`.
std::map<std::string, torch::Tensor> readStateDict(const std::string& path,
                                                   std::string* container = nullptr);

struct ImportReport
{
    std::string container;                ///< "state dict" or "{'state_dict': ...}"
    int loaded = 0;                       ///< tensors copied into the supernet
    std::vector<std::string> missing;     ///< supernet keys the file lacked
    std::vector<std::string> unexpected;  ///< file keys that match nothing
};

/// Loads a checkpoint into `net`; a shape mismatch throws std::runtime_error naming the
/// file, the key and both shapes. `num_batches_tracked` entries are ignored.
ImportReport importCheckpoint(const std::string& path, Supernet& net);

}  // namespace ofa
}  // namespace dofa
