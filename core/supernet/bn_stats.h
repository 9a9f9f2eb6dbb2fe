// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <string>

#include <torch/types.h>

namespace dofa {

/// Per-sub-network batch-norm statistics: supernet BN module name (e.g.
/// `blocks.5.conv.depth_conv.bn`) -> (mean, biased variance) over the active channels.
struct BnMoments
{
    torch::Tensor mean;
    torch::Tensor var;
};
using BnStats = std::map<std::string, BnMoments>;

}  // namespace dofa
