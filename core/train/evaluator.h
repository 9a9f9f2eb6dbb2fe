// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>

#include <torch/types.h>

#include "data/image_set.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet_spec.h"

namespace dofa {

struct Top1Result
{
    int64_t correct = 0;
    int64_t total = 0;
    [[nodiscard]] double percent() const { return total ? 100.0 * correct / total : 0.0; }
};

/// Images per evaluation batch at `resolution` (0 in evaluateTop1): about 200,000 pixels, at
/// most 500. Larger batches are slower per image on CPU once the activations leave the cache:
/// OFA w1.0 max@224 on 2 threads of the development VM ran 25.7 images/s at batch 4 and 8.4 at
/// batch 8 (bench/image_data_bench --batch), and batch 500 at 224 would need gigabytes.
int evaluationBatch(int resolution);

/// Top-1 of an extracted sub-network over an image set at the sub-network's resolution, in
/// batches of `batchSize` (0: evaluationBatch()). `progress(done, total)` is called after each
/// batch when given (total: the set's size).
Top1Result evaluateTop1(const StaticSubnet& net, const SupernetSpec& spec, const ImageSet& images,
                        int batchSize = 0,
                        const std::function<void(int64_t, int64_t)>& progress = {});

/// The same on uint8 (N, H, W) images with int64 labels held in memory.
Top1Result evaluateTop1(const StaticSubnet& net, const SupernetSpec& spec,
                        const torch::Tensor& images, const torch::Tensor& labels,
                        int batchSize = 500,
                        const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace dofa
