// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/fashion_mnist.h"
#include "supernet/supernet.h"

namespace dofa {

/// One phase of progressive shrinking: which elastic choices are sampled, for how long.
struct TrainPhase
{
    std::string name;
    std::vector<int> ks, e, d;  ///< choices sampled in this phase (resolutions: all)
    int epochs = 1;
    double lr = 0.03;
    double warmupEpochs = 0;
    int subnetsPerStep = 1;    ///< gradients accumulate over this many sampled sub-networks
    int reorganizeStage = -1;  ///< >= 0: sort expand channels (that stage) before the phase
    bool distill = true;       ///< knowledge distillation from the largest network
    /// The largest sub-network is the first of every step's sub-networks and learns from the
    /// labels alone (the sandwich rule of slimmable networks): OFA's shrinking phases only
    /// sample it by chance, and the largest level lost a point of top-1 to the smaller ones.
    bool sandwich = false;

    [[nodiscard]] QJsonObject toJson() const;
    static TrainPhase fromJson(const QJsonObject& json);
};

struct TrainConfig
{
    std::vector<TrainPhase> phases;
    int batchSize = 128;
    double momentum = 0.9;      ///< SGD, Nesterov
    double weightDecay = 1e-4;  ///< not on BN parameters or biases (OFA's no_decay_keys)
    double labelSmoothing = 0.1;
    double kdRatio = 1.0;  ///< loss = CE_ls(student, y) + kdRatio * CE(student, teacher)
    std::uint32_t seed = 1;
    int augmentPad = 2;
    int valImages = 5000;  ///< held out from the end of the training set
    int trainLimit = 0;    ///< use only this many training images (0: all); for tests
    int valLimit = 0;      ///< evaluate only this many validation images (0: all)

    /// Progressive shrinking for `spec` as OFA orders it (largest network, then kernel, depth
    /// and expand ratio, the last two in two steps each), `epochScale` times the default
    /// epochs (rounded, at least 1 per phase).
    static TrainConfig progressiveShrinking(const SupernetSpec& spec, double epochScale = 1.0);

    [[nodiscard]] QJsonObject toJson() const;
    static TrainConfig fromJson(const QJsonObject& json);
};

/// Per-epoch record of a training run.
struct EpochRecord
{
    std::string phase;
    int epoch = 0;  ///< 1-based within the phase
    double loss = 0;
    double lr = 0;
    double seconds = 0;
    double valTop1Max = 0;
    double valTop1Min = 0;

    [[nodiscard]] QJsonObject toJson() const;
};

/// Trains a supernet by progressive shrinking with distillation, on the calling thread.
/// After every epoch it writes a checkpoint atomically; constructing it with an existing
/// checkpoint resumes after the last finished epoch (the config must match, or extend the
/// saved one with phases appended at the end).
class ProgressiveShrinking
{
public:
    struct Progress
    {
        std::string phase;
        int epoch = 0, epochs = 0;
        int64_t step = 0, steps = 0;
        double fraction = 0;  ///< of the whole run, weighted by work per step
        double loss = 0;      ///< running mean of the current epoch
    };
    using ProgressFn = std::function<void(const Progress&)>;
    using EpochFn = std::function<void(const EpochRecord&)>;

    ProgressiveShrinking(SupernetSpec spec, TrainConfig config, std::string checkpointPath);

    /// Runs the remaining phases. Returns false when `stop` was raised (the last finished
    /// epoch is in the checkpoint), true when training is complete.
    bool run(const FashionMnist& data, const ProgressFn& progress, const EpochFn& onEpoch,
             const std::atomic<bool>* stop = nullptr);

    [[nodiscard]] Supernet net() const { return m_net; }
    [[nodiscard]] const std::vector<EpochRecord>& history() const { return m_history; }
    [[nodiscard]] bool resumed() const { return m_resumed; }
    [[nodiscard]] double elapsedSeconds() const { return m_elapsed; }
    [[nodiscard]] const TrainConfig& config() const { return m_config; }

    /// Whether a checkpoint made with `saved` may continue under `wanted`: equal settings,
    /// and `saved`'s phases are the first phases of `wanted`.
    [[nodiscard]] static bool canResumeWith(const TrainConfig& saved, const TrainConfig& wanted);

private:
    void saveCheckpoint();
    void loadCheckpoint();
    double workOfPhase(size_t phase, int64_t stepsPerEpoch) const;

    SupernetSpec m_spec;
    TrainConfig m_config;
    std::string m_checkpointPath;
    Supernet m_net;
    Supernet m_teacher{nullptr};
    std::map<std::string, torch::Tensor> m_momentum;
    size_t m_nextPhase = 0;
    int m_nextEpoch = 0;
    std::string m_rngState;
    std::vector<EpochRecord> m_history;
    double m_elapsed = 0;
    bool m_resumed = false;
};

}  // namespace dofa
