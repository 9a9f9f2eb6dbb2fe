// SPDX-License-Identifier: MIT
#include "runtime/runtime_manager.h"

#include <stdexcept>

namespace dofa {

namespace {

/// Fewer power samples than this since the last change say more about the previous choice.
constexpr int kMinPowerSamples = 3;

std::vector<ManagedModel> oneModel(LevelTable table, Targets targets)
{
    std::vector<ManagedModel> models;
    models.push_back(ManagedModel{"model", std::move(table), targets});
    return models;
}

}  // namespace

RuntimeManager::RuntimeManager(LevelTable table, Targets targets, std::unique_ptr<Policy> policy,
                               Options options)
    : RuntimeManager(oneModel(std::move(table), targets), std::move(policy), std::move(options))
{}

RuntimeManager::RuntimeManager(std::vector<ManagedModel> models, std::unique_ptr<Policy> policy,
                               Options options)
    : m_policy(std::move(policy)),
      m_clock(options.clock ? std::move(options.clock) : steadyClock()),
      m_power(options.powerWindow),
      m_history(options.historyCapacity)
{
    if (models.empty())
        throw std::invalid_argument("runtime manager: no model");
    if (!m_policy)
        throw std::invalid_argument("runtime manager: no policy");
    if (static_cast<int>(models.size()) > m_policy->maxModels())
        throw std::invalid_argument(std::string("runtime manager: policy ") + m_policy->name() +
                                    " manages at most " + std::to_string(m_policy->maxModels()) +
                                    " model(s)");
    m_tables.reserve(models.size());  // ModelState::table points into it: never reallocated
    for (ManagedModel& m : models) {
        m_tables.push_back(std::move(m.table));
        m_names.push_back(std::move(m.name));
        m_pendingTargets.push_back(m.targets);
    }
    m_latency.reserve(m_tables.size());  // ModelState::latency points into it too
    for (const LevelTable& table : m_tables)
        m_latency.emplace_back(table, options.latencyModel);
    for (std::size_t i = 0; i < m_tables.size(); ++i)
        m_models.push_back(ModelState{&m_tables[i], m_pendingTargets[i], -1, -1, &m_latency[i]});
    m_previousLevel.assign(m_models.size(), -1);
    m_previousPoint.assign(m_models.size(), -1);
    m_selections.resize(m_models.size());
    evaluate(DecisionCause::Start);
}

bool RuntimeManager::observe(const FrameObservation& frame)
{
    bool changed = applyPendingTargets();
    if (frame.model < 0 || frame.model >= modelCount())
        return changed;
    const std::int64_t now = m_clock();
    learn(frame, now);
    resetSelections();
    const PolicyInput in{now, m_models, observedPowerMw()};
    if (m_policy->observe(in, frame, m_selections))
        changed = commit(DecisionCause::Frame) || changed;
    return changed;
}

void RuntimeManager::learn(const FrameObservation& frame, std::int64_t nowNs)
{
    const auto m = static_cast<std::size_t>(frame.model);
    const ModelState& model = m_models[m];
    // The operating point the frame ran at: the current one, or the previous one for a frame of
    // the previous level; a frame of any other level is of unknown provenance and not learnt.
    if (frame.level == model.level)
        m_latency[m].observe(frame.level, model.operatingPoint, frame.latencyMs, nowNs);
    else if (frame.level == m_previousLevel[m])
        m_latency[m].observe(frame.level, m_previousPoint[m], frame.latencyMs, nowNs);
}

void RuntimeManager::observePower(const PowerObservation& sample)
{
    m_power.push(sample.powerMw);
}

bool RuntimeManager::poll()
{
    return applyPendingTargets();
}

void RuntimeManager::setPolicy(std::unique_ptr<Policy> policy)
{
    if (!policy)
        throw std::invalid_argument("runtime manager: no policy");
    if (modelCount() > policy->maxModels())
        throw std::invalid_argument(std::string("runtime manager: policy ") + policy->name() +
                                    " manages fewer models");
    m_policy = std::move(policy);
    evaluate(DecisionCause::PolicySwitch);
}

void RuntimeManager::setTargets(const Targets& targets, int model)
{
    const std::lock_guard<std::mutex> lock(m_targetsMutex);
    m_pendingTargets.at(static_cast<std::size_t>(model)) = targets;
    m_targetsDirty.store(true, std::memory_order_release);
}

Targets RuntimeManager::targets(int model) const
{
    const std::lock_guard<std::mutex> lock(m_targetsMutex);
    return m_pendingTargets.at(static_cast<std::size_t>(model));
}

std::optional<double> RuntimeManager::observedPowerMw() const
{
    if (m_power.size() < kMinPowerSamples)
        return std::nullopt;
    return m_power.mean();
}

bool RuntimeManager::applyPendingTargets()
{
    if (!m_targetsDirty.exchange(false, std::memory_order_acquire))
        return false;
    bool different = false;
    {
        const std::lock_guard<std::mutex> lock(m_targetsMutex);
        for (std::size_t i = 0; i < m_models.size(); ++i) {
            different = different || m_models[i].targets != m_pendingTargets[i];
            m_models[i].targets = m_pendingTargets[i];
        }
    }
    if (!different)
        return false;
    return evaluate(DecisionCause::Targets);
}

void RuntimeManager::resetSelections()
{
    for (std::size_t i = 0; i < m_models.size(); ++i) {
        m_selections[i].level = m_models[i].level;
        m_selections[i].operatingPoint = m_models[i].operatingPoint;
        m_selections[i].reason.clear();
    }
}

bool RuntimeManager::evaluate(DecisionCause cause)
{
    resetSelections();
    const PolicyInput in{m_clock(), m_models, observedPowerMw()};
    m_policy->evaluate(in, cause, m_selections);
    return commit(cause);
}

bool RuntimeManager::commit(DecisionCause cause)
{
    const std::int64_t now = m_clock();
    bool changed = false;
    for (std::size_t i = 0; i < m_models.size(); ++i) {
        ModelState& model = m_models[i];
        const Selection& s = m_selections[i];
        if (s.level < 0 || s.level >= model.table->size())
            throw std::logic_error(std::string("policy ") + m_policy->name() +
                                   " chose no valid level");
        Decision d;
        d.tNs = now;
        d.model = static_cast<int>(i);
        d.fromLevel = model.level;
        d.toLevel = s.level;
        d.fromOperatingPoint = model.operatingPoint;
        d.toOperatingPoint = s.operatingPoint;
        if (!d.changed() && cause == DecisionCause::Frame)
            continue;
        if (s.operatingPoint >= 0)
            d.operatingPointName =
                model.table->level(s.level)
                    .operatingPoints.at(static_cast<std::size_t>(s.operatingPoint))
                    .name;
        d.policy = m_policy->name();
        d.cause = cause;
        d.reason = s.reason;
        if (d.changed()) {
            changed = true;
            m_power.clear();  // power of the previous choice says nothing about the new one
            m_previousLevel[i] = model.level;
            m_previousPoint[i] = model.operatingPoint;
        }
        model.level = s.level;
        model.operatingPoint = s.operatingPoint;
        m_history.append(std::move(d));
    }
    return changed;
}

}  // namespace dofa
