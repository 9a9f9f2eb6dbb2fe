// SPDX-License-Identifier: MIT
#include "run/inference_pipeline.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <torch/torch.h>

#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/knob_guard.h"
#include "platform/platform.h"
#include "platform/platform_sampler.h"
#include "platform/process_affinity.h"
#include "platform/simulated_board.h"
#include "run/competing_load.h"
#include "run/run_log.h"
#include "run/scenario.h"
#include "runtime/runtime_manager.h"
#include "sources/frame_converter.h"
#include "sources/frame_source.h"

namespace dofa {

namespace {

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

InferencePipeline::InferencePipeline(std::vector<PipelineLane> lanes, RuntimeManager& manager,
                                     Platform* platform)
    : m_manager(manager), m_platform(platform)
{
    if (lanes.empty()) {
        throw std::invalid_argument("pipeline needs at least one model");
    }
    if (static_cast<int>(lanes.size()) != manager.modelCount()) {
        throw std::invalid_argument("pipeline has " + std::to_string(lanes.size()) +
                                    " models but the runtime manager manages " +
                                    std::to_string(manager.modelCount()));
    }
    for (size_t i = 0; i < lanes.size(); ++i) {
        if (!lanes[i].source || !lanes[i].model) {
            throw std::invalid_argument("pipeline model " + std::to_string(i) +
                                        " lacks a source or a model");
        }
        if (lanes[i].model->levelCount() != manager.table(static_cast<int>(i)).size()) {
            throw std::invalid_argument("pipeline model " + std::to_string(i) + " has " +
                                        std::to_string(lanes[i].model->levelCount()) +
                                        " levels, its runtime table " +
                                        std::to_string(manager.table(static_cast<int>(i)).size()));
        }
        // Start where the manager starts (its first decision is already made).
        lanes[i].model->setLevel(manager.level(static_cast<int>(i)));
        auto state = std::make_unique<LaneState>();
        state->index = static_cast<int>(i);
        state->lane = std::move(lanes[i]);
        state->converter = FrameConverter(state->lane.model->inputContract());
        m_lanes.push_back(std::move(state));
    }
    m_appliedOperatingPoint.assign(m_lanes.size(), -1);
    m_decisionsReported = m_manager.decisionCount();
    m_callerThreads = inferenceThreads().intraOp;
    if (m_platform) {
        m_board = m_platform->simulatedBoard();
        if (m_board) {
            // The simulated power model needs a load: inference keeps the CPU busy.
            m_board->setLoad(SimulatedBoard::Processor::Cpu, 1000);
        }
        m_sampler = std::make_unique<PlatformSampler>(*m_platform);
    }
    m_knobs = std::make_unique<KnobGuard>();
    for (int lane = 0; lane < m_manager.modelCount(); ++lane) {
        for (const RuntimeLevel& level : m_manager.table(lane).levels()) {
            for (const OperatingPoint& point : level.operatingPoints) {
                for (const KnobSetting& k : point.knobs) {
                    m_drivenKnobs.insert(k.knob);
                }
            }
        }
    }
    for (int i = 0; i < laneCount(); ++i) {
        applyOperatingPoint(i);
    }
    // Threads last: nothing after this may throw, or ~std::thread would terminate. Each lane
    // runs on as many intra-op threads as lane 0, the calling thread (OpenMP's count is per
    // thread: a new thread would otherwise use every core).
    const int threads = m_callerThreads;
    for (size_t i = 1; i < m_lanes.size(); ++i) {
        LaneState* s = m_lanes[i].get();
        s->thread = std::thread([this, s, threads] {
            setInferenceThreads(threads);
            laneLoop(*s);
        });
    }
    m_startNs = nowNs();
}

InferencePipeline::~InferencePipeline()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    for (auto& s : m_lanes) {
        if (s->thread.joinable()) {
            s->thread.join();
        }
    }
    m_load.reset();
    m_knobs.reset();  // knobs back to what they were before the run
    if (inferenceThreads().intraOp != m_callerThreads)
        setInferenceThreads(m_callerThreads);  // lane 0 ran on this thread
}

double InferencePipeline::elapsedSeconds() const
{
    return secondsAt(nowNs());
}

double InferencePipeline::secondsAt(std::int64_t ns) const
{
    return static_cast<double>(ns - m_startNs) * 1e-9;
}

void InferencePipeline::runLane(LaneState& state)
{
    LaneResult result;
    FrameRecord& r = result.record;
    try {
        Frame frame;
        result.ok = state.lane.source->next(frame);
        if (result.ok) {
            r.image = frame.image;
            r.label = frame.label;
            r.level = state.lane.model->level();
            // The latency is what the model costs per frame: conversion, preprocessing, the
            // upload to the model's device, forward and arg-max, not the wait for the next
            // frame.
            if (state.threads > 0 && inferenceThreads().intraOp != state.threads)
                setInferenceThreads(state.threads);  // an operating point's, on this thread
            const std::int64_t start = nowNs();
            const torch::Tensor& image =
                state.converter.convert(frame.image, state.lane.model->resolution());
            const torch::Tensor logits = state.lane.model->forward(image);
            // On CUDA the forward only queued kernels: wait for them, so that the latency is
            // the frame's and not its launch's (the copy below would wait too, implicitly).
            state.lane.model->synchronize();
            // Top-3 of 1 x classes logits: a few microseconds, inside the timed span because
            // it is part of what a frame costs the application. The prediction is the first of
            // them, not a separate arg-max: on tied logits the two may pick different classes,
            // and the overlay must show what was predicted.
            const torch::Tensor probs =
                torch::softmax(logits[0].to(torch::kCPU).to(torch::kFloat), 0);
            const auto k = std::min<std::int64_t>(3, probs.size(0));
            const auto top = probs.topk(k);
            const auto scores = std::get<0>(top).contiguous();
            const auto classes = std::get<1>(top).contiguous();
            for (std::int64_t i = 0; i < k; ++i) {
                r.topClass[static_cast<size_t>(i)] =
                    static_cast<int>(classes.data_ptr<std::int64_t>()[i]);
                r.topScore[static_cast<size_t>(i)] = scores.data_ptr<float>()[i];
            }
            r.predicted = r.topClass[0];
            if (m_board) {
                // SIMULATED clock: the frame takes f_max / f as long as the host ran it.
                m_board->injectDelay(std::chrono::nanoseconds(nowNs() - start),
                                     SimulatedBoard::Processor::Cpu);
            }
            result.endNs = nowNs();
            r.latencyMs = static_cast<double>(result.endNs - start) * 1e-6;
            if (m_latencyScript) {
                r.latencyMs = m_latencyScript(state.index, r.level, r.latencyMs);
            }
        }
    } catch (...) {
        result.error = std::current_exception();
    }
    state.result = std::move(result);
}

void InferencePipeline::laneLoop(LaneState& state)
{
    std::int64_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_quit || state.requestedRound > seen; });
            if (m_quit) {
                return;
            }
            seen = state.requestedRound;
        }
        runLane(state);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            state.finishedRound = seen;
        }
        m_done.notify_all();
    }
}

void InferencePipeline::readPlatform(FrameRecord& record)
{
    if (!m_sampler) {
        return;
    }
    if (m_sampler->sampleIfDue(nowNs()) && m_sampler->latest().totalMw) {
        m_manager.observePower(
            PowerObservation{m_sampler->latest().tNs, *m_sampler->latest().totalMw});
    }
    record.powerMw = m_sampler->latest().totalMw;
    record.cpuFreqKhz = m_sampler->latest().cpuKhz;
}

bool InferencePipeline::step(std::vector<FrameRecord>& out)
{
    const std::int64_t round = ++m_round;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (size_t i = 1; i < m_lanes.size(); ++i) {
            m_lanes[i]->requestedRound = round;
        }
    }
    m_wake.notify_all();
    runLane(*m_lanes[0]);
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, [&] {
            for (size_t i = 1; i < m_lanes.size(); ++i) {
                if (m_lanes[i]->finishedRound < round) {
                    return false;
                }
            }
            return true;
        });
    }
    for (const auto& s : m_lanes) {
        if (s->result.error) {
            std::rethrow_exception(s->result.error);
        }
    }
    for (const auto& s : m_lanes) {
        if (!s->result.ok) {
            return false;
        }
    }

    const size_t first = out.size();
    // A decision taken between rounds (a new policy) has not been applied to the models yet.
    bool changed = m_manager.decisionCount() != m_decisionsReported;
    for (size_t i = 0; i < m_lanes.size(); ++i) {
        LaneResult& r = m_lanes[i]->result;
        FrameRecord& rec = out.emplace_back(std::move(r.record));
        rec.frame = round - 1;
        rec.model = static_cast<int>(i);
        rec.tSeconds = static_cast<double>(r.endNs - m_startNs) * 1e-9;
        rec.targetLatencyMs = m_manager.targets(static_cast<int>(i)).latencyMs;
        rec.load = m_load ? m_load->description() : std::string();
        readPlatform(rec);
        changed = m_manager.observe(
                      FrameObservation{r.endNs, rec.latencyMs, rec.level, static_cast<int>(i)}) ||
                  changed;
    }
    if (m_manager.decisionCount() != m_decisionsReported) {
        // Only when something was decided: history() copies, the steady path must not.
        const std::vector<Decision> history = m_manager.history();
        const auto fresh = static_cast<size_t>(m_manager.decisionCount() - m_decisionsReported);
        for (size_t k = history.size() - std::min(fresh, history.size()); k < history.size(); ++k) {
            const Decision& d = history[k];
            out[first + static_cast<size_t>(d.model)].decisions.push_back(d);
            qCDebug(lcRun, "round %lld, model %d: %s", static_cast<long long>(m_round), d.model,
                    d.reason.c_str());
        }
        m_decisionsReported = m_manager.decisionCount();
    }
    for (size_t i = 0; i < m_lanes.size(); ++i) {
        FrameRecord& rec = out[first + i];
        DynamicModel& model = *m_lanes[i]->lane.model;
        const int want = m_manager.level(static_cast<int>(i));
        if (changed && want != model.level()) {
            const LevelSwitch s = model.setLevel(want);
            qCDebug(lcRun, "model %zu: level %d, switched in %.2f ms%s", i, want, s.ms,
                    s.cached ? " (cached)" : "");
            rec.switchMs = s.ms;
            rec.switchCached = s.cached;
        }
        rec.nextLevel = model.level();
        if (changed) {
            applyOperatingPoint(static_cast<int>(i));
        }
    }
    return true;
}

void InferencePipeline::applyOperatingPoint(int lane)
{
    const int op = m_manager.operatingPoint(lane);
    if (op < 0 || op == m_appliedOperatingPoint[static_cast<size_t>(lane)]) {
        return;
    }
    const RuntimeLevel& level = m_manager.table(lane).level(m_manager.level(lane));
    if (op >= static_cast<int>(level.operatingPoints.size())) {
        return;
    }
    for (const KnobSetting& k : level.operatingPoints[static_cast<size_t>(op)].knobs) {
        if (k.knob == "app.backend" || k.knob == "app.device") {
            continue;  // the model's own: DynamicModel::levelTable offers no other
        }
        if (k.knob == "app.threads") {
            // OpenMP's thread count is per thread: the lane sets it on its own thread before
            // its next frame (runLane); lane 0's, the caller's, is put back at the end.
            try {
                const int n = std::stoi(k.value);
                if (n < 1)
                    throw std::invalid_argument("not positive");
                m_lanes[static_cast<size_t>(lane)]->threads = n;
            } catch (const std::exception&) {
                knobProblem("app.threads: '" + k.value + "' is not a thread count");
            }
            continue;
        }
        if (k.knob == "app.affinity") {
            // The points were measured with every thread of the process pinned (the sweep).
            if (!m_affinity)
                m_affinity = std::make_unique<ProcessAffinity>();
            // A competing load stands for another program: it stays where it was put.
            m_affinity->setForeignThreads(m_load ? m_load->threadIds() : std::vector<pid_t>());
            m_affinity->capture();
            const auto r = m_affinity->set(*m_knobs, k.value);
            if (!r.isOk())
                knobProblem(r.error());
            continue;
        }
        const std::shared_ptr<Knob> knob = m_platform ? m_platform->knob(k.knob) : nullptr;
        if (!knob) {
            knobProblem(k.knob + ": no such knob on this platform");
            continue;
        }
        const auto r = m_knobs->set(knob, k.value);
        if (!r.isOk()) {
            knobProblem(k.knob + ": " + r.error());
        }
    }
    m_appliedOperatingPoint[static_cast<size_t>(lane)] = op;
}

void InferencePipeline::knobProblem(const std::string& text)
{
    qCWarning(lcRun, "%s", text.c_str());
    m_knobProblems.push_back(text);
}

Result<std::string> InferencePipeline::setKnob(const std::shared_ptr<Knob>& knob,
                                               const std::string& value)
{
    const std::string& id = knob->info().id;
    // app.affinity in a point pins the whole process, so it drives every thread's affinity knob.
    const bool driven = m_drivenKnobs.count(id) > 0 ||
                        (id.rfind("app.affinity", 0) == 0 && m_drivenKnobs.count("app.affinity"));
    if (driven) {
        return Result<std::string>::fail(
            id + " is set by the runtime manager's operating points while the " +
            m_manager.policy().name() +
            " policy runs; choose a profile without operating points to set it by hand");
    }
    return m_knobs->set(knob, value);
}

bool InferencePipeline::apply(const RunCommand& c)
{
    using K = RunCommand::Kind;
    switch (c.kind) {
        case K::Latency:
        case K::Power:
        case K::Accuracy: {
            if (c.model < 0 || c.model >= laneCount()) {
                throw std::invalid_argument("'" + c.toString() + "': there is no model " +
                                            std::to_string(c.model));
            }
            Targets t = m_manager.targets(c.model);
            (c.kind == K::Latency ? t.latencyMs
             : c.kind == K::Power ? t.powerW
                                  : t.minAccuracy) = c.value;
            m_manager.setTargets(t, c.model);
            return true;
        }
        case K::LoadCpu:
            m_load.reset();
            m_load = CompetingLoad::cpu(static_cast<int>(c.value.value_or(1)), c.cores);
            return true;
        case K::LoadModel: {
            m_load.reset();
            const SupernetSpec& spec = m_lanes[0]->lane.model->spec();
            const SubnetArch arch = c.arch == "max"   ? SubnetArch::max(spec)
                                    : c.arch == "min" ? SubnetArch::min(spec)
                                                      : SubnetArch::parse(c.arch, spec);
            m_load = CompetingLoad::model(m_lanes[0]->lane.model->extractArch(arch),
                                          spec.inChannels, c.threads);
            return true;
        }
        case K::LoadOff:
            m_load.reset();
            return true;
        case K::Stop:
            break;
    }
    return false;
}

}  // namespace dofa
