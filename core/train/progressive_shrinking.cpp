// SPDX-License-Identifier: MIT
#include "progressive_shrinking.h"

#include <QJsonDocument>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

#include "bn_calibration.h"
#include "data/preprocess.h"
#include "evaluator.h"
#include "supernet/model_file.h"
#include "supernet/static_subnet.h"

namespace dofa {

namespace {

QJsonArray intArray(const std::vector<int>& v)
{
    QJsonArray a;
    for (int x : v) {
        a.append(x);
    }
    return a;
}

std::vector<int> intList(const QJsonValue& v)
{
    std::vector<int> out;
    for (const QJsonValue& x : v.toArray()) {
        out.push_back(x.toInt());
    }
    return out;
}

double phaseLr(const TrainPhase& p, int64_t step, int64_t stepsPerEpoch)
{
    // Linear warm-up, then per-iteration cosine decay to zero (OFA's schedule).
    const int64_t total = std::max<int64_t>(1, int64_t{p.epochs} * stepsPerEpoch);
    const int64_t warm = static_cast<int64_t>(p.warmupEpochs * stepsPerEpoch);
    if (step < warm) {
        return p.lr * static_cast<double>(step + 1) / static_cast<double>(warm);
    }
    const double t = static_cast<double>(step - warm) / std::max<int64_t>(1, total - warm);
    return 0.5 * p.lr * (1.0 + std::cos(M_PI * t));
}

}  // namespace

QJsonObject TrainPhase::toJson() const
{
    return QJsonObject{{"name", QString::fromStdString(name)},
                       {"ks", intArray(ks)},
                       {"e", intArray(e)},
                       {"d", intArray(d)},
                       {"epochs", epochs},
                       {"lr", lr},
                       {"warmup_epochs", warmupEpochs},
                       {"subnets_per_step", subnetsPerStep},
                       {"reorganize_stage", reorganizeStage},
                       {"distill", distill},
                       {"sandwich", sandwich}};
}

TrainPhase TrainPhase::fromJson(const QJsonObject& o)
{
    TrainPhase p;
    p.name = o.value("name").toString().toStdString();
    p.ks = intList(o.value("ks"));
    p.e = intList(o.value("e"));
    p.d = intList(o.value("d"));
    p.epochs = o.value("epochs").toInt(1);
    p.lr = o.value("lr").toDouble(0.03);
    p.warmupEpochs = o.value("warmup_epochs").toDouble(0);
    p.subnetsPerStep = o.value("subnets_per_step").toInt(1);
    p.reorganizeStage = o.value("reorganize_stage").toInt(-1);
    p.distill = o.value("distill").toBool(true);
    p.sandwich = o.value("sandwich").toBool(false);
    return p;
}

TrainConfig TrainConfig::progressiveShrinking(const SupernetSpec& spec, double epochScale)
{
    auto epochs = [&](int n) { return std::max(1, static_cast<int>(std::lround(n * epochScale))); };
    const std::vector<int> kMax{spec.maxKernel()}, eMax{spec.maxExpand()}, dMax{spec.maxDepth()};
    const std::vector<int>& ks = spec.kernelSizes;
    const std::vector<int>& es = spec.expandRatios;
    const std::vector<int>& ds = spec.depths;
    // Depth and expand are opened in two steps, as OFA does: first the larger half of the
    // choices, then all of them.
    const std::vector<int> dLarge(ds.end() - std::min<size_t>(2, ds.size()), ds.end());
    const std::vector<int> eLarge(es.end() - std::min<size_t>(2, es.size()), es.end());
    // The elastic phases train the largest sub-network in every step (sandwich) besides the
    // sampled ones, so OFA's 1 / 2 sampled sub-networks per step become 2 / 3.
    TrainConfig c;
    c.phases = {
        {"largest", kMax, eMax, dMax, epochs(16), 0.1, 1, 1, -1, false, false},
        {"kernel", ks, eMax, dMax, epochs(3), 0.03, 0, 2, -1, true, true},
        {"depth-1", ks, eMax, dLarge, epochs(1), 0.01, 0, 3, -1, true, true},
        {"depth-2", ks, eMax, ds, epochs(3), 0.03, 0.2, 3, -1, true, true},
        {"expand-1", ks, eLarge, ds, epochs(1), 0.01, 0, 3, 0, true, true},
        {"expand-2", ks, es, ds, epochs(4), 0.03, 0.2, 3, 1, true, true},
        // The full space once more at a low rate: expand-2 restarts at 0.03 and its cosine
        // decay ends while the largest sub-network's accuracy is still climbing.
        {"polish", ks, es, ds, epochs(3), 0.01, 0.2, 3, -1, true, true},
    };
    return c;
}

QJsonObject TrainConfig::toJson() const
{
    QJsonArray ph;
    for (const TrainPhase& p : phases) {
        ph.append(p.toJson());
    }
    return QJsonObject{{"phases", ph},
                       {"batch_size", batchSize},
                       {"momentum", momentum},
                       {"weight_decay", weightDecay},
                       {"label_smoothing", labelSmoothing},
                       {"kd_ratio", kdRatio},
                       {"seed", static_cast<qint64>(seed)},
                       {"augment_pad", augmentPad},
                       {"val_images", valImages},
                       {"train_limit", trainLimit},
                       {"val_limit", valLimit}};
}

TrainConfig TrainConfig::fromJson(const QJsonObject& o)
{
    TrainConfig c;
    for (const QJsonValue& v : o.value("phases").toArray()) {
        c.phases.push_back(TrainPhase::fromJson(v.toObject()));
    }
    c.batchSize = o.value("batch_size").toInt(c.batchSize);
    c.momentum = o.value("momentum").toDouble(c.momentum);
    c.weightDecay = o.value("weight_decay").toDouble(c.weightDecay);
    c.labelSmoothing = o.value("label_smoothing").toDouble(c.labelSmoothing);
    c.kdRatio = o.value("kd_ratio").toDouble(c.kdRatio);
    c.seed = static_cast<std::uint32_t>(o.value("seed").toInteger(c.seed));
    c.augmentPad = o.value("augment_pad").toInt(c.augmentPad);
    c.valImages = o.value("val_images").toInt(c.valImages);
    c.trainLimit = o.value("train_limit").toInt(c.trainLimit);
    c.valLimit = o.value("val_limit").toInt(c.valLimit);
    return c;
}

QJsonObject EpochRecord::toJson() const
{
    return QJsonObject{{"phase", QString::fromStdString(phase)},
                       {"epoch", epoch},
                       {"loss", loss},
                       {"lr", lr},
                       {"seconds", seconds},
                       {"val_top1_max", valTop1Max},
                       {"val_top1_min", valTop1Min}};
}

bool ProgressiveShrinking::canResumeWith(const TrainConfig& saved, const TrainConfig& wanted)
{
    // The same settings and the saved phases as a prefix: a schedule may be extended by
    // appending phases (the checkpoint then continues with the first new one), never changed
    // in what it has already done.
    if (saved.phases.size() > wanted.phases.size()) {
        return false;
    }
    TrainConfig prefix = wanted;
    prefix.phases.resize(saved.phases.size());
    return prefix.toJson() == saved.toJson();
}

ProgressiveShrinking::ProgressiveShrinking(SupernetSpec spec, TrainConfig config,
                                           std::string checkpointPath)
    : m_spec(std::move(spec)),
      m_config(std::move(config)),
      m_checkpointPath(std::move(checkpointPath)),
      m_net(m_spec)
{
    if (m_config.phases.empty()) {
        throw std::invalid_argument("training config has no phases");
    }
    std::mt19937 rng(m_config.seed);
    std::ostringstream os;
    os << rng;
    m_rngState = os.str();
    torch::manual_seed(m_config.seed);
    m_net = Supernet(m_spec);  // re-created after seeding so the initial weights are seeded
    if (!m_checkpointPath.empty() && std::ifstream(m_checkpointPath).good()) {
        loadCheckpoint();
        m_resumed = true;
    }
}

void ProgressiveShrinking::saveCheckpoint()
{
    if (m_checkpointPath.empty()) {
        return;
    }
    ModelFile f;
    f.spec = m_spec;
    f.setWeights(m_net);
    for (const auto& [name, buf] : m_momentum) {
        f.tensors.emplace_back("optim/" + name, buf);
    }
    if (m_teacher) {
        for (const auto& [name, t] : m_teacher->stateDict()) {
            f.tensors.emplace_back("teacher/" + name, t);
        }
    }
    QJsonArray history;
    for (const EpochRecord& r : m_history) {
        history.append(r.toJson());
    }
    f.metadata = QJsonObject{{"trainer", QJsonObject{{"config", m_config.toJson()},
                                                     {"next_phase", static_cast<int>(m_nextPhase)},
                                                     {"next_epoch", m_nextEpoch},
                                                     {"rng", QString::fromStdString(m_rngState)},
                                                     {"elapsed_seconds", m_elapsed}}},
                             {"history", history}};
    f.save(m_checkpointPath);
}

void ProgressiveShrinking::loadCheckpoint()
{
    const ModelFile f = ModelFile::load(m_checkpointPath);
    if (f.spec.toJson() != m_spec.toJson()) {
        throw std::runtime_error(m_checkpointPath + ": checkpoint is for spec '" + f.spec.name +
                                 "' with other settings; remove it to start afresh");
    }
    const QJsonObject trainer = f.metadata.value("trainer").toObject();
    if (!canResumeWith(TrainConfig::fromJson(trainer.value("config").toObject()), m_config)) {
        throw std::runtime_error(m_checkpointPath +
                                 ": checkpoint was made with another training config; remove "
                                 "it to start afresh or resume with the same options");
    }
    m_net = f.buildSupernet(m_checkpointPath);
    m_momentum = f.tensorsWithPrefix("optim/");
    const auto teacher = f.tensorsWithPrefix("teacher/");
    if (!teacher.empty()) {
        m_teacher = Supernet(m_spec);
        m_teacher->loadStateDict(teacher);
        m_teacher->eval();
    }
    m_nextPhase = static_cast<size_t>(trainer.value("next_phase").toInt());
    m_nextEpoch = trainer.value("next_epoch").toInt();
    m_rngState = trainer.value("rng").toString().toStdString();
    m_elapsed = trainer.value("elapsed_seconds").toDouble();
    for (const QJsonValue& v : f.metadata.value("history").toArray()) {
        const QJsonObject o = v.toObject();
        EpochRecord r;
        r.phase = o.value("phase").toString().toStdString();
        r.epoch = o.value("epoch").toInt();
        r.loss = o.value("loss").toDouble();
        r.lr = o.value("lr").toDouble();
        r.seconds = o.value("seconds").toDouble();
        r.valTop1Max = o.value("val_top1_max").toDouble();
        r.valTop1Min = o.value("val_top1_min").toDouble();
        m_history.push_back(r);
    }
}

double ProgressiveShrinking::workOfPhase(size_t phase, int64_t stepsPerEpoch) const
{
    // A distilled step costs about one extra forward of the largest network (a third of a
    // training pass); good enough to weight the ETA.
    const TrainPhase& p = m_config.phases[phase];
    const double perStep = p.subnetsPerStep + (p.distill ? 0.35 : 0.0);
    return perStep * p.epochs * static_cast<double>(stepsPerEpoch);
}

bool ProgressiveShrinking::run(const FashionMnist& data, const ProgressFn& progress,
                               const EpochFn& onEpoch, const std::atomic<bool>* stop)
{
    namespace F = torch::nn::functional;
    const int64_t available = data.size();
    const int64_t valCount = std::min<int64_t>(m_config.valImages, available / 5);
    int64_t trainCount = available - valCount;
    if (m_config.trainLimit > 0) {
        trainCount = std::min<int64_t>(trainCount, m_config.trainLimit);
    }
    const torch::Tensor trainImages = data.images.narrow(0, 0, trainCount);
    const torch::Tensor trainLabels = data.labels.narrow(0, 0, trainCount);
    int64_t valShown = valCount;
    if (m_config.valLimit > 0) {
        valShown = std::min<int64_t>(valShown, m_config.valLimit);
    }
    const torch::Tensor valImages = data.images.narrow(0, available - valCount, valShown);
    const torch::Tensor valLabels = data.labels.narrow(0, available - valCount, valShown);

    const int64_t batch = m_config.batchSize;
    const int64_t stepsPerEpoch = std::max<int64_t>(1, trainCount / batch);
    double totalWork = 0, doneWork = 0;
    for (size_t p = 0; p < m_config.phases.size(); ++p) {
        totalWork += workOfPhase(p, stepsPerEpoch);
        if (p < m_nextPhase) {
            doneWork += workOfPhase(p, stepsPerEpoch);
        }
    }
    if (m_nextPhase < m_config.phases.size()) {
        doneWork += workOfPhase(m_nextPhase, stepsPerEpoch) * m_nextEpoch /
                    m_config.phases[m_nextPhase].epochs;
    }

    std::mt19937 rng;
    {
        std::istringstream is(m_rngState);
        is >> rng;
    }
    // Parameters with names, and which get weight decay (not BN, not biases).
    std::vector<std::pair<std::string, torch::Tensor>> params;
    for (const auto& p : m_net->named_parameters(true)) {
        params.emplace_back(p.key(), p.value());
    }
    auto decays = [](const std::string& name) {
        return name.find(".bn.") == std::string::npos && name.find("bias") == std::string::npos;
    };

    const SubnetArch maxArch = SubnetArch::max(m_spec);
    const SubnetArch minArch = SubnetArch::min(m_spec);
    for (; m_nextPhase < m_config.phases.size(); ++m_nextPhase, m_nextEpoch = 0) {
        const TrainPhase& phase = m_config.phases[m_nextPhase];
        if (m_nextEpoch == 0 && phase.reorganizeStage >= 0) {
            m_net->reorganizeChannels(phase.reorganizeStage);
        }
        if (phase.distill && !m_teacher) {
            // The teacher is the largest network as trained so far (OFA: ofa_D4_E6_K7).
            m_teacher = Supernet(m_spec);
            std::map<std::string, torch::Tensor> state;
            for (const auto& [name, t] : m_net->stateDict()) {
                state[name] = t;
            }
            m_teacher->loadStateDict(state);
            m_teacher->eval();
        }
        for (; m_nextEpoch < phase.epochs; ++m_nextEpoch) {
            const auto epochStart = std::chrono::steady_clock::now();
            m_net->train();
            std::vector<int64_t> order(static_cast<size_t>(trainCount));
            std::iota(order.begin(), order.end(), 0);
            std::shuffle(order.begin(), order.end(), rng);
            const torch::Tensor perm = torch::tensor(order);
            double lossSum = 0, lr = 0;
            for (int64_t step = 0; step < stepsPerEpoch; ++step) {
                if (stop && stop->load()) {
                    return false;
                }
                const torch::Tensor idx = perm.narrow(0, step * batch, batch);
                const torch::Tensor images =
                    preprocess::augment(trainImages.index_select(0, idx), m_config.augmentPad, rng);
                const torch::Tensor labels = trainLabels.index_select(0, idx);
                std::uniform_int_distribution<size_t> pickRes(0, m_spec.resolutions.size() - 1);
                const int r = m_spec.resolutions[pickRes(rng)];
                const torch::Tensor x = preprocess::toInput(images, r, m_spec.mean, m_spec.std);
                torch::Tensor soft;
                if (phase.distill && m_config.kdRatio > 0) {
                    torch::NoGradGuard noGrad;
                    SubnetArch teacherArch = maxArch;
                    teacherArch.r = r;
                    soft = torch::softmax(m_teacher->forward(x, teacherArch), 1);
                }
                // Gradients are dropped, not zeroed (PyTorch's set_to_none): a parameter that
                // no sampled sub-network uses in this step is not moved by momentum or weight
                // decay, and a resumed run steps exactly like an uninterrupted one.
                for (auto& [name, p] : params) {
                    p.mutable_grad() = torch::Tensor();
                }
                double stepLoss = 0;
                for (int s = 0; s < phase.subnetsPerStep; ++s) {
                    const bool largest = phase.sandwich && s == 0;
                    SubnetArch arch = maxArch;
                    arch.r = r;
                    if (!largest) {
                        arch = SubnetArch::sample(m_spec, rng, phase.ks, phase.e, phase.d, {r});
                    }
                    const torch::Tensor out = m_net->forward(x, arch);
                    torch::Tensor loss = F::cross_entropy(
                        out, labels,
                        F::CrossEntropyFuncOptions().label_smoothing(m_config.labelSmoothing));
                    if (soft.defined() && !largest) {
                        const torch::Tensor kd = -(soft * torch::log_softmax(out, 1)).sum(1).mean();
                        loss = loss + m_config.kdRatio * kd;
                    }
                    loss.backward();
                    stepLoss += loss.item<double>();
                }
                lr = phaseLr(phase, m_nextEpoch * stepsPerEpoch + step, stepsPerEpoch);
                {
                    // SGD with Nesterov momentum; decoupled from torch::optim so that its state
                    // is plain named tensors in the checkpoint.
                    torch::NoGradGuard noGrad;
                    for (auto& [name, p] : params) {
                        if (!p.grad().defined()) {
                            continue;
                        }
                        torch::Tensor g = p.grad();
                        if (m_config.weightDecay > 0 && decays(name)) {
                            g = g.add(p, m_config.weightDecay);
                        }
                        torch::Tensor& buf = m_momentum[name];
                        if (!buf.defined()) {
                            buf = g.clone();
                        } else {
                            buf.mul_(m_config.momentum).add_(g);
                        }
                        p.add_(g.add(buf, m_config.momentum), -lr);
                    }
                }
                lossSum += stepLoss / phase.subnetsPerStep;
                doneWork += workOfPhase(m_nextPhase, stepsPerEpoch) /
                            (static_cast<double>(phase.epochs) * stepsPerEpoch);
                if (progress) {
                    progress(Progress{phase.name, m_nextEpoch + 1, phase.epochs, step + 1,
                                      stepsPerEpoch, doneWork / totalWork,
                                      lossSum / static_cast<double>(step + 1)});
                }
            }

            EpochRecord rec;
            rec.phase = phase.name;
            rec.epoch = m_nextEpoch + 1;
            rec.loss = lossSum / static_cast<double>(stepsPerEpoch);
            rec.lr = lr;
            if (valShown > 0) {
                for (const SubnetArch* arch : {&maxArch, &minArch}) {
                    const BnStats stats = calibrateBn(m_net, *arch, trainImages);
                    const StaticSubnet sub = m_net->extract(*arch, &stats);
                    const double top1 = evaluateTop1(sub, m_spec, valImages, valLabels).percent();
                    (arch == &maxArch ? rec.valTop1Max : rec.valTop1Min) = top1;
                }
            }
            rec.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart)
                    .count();
            m_elapsed += rec.seconds;
            m_history.push_back(rec);
            std::ostringstream os;
            os << rng;
            m_rngState = os.str();
            const int finishedEpoch = m_nextEpoch;
            ++m_nextEpoch;
            if (m_nextEpoch == phase.epochs) {
                // Record the phase as finished so that a resume starts the next one (and
                // applies its channel reorganisation exactly once).
                ++m_nextPhase;
                m_nextEpoch = 0;
                saveCheckpoint();
                --m_nextPhase;
                m_nextEpoch = phase.epochs;
            } else {
                saveCheckpoint();
            }
            m_nextEpoch = finishedEpoch;
            if (onEpoch) {
                onEpoch(rec);
            }
        }
    }
    return true;
}

}  // namespace dofa
