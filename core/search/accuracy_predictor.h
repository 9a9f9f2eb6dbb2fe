// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/modules/container/sequential.h>
#include <torch/types.h>

#include "supernet/subnet_arch.h"
#include "supernet/supernet_spec.h"

namespace dofa {

/// OFA's accuracy predictor: an MLP (3 hidden layers of 400, ReLU) over a one-hot encoding of
/// the arch (per elastic block its kernel and its expand ratio, zeros where the block is
/// skipped, and the resolution), predicting top-1 as an offset from the mean of its training
/// samples. Trained in seconds on a few hundred measured sub-networks, it lets the search
/// score thousands of candidates; the front it finds is then measured for real.
class AccuracyPredictor
{
public:
    explicit AccuracyPredictor(SupernetSpec spec, int hidden = 400, std::uint64_t seed = 1);

    [[nodiscard]] int inputSize() const;
    /// (N, inputSize) float encoding.
    [[nodiscard]] torch::Tensor encode(const std::vector<SubnetArch>& archs) const;

    /// Full-batch Adam (lr 1e-3, weight decay 1e-4, as the OFA maintainers describe) on
    /// (arch, top-1 %) pairs. Returns the final training RMSE in points.
    double fit(const std::vector<SubnetArch>& archs, const std::vector<double>& top1,
               int epochs = 800);

    [[nodiscard]] std::vector<double> predict(const std::vector<SubnetArch>& archs) const;
    [[nodiscard]] double predict(const SubnetArch& arch) const;
    [[nodiscard]] bool trained() const { return m_trained; }

private:
    SupernetSpec m_spec;
    mutable torch::nn::Sequential m_mlp;  ///< forward() is not const in LibTorch
    double m_base = 0;                    ///< mean top-1 of the training samples (OFA's base_acc)
    bool m_trained = false;
};

}  // namespace dofa
