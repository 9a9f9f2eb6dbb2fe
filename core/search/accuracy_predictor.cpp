// SPDX-License-Identifier: MIT
#include "accuracy_predictor.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <torch/torch.h>

namespace dofa {

namespace {

int indexOf(const std::vector<int>& choices, int v)
{
    const auto it = std::find(choices.begin(), choices.end(), v);
    return it == choices.end() ? -1 : static_cast<int>(it - choices.begin());
}

}  // namespace

AccuracyPredictor::AccuracyPredictor(SupernetSpec spec, int hidden, std::uint64_t seed)
    : m_spec(std::move(spec))
{
    torch::manual_seed(seed);
    const int in = inputSize();
    m_mlp = torch::nn::Sequential(
        torch::nn::Linear(in, hidden), torch::nn::ReLU(), torch::nn::Linear(hidden, hidden),
        torch::nn::ReLU(), torch::nn::Linear(hidden, hidden), torch::nn::ReLU(),
        torch::nn::Linear(torch::nn::LinearOptions(hidden, 1).bias(false)));
}

int AccuracyPredictor::inputSize() const
{
    const int perBlock = static_cast<int>(m_spec.kernelSizes.size() + m_spec.expandRatios.size());
    return m_spec.numElasticBlocks() * perBlock + static_cast<int>(m_spec.resolutions.size());
}

torch::Tensor AccuracyPredictor::encode(const std::vector<SubnetArch>& archs) const
{
    const int nk = static_cast<int>(m_spec.kernelSizes.size());
    const int ne = static_cast<int>(m_spec.expandRatios.size());
    const int blocks = m_spec.numElasticBlocks();
    torch::Tensor x = torch::zeros({static_cast<int64_t>(archs.size()), inputSize()});
    auto acc = x.accessor<float, 2>();
    for (size_t n = 0; n < archs.size(); ++n) {
        const SubnetArch& a = archs[n];
        for (int i = 0; i < blocks; ++i) {
            if (!a.isActive(m_spec, i)) {
                continue;
            }
            const int k = indexOf(m_spec.kernelSizes, a.ks[i]);
            const int e = indexOf(m_spec.expandRatios, a.e[i]);
            if (k < 0 || e < 0) {
                throw std::invalid_argument("accuracy predictor: arch " + a.toString() +
                                            " is not in the spec's space");
            }
            acc[n][i * nk + k] = 1;
            acc[n][blocks * nk + i * ne + e] = 1;
        }
        const int r = indexOf(m_spec.resolutions, a.r);
        if (r < 0) {
            throw std::invalid_argument("accuracy predictor: resolution " + std::to_string(a.r) +
                                        " is not in the spec's space");
        }
        acc[n][blocks * (nk + ne) + r] = 1;
    }
    return x;
}

double AccuracyPredictor::fit(const std::vector<SubnetArch>& archs, const std::vector<double>& top1,
                              int epochs)
{
    if (archs.size() != top1.size() || archs.empty()) {
        throw std::invalid_argument("accuracy predictor: need as many accuracies as archs");
    }
    m_base = std::accumulate(top1.begin(), top1.end(), 0.0) / static_cast<double>(top1.size());
    const torch::Tensor x = encode(archs);
    const torch::Tensor y =
        (torch::tensor(top1, torch::kFloat64).to(torch::kFloat32) - m_base).view({-1, 1});
    m_mlp->train();
    torch::optim::Adam opt(m_mlp->parameters(), torch::optim::AdamOptions(1e-3).weight_decay(1e-4));
    double loss = 0;
    for (int i = 0; i < epochs; ++i) {
        opt.zero_grad();
        const torch::Tensor l = torch::mse_loss(m_mlp->forward(x), y);
        l.backward();
        opt.step();
        loss = l.item<double>();
    }
    m_mlp->eval();
    m_trained = true;
    return std::sqrt(loss);
}

std::vector<double> AccuracyPredictor::predict(const std::vector<SubnetArch>& archs) const
{
    if (!m_trained) {
        throw std::logic_error("accuracy predictor used before fit()");
    }
    if (archs.empty()) {
        return {};
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor out =
        m_mlp->forward(encode(archs)).view({-1}).to(torch::kFloat64).contiguous();
    std::vector<double> v(out.data_ptr<double>(), out.data_ptr<double>() + out.numel());
    for (double& p : v) {
        p += m_base;
    }
    return v;
}

double AccuracyPredictor::predict(const SubnetArch& arch) const
{
    return predict(std::vector<SubnetArch>{arch}).front();
}

}  // namespace dofa
