// SPDX-License-Identifier: MIT
#include "live_worker.h"

#include <QMetaObject>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <torch/torch.h>

#include "live/live_log.h"
#include "live/queued_call.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "platform/affinity_knob.h"
#include "platform/platform.h"
#include "platform/platform_sampler.h"
#include "platform/simulated_board.h"
#include "run/competing_load.h"
#include "run/inference_pipeline.h"
#include "runtime/policy.h"
#include "runtime/runtime_manager.h"
#include "sources/latest_frame_source.h"

namespace dofa {

namespace {

double nan()
{
    return std::numeric_limits<double>::quiet_NaN();
}

QString platformSummary(const Platform& p, PlatformMode mode)
{
    if (p.isSimulated()) {
        return QStringLiteral("SIMULATED: %1 (power is a model, the clock a delay)")
            .arg(QString::fromUtf8(SimulatedBoard::name()));
    }
    if (!p.hasHardware()) {
        return QStringLiteral(
                   "No power or clock sensors were found on this machine (platform '%1'): "
                   "there is no power to show or budget. Choose the SIMULATED board to try "
                   "power targets.\n%2")
            .arg(QString::fromUtf8(platformModeName(mode)),
                 QString::fromStdString(p.description()));
    }
    return QString::fromStdString(p.description());
}

}  // namespace

LiveWorker::LiveWorker() = default;

LiveWorker::~LiveWorker()
{
    endRun();
}

bool LiveWorker::event(QEvent* event)
{
    return QueuedCall::handle(event) || QObject::event(event);
}

void LiveWorker::requestAbort()
{
    m_abort.store(true);
    std::lock_guard<std::mutex> lock(m_abortMutex);
    if (m_latest) {
        m_latest->stop();
    }
}

void LiveWorker::startRun(const RunConfig& config, const std::shared_ptr<LiveRunData>& data,
                          int generation)
{
    if (generation != m_wantedGeneration.load()) {
        return;  // a newer start is already queued behind this one
    }
    endRun();
    m_abort.store(false);
    m_config = config;
    m_config.latestFrameOnly = true;  // a live view drops frames instead of falling behind
    m_data = data;
    try {
        openRun(m_config);
    } catch (const std::exception& e) {
        endRun();
        qCInfo(lcLive, "run not started: %s", e.what());
        Q_EMIT failed(QString::fromStdString(e.what()));
        return;
    }
    qCInfo(lcLive, "run started: source %s, model %s, %s policy, %d threads, platform %s",
           config.source.c_str(), config.modelPath.c_str(), config.policy.c_str(), config.threads,
           platformModeName(config.platform));
    setRunning(true);
    m_stepQueued = true;
    QMetaObject::invokeMethod(this, &LiveWorker::step, Qt::QueuedConnection);
}

void LiveWorker::openRun(const RunConfig& config)
{
    m_run = buildRun(config);
    {
        std::lock_guard<std::mutex> lock(m_data->mutex);
        auto& st = m_data->state;
        st.platformText = m_run.platform
                              ? platformSummary(*m_run.platform, config.platform)
                              : QStringLiteral("No platform (power and clocks not read)");
        st.simulated = m_run.platform && m_run.platform->isSimulated();
        st.sourceText = QString::fromStdString(m_run.latest->description());
        st.hasLabels = m_run.latest->hasLabels();
    }
    publishKnobs();
    m_samplesSeen = 0;
    {
        // The charts show what the pipeline's sampler reads: one reader per monitor.
        const PlatformSampler* sampler = m_run.pipeline->sampler();
        QStringList railNames;
        if (sampler) {
            for (const std::string& id : sampler->railIds()) {
                railNames << QString::fromStdString(id).remove(
                    QRegularExpression(QStringLiteral("^power\\.(rail\\.)?")));
            }
        }
        std::lock_guard<std::mutex> lock(m_data->mutex);
        m_data->state.railNames = railNames;
        m_data->state.hasCpuClock = sampler && sampler->hasCpuClock();
        m_data->state.hasGpuClock = sampler && sampler->hasGpuClock();
    }
    {
        std::lock_guard<std::mutex> lock(m_abortMutex);
        m_latest = m_run.latest;
        if (m_abort.load()) {
            m_latest->stop();
        }
    }
    // The start decisions are the run's, before its first frame; later ones come with frames.
    for (const Decision& start : m_run.manager->history()) {
        pushDecision(start, 0);
    }
    publishTargets();
    std::lock_guard<std::mutex> lock(m_data->mutex);
    m_data->state.level = m_run.manager->level();
}

void LiveWorker::endRun()
{
    {
        std::lock_guard<std::mutex> lock(m_abortMutex);
        if (m_latest) {
            m_latest->stop();
        }
        m_latest = nullptr;
    }
    const bool wasRunning = m_run.pipeline != nullptr;
    m_run.reset();  // the pipeline joins its lanes, stops the load, restores every knob
    if (m_data && wasRunning) {
        setRunning(false);
    }
}

void LiveWorker::stopRun()
{
    endRun();
}

void LiveWorker::setRunning(bool running)
{
    if (!m_data) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_data->mutex);
        m_data->state.running = running;
        if (!running) {
            m_data->state.load.clear();
        }
    }
    Q_EMIT stateChanged();
}

void LiveWorker::step()
{
    m_stepQueued = false;
    if (!m_run.pipeline || m_abort.load()) {
        return;
    }
    std::vector<FrameRecord> records;
    bool more = false;
    try {
        c10::InferenceMode inference;
        more = m_run.pipeline->step(records);
    } catch (const std::exception& e) {
        const QString text =
            QStringLiteral("Source '%1' failed: %2")
                .arg(QString::fromStdString(m_config.source), QString::fromStdString(e.what()));
        endRun();
        qCInfo(lcLive, "%s", qPrintable(text));
        Q_EMIT failed(text);
        return;
    }
    if (!more) {
        const bool aborted = m_abort.load();
        const QString text = QStringLiteral("Source '%1' ended after %2 frames")
                                 .arg(QString::fromStdString(m_config.source))
                                 .arg(m_data->framesDone.load());
        endRun();
        qCInfo(lcLive, "%s", qPrintable(text));
        if (!aborted) {
            Q_EMIT notice(text);
        }
        return;
    }
    LiveRunData& d = *m_data;
    const auto* latest = static_cast<const LatestFrameSource*>(&m_run.pipeline->source(0));
    d.framesDropped.store(latest->framesDropped());
    if (!records.empty()) {
        const FrameRecord& r = records.front();  // the one model a dashboard runs
        std::lock_guard<std::mutex> lock(d.mutex);
        auto& st = d.state;
        st.image = r.image;
        st.frameIndex = r.frame;
        st.label = r.label;
        st.topClass = r.topClass;
        st.topScore = r.topScore;
        st.level = r.nextLevel;
        st.latencyMs = r.latencyMs;
        st.elapsedSeconds = r.tSeconds;
        const std::pair<int, int> choice{m_run.manager->level(), m_run.manager->operatingPoint()};
        if (choice != m_placedChoice || st.placement.isEmpty()) {
            // Read on this thread, which runs the model: threads and affinity are per thread.
            m_placedChoice = choice;
            st.placement = placementText();
            const LevelTable& table = m_run.manager->table();
            const int library = table.libraryOf(choice.first, choice.second);
            st.library =
                library >= 0 ? QString::fromStdString(table.library(library).name) : QString();
        }
    }
    for (FrameRecord& r : records) {
        for (const Decision& decision : r.decisions) {
            pushDecision(decision, r.frame);
        }
        d.framesDone.fetch_add(1);
        if (r.hasLabel()) {
            d.labelled.fetch_add(1);
            if (r.correct()) {
                d.correct.fetch_add(1);
            }
        }
        LiveFramePoint p;
        p.t = r.tSeconds;
        p.latencyMs = r.latencyMs;
        p.level = r.level;
        p.targetMs = r.targetLatencyMs ? *r.targetLatencyMs : nan();
        const std::int64_t labelled = d.labelled.load();
        p.runningTop1 = labelled > 0 ? 100.0 * static_cast<double>(d.correct.load()) /
                                           static_cast<double>(labelled)
                                     : nan();
        d.points.push(p);
        r.image.release();  // the ring keeps 20,000 rows for the CSV, not their frames
        d.recording.push(std::move(r));
    }
    publishSamples();
    m_stepQueued = true;
    QMetaObject::invokeMethod(this, &LiveWorker::step, Qt::QueuedConnection);
}

QString LiveWorker::placementText() const
{
    const int threads = inferenceThreads().intraOp;
    const auto cores = AffinityKnob().get();
    // On a GPU the threads and cores are those of the thread that feeds it.
    const torch::Device& device = m_run.pipeline->model(0).device();
    QString text = (device.is_cuda() ? QString::fromStdString(device.str()).toUpper()
                                     : QStringLiteral("CPU")) +
                   QStringLiteral(" · %1 thread%2").arg(threads).arg(threads == 1 ? "" : "s");
    if (cores.isOk())
        text += QStringLiteral(" · cores ") + QString::fromStdString(cores.value());
    const int level = m_run.manager->level();
    const std::string backend = m_run.pipeline->model(0).levelBackend(level);
    if (!backend.empty())
        text += QStringLiteral(" · ") + QString::fromStdString(backend);
    const int point = m_run.manager->operatingPoint();
    if (point >= 0)
        text += QStringLiteral(" · point ") +
                QString::fromStdString(
                    m_run.manager->table().level(level).operatingPoints.at(point).name);
    return text;
}

void LiveWorker::pushDecision(const Decision& decision, std::int64_t frame)
{
    LiveDecision ld;
    // Decision::tNs is the manager's clock, the steady clock as the pipeline's; the start
    // decision comes before the pipeline's first frame.
    ld.tSeconds = std::max(0.0, m_run.pipeline->secondsAt(decision.tNs));
    ld.frame = frame;
    ld.fromLevel = decision.fromLevel;
    ld.toLevel = decision.toLevel;
    ld.reason = QString::fromStdString(decision.reason);
    m_data->decisions.push(ld);
}

void LiveWorker::publishSamples()
{
    const PlatformSampler* sampler = m_run.pipeline ? m_run.pipeline->sampler() : nullptr;
    if (!m_data || !sampler || sampler->count() == m_samplesSeen) {
        return;
    }
    m_samplesSeen = sampler->count();
    const PlatformSample& p = sampler->latest();
    // Units: monitors report mW and kHz (unit.h); the dashboard shows W and MHz.
    auto scaled = [](const std::optional<double>& v) { return v ? *v * 1e-3 : nan(); };
    LivePlatformSample s;
    s.t = m_run.pipeline->secondsAt(p.tNs);
    s.totalW = scaled(p.totalMw);
    s.railsW.reserve(p.railsMw.size());
    for (const std::optional<double>& rail : p.railsMw) {
        s.railsW.push_back(scaled(rail));
    }
    s.cpuMHz = scaled(p.cpuKhz);
    s.gpuMHz = scaled(p.gpuKhz);
    m_data->samples.push(std::move(s));
}

void LiveWorker::apply(const RunCommand& c)
{
    // Remember targets for the next run even when none is running now.
    using K = RunCommand::Kind;
    if (c.kind == K::Latency) {
        m_config.targets.latencyMs = c.value;
    } else if (c.kind == K::Power) {
        m_config.targets.powerW = c.value;
    } else if (c.kind == K::Accuracy) {
        m_config.targets.minAccuracy = c.value;
    }
    if (!m_run.pipeline) {
        return;
    }
    try {
        // The manager takes new targets at its next observe(), inside the pipeline's step,
        // which then switches the level: polling here would decide without switching.
        m_run.pipeline->apply(c);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
        return;
    }
    publishTargets();
    {
        std::lock_guard<std::mutex> lock(m_data->mutex);
        const CompetingLoad* load = m_run.pipeline->load();
        m_data->state.load = load ? QString::fromStdString(load->description()) : QString();
    }
    Q_EMIT stateChanged();
}

void LiveWorker::publishTargets()
{
    if (!m_run.manager || !m_data) {
        return;
    }
    std::lock_guard<std::mutex> lock(m_data->mutex);
    m_data->state.managerTargets = QString::fromStdString(m_run.manager->targets().describe());
}

void LiveWorker::setPolicy(const QString& name)
{
    m_config.policy = name.toStdString();
    if (!m_run.manager) {
        return;
    }
    try {
        // On the SIMULATED board the energy policy needs a table with clock points: the
        // controller restarts the run for that switch instead of calling this.
        // Its decision reaches the timeline with the next frame (FrameRecord::decisions).
        m_run.manager->setPolicy(policyFromName(name.toStdString()));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

void LiveWorker::setKnob(const QString& id, const QString& value)
{
    if (!m_run.platform) {
        Q_EMIT failed(QStringLiteral("Knob %1: no platform is open").arg(id));
        return;
    }
    const std::shared_ptr<Knob> knob = m_run.platform->knob(id.toStdString());
    if (!knob) {
        Q_EMIT failed(QStringLiteral("Knob %1: no such knob on this platform").arg(id));
        return;
    }
    if (!m_run.pipeline) {
        Q_EMIT failed(QStringLiteral("Knob %1: no run is going").arg(id));
        return;
    }
    // The run's one KnobGuard (the pipeline's) takes it: put back when the run ends.
    const auto r = m_run.pipeline->setKnob(knob, value.toStdString());
    if (!r.isOk()) {
        Q_EMIT failed(QStringLiteral("Knob %1: %2").arg(id, QString::fromStdString(r.error())));
    }
    publishKnobs();
    Q_EMIT stateChanged();
}

void LiveWorker::publishKnobs()
{
    std::vector<LiveKnob> knobs;
    if (m_run.platform) {
        for (const auto& k : m_run.platform->knobs()) {
            const KnobInfo& info = k->info();
            LiveKnob s;
            s.id = QString::fromStdString(info.id);
            s.description = QString::fromStdString(info.description);
            if (info.unit == Unit::None) {
                s.isText = true;
                const auto word = k->get();
                s.text = word.isOk() ? QString::fromStdString(word.value()).trimmed() : QString();
                for (const std::string& c : info.choices) {
                    s.choices.append(QString::fromStdString(c));
                }
            } else {
                s.unit = QString::fromUtf8(unitSymbol(info.unit));
                const auto v = k->getInt();
                s.value = v.isOk() ? v.value() : 0;
                for (std::int64_t a : info.allowed) {
                    s.allowed.append(a);
                }
            }
            s.writable = k->isWritable();
            s.simulated = info.simulated;
            knobs.push_back(std::move(s));
        }
    }
    std::lock_guard<std::mutex> lock(m_data->mutex);
    m_data->state.knobs = std::move(knobs);
}

}  // namespace dofa
