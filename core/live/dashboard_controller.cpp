// SPDX-License-Identifier: MIT
#include "dashboard_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "live/dashboard_exports.h"
#include "live/dashboard_settings.h"
#include "live/device_profiler.h"
#include "live/live_run_data.h"
#include "live/live_snapshot_builder.h"
#include "live/live_worker.h"
#include "live/queued_call.h"
#include "live/worker_thread.h"
#include "platform/thread_count_knob.h"
#include "run/scenario.h"
#include "run/shipped_files.h"
#include "search/profile.h"
#include "sources/source_spec.h"
#include "supernet/model_file.h"

namespace dofa {

namespace {

constexpr int kStopTimeoutMs = 5000;

/// A target for the worker: 0 (or less) means no target.
RunCommand targetCommand(RunCommand::Kind kind, double value)
{
    RunCommand c;
    c.kind = kind;
    c.value = value > 0 ? std::optional<double>(value) : std::nullopt;
    return c;
}

std::optional<double> targetValue(double v)
{
    return v > 0 ? std::optional<double>(v) : std::nullopt;
}

}  // namespace

DashboardController::DashboardController(DashboardOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options))
{
    m_settings = std::make_unique<DashboardSettings>(m_options.settingsFile);
    const DashboardSettings::Choices c = m_settings->choices(m_options, m_policy, policies());
    m_source = c.source;
    m_platformMode = c.platform;
    m_threads = c.threads;
    m_modelSetting = c.modelPath;
    m_profileSetting = c.profilePath;
    m_policy = c.policy;
    m_latencyTargetMs = c.latencyMs;
    m_powerBudgetW = c.powerW;
    m_minAccuracy = c.minAccuracy;
    m_simulated = m_platformMode == QLatin1String("simulated");
    m_options.platform = m_platformMode;

    auto* worker = new LiveWorker;
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(worker, QStringLiteral("dofa-live-worker"));
    connect(worker, &LiveWorker::stateChanged, this, &DashboardController::pullState,
            Qt::QueuedConnection);
    connect(
        worker, &LiveWorker::failed, this,
        [this](const QString& text) {
            pullState();
            setMessage(text, true);
        },
        Qt::QueuedConnection);
    connect(
        worker, &LiveWorker::notice, this,
        [this](const QString& text) {
            pullState();
            setMessage(text, false);
        },
        Qt::QueuedConnection);

    m_tick.setInterval(1000 / std::clamp(m_options.tickHz, 1, 60));
    connect(&m_tick, &QTimer::timeout, this, &DashboardController::onTick);
    m_tick.start();
    m_profilerPoll.setInterval(100);
    connect(&m_profilerPoll, &QTimer::timeout, this, [this] {
        if (!m_profiler) {
            m_profilerPoll.stop();
            return;
        }
        m_profilingProgress = m_profiler->progress();
        Q_EMIT profilingChanged();
        if (m_profiler->finished()) {
            m_profilerPoll.stop();
            onProfilingDone();
        }
    });

    if (openModel(m_modelSetting, m_profileSetting) && m_options.autoStart) {
        start();
    }
}

DashboardController::~DashboardController()
{
    m_tick.stop();
    m_profilerPoll.stop();
    m_profiler.reset();  // cancels and joins
    if (m_worker) {
        // Skip queued starts, wake a step blocked on its source, then end the run on the
        // worker's own thread.
        m_worker->setWantedGeneration(++m_generation);
        m_worker->requestAbort();
        LiveWorker* worker = m_worker;
        QueuedCall::post(worker, [worker] { worker->stopRun(); });
    }
    if (m_thread) {
        m_thread->stopAndWait(kStopTimeoutMs);
    }
    m_worker = nullptr;
}

// --- model and profile ---------------------------------------------------------------------

bool DashboardController::openModel(const QString& modelPath, const QString& profilePath)
{
    const QString model = modelPath.isEmpty() ? shippedModelPath() : modelPath;
    std::shared_ptr<ModelFile> file;
    try {
        file = std::make_shared<ModelFile>(ModelFile::load(model.toStdString()));
    } catch (const std::exception& e) {
        setMessage(QStringLiteral("Model file %1 could not be opened: %2")
                       .arg(model, QString::fromStdString(e.what())),
                   true);
        return false;
    }
    QString profile = profilePath;
    const QString modelName = QString::fromStdString(file->spec.name);
    if (profile.isEmpty()) {
        profile = shippedProfilePath(modelName, m_threads);
        // No shipped profile for this thread count: run with one measured for another count
        // (flagged as not matching this device), so that "Profile this device" can start.
        for (int t = 1; profile.isEmpty() && t <= 64; ++t) {
            profile = shippedProfilePath(modelName, t);
        }
        if (profile.isEmpty()) {
            setMessage(QStringLiteral("There is no shipped profile for model %1: choose a "
                                      "profile made with `dofa search` or `dofa profile`.")
                           .arg(modelName),
                       true);
            return false;
        }
    }
    Profile loaded;
    try {
        loaded = Profile::load(profile.toStdString(), file->spec);
        loaded.checkModel(file->checksum, profile.toStdString());
    } catch (const std::exception& e) {
        setMessage(QStringLiteral("Profile %1 cannot be used with model %2: %3")
                       .arg(profile, model, QString::fromStdString(e.what())),
                   true);
        return false;
    }

    m_model = std::move(file);
    m_info = LiveModelInfo();
    m_info.modelPath = model;
    m_info.profilePath = profile;
    m_info.spec = m_model->spec;
    m_profile = std::make_shared<const Profile>(std::move(loaded));
    m_info.profile = LiveProfile::from(*m_profile);
    // The model's own labels, from its input contract (a file without one gets its legacy
    // default: Fashion-MNIST's names, or ImageNet-1k's for an imported OFA model).
    for (const std::string& name : m_model->classNames())
        m_info.classNames << QString::fromStdString(name);
    const DeviceDescriptor here = DeviceDescriptor::current(m_threads);
    m_info.profileMatchesDevice = m_info.profile.device.sameHardware(here);
    m_info.deviceText = QStringLiteral("Profile measured on %1; this machine is %2.")
                            .arg(QString::fromStdString(m_info.profile.device.describe()),
                                 QString::fromStdString(here.describe()));
    m_modelSetting = modelPath;
    m_profileSetting = profilePath;
    m_settings->save(DashboardSettings::Key::ModelPath, modelPath);
    m_settings->save(DashboardSettings::Key::ProfilePath, profilePath);
    if (m_info.profileMatchesDevice) {
        setMessage(QString(), false);
    } else {
        setMessage(QStringLiteral("The profile %1 was measured on other hardware: its latencies "
                                  "may not hold here. %2 Use \"Profile this device\" to measure "
                                  "this machine.")
                       .arg(QFileInfo(profile).fileName(), m_info.deviceText),
                   false);
    }
    updatePowerRange(true);
    Q_EMIT modelChanged();
    Q_EMIT levelChanged(level());
    restartIfRunning();
    return true;
}

int DashboardController::levelCount() const
{
    return static_cast<int>(m_info.profile.levels.size());
}

QString DashboardController::levelArch() const
{
    const int l = level();
    if (l < 0 || l >= levelCount()) {
        return {};
    }
    return QString::fromStdString(m_info.profile.levels[static_cast<size_t>(l)].arch.toString());
}

double DashboardController::latencyMaxMs() const
{
    double slowest = 0;
    for (const LiveProfileLevel& l : m_info.profile.levels) {
        slowest = std::max(slowest, std::max(l.latency.p90, l.latency.p50));
    }
    // Room above the slowest level: a target there means "no constraint in practice".
    return slowest > 0 ? std::ceil(slowest * 2.0 * 10.0) / 10.0 : 100.0;
}

double DashboardController::powerMaxW() const
{
    return m_powerMaxW;
}

void DashboardController::updatePowerRange(bool modelOpened)
{
    double most = 0;
    if (modelOpened) {
        for (const LiveProfileLevel& l : m_info.profile.levels) {
            if (l.powerMw) {
                most = std::max(most, *l.powerMw * 1e-3);
            }
        }
    } else {
        most = m_powerMaxW / 1.5;
    }
    if (!std::isnan(m_snapshot.powerW)) {
        most = std::max(most, m_snapshot.powerW);
    }
    // Half as much again above the highest power seen, so the budget can sit above it; without
    // a measured level power, a range that covers small boards and laptops. The range only
    // grows while a model is open: a slider whose scale moved under the finger is unusable.
    const double range = most > 0 ? std::ceil(most * 1.5) : 20.0;
    if (modelOpened ? range != m_powerMaxW : range > m_powerMaxW) {
        m_powerMaxW = range;
        Q_EMIT powerRangeChanged();
    }
}

double DashboardController::accuracyMin() const
{
    double lo = 100;
    for (const LiveProfileLevel& l : m_info.profile.levels) {
        lo = std::min(lo, l.top1);
    }
    return m_info.profile.levels.empty() ? 0.0 : std::floor(lo - 1.0);
}

double DashboardController::accuracyMax() const
{
    double hi = 0;
    for (const LiveProfileLevel& l : m_info.profile.levels) {
        hi = std::max(hi, l.top1);
    }
    return m_info.profile.levels.empty() ? 100.0 : std::min(100.0, std::ceil(hi));
}

QStringList DashboardController::policies()
{
    return {QStringLiteral("reactive"), QStringLiteral("lookup"), QStringLiteral("energy")};
}

// --- run -----------------------------------------------------------------------------------

void DashboardController::start()
{
    m_runWanted = true;
    if (!m_model) {
        setMessage(QStringLiteral("No model is open: choose a model and a profile."), true);
        return;
    }
    const std::optional<PlatformMode> platform = platformModeFromName(m_platformMode.toStdString());
    const std::optional<ComputeDevice> device =
        ComputeDevice::parse(m_options.device.toStdString());
    if (!platform || !device) {
        setMessage(
            platform
                ? QStringLiteral("Device '%1': expected cpu, cuda or cuda:N").arg(m_options.device)
                : QStringLiteral("Platform '%1': expected %2")
                      .arg(m_platformMode, QString::fromUtf8(kPlatformModeChoices)),
            true);
        return;
    }
    RunConfig config;
    config.model = m_model;
    config.modelPath = m_info.modelPath.toStdString();
    config.profile = *m_profile;
    config.source = m_source.toStdString();
    config.sourceOptions.datasetDir = m_options.datasetDir.toStdString();
    config.sourceOptions.fps = m_options.sourceFps;
    config.platform = *platform;
    config.platformRoot = m_options.platformRoot.toStdString();
    config.threads = m_threads;
    config.device = *device;
    config.policy = m_policy.toStdString();
    config.targets.latencyMs = targetValue(m_latencyTargetMs);
    config.targets.powerW = targetValue(m_powerBudgetW);
    config.targets.minAccuracy = targetValue(m_minAccuracy);
    const std::size_t window = static_cast<std::size_t>(std::max(1.0, m_options.windowSeconds));
    auto data = std::make_shared<LiveRunData>(20000, std::max<std::size_t>(4096, window * 250));
    m_data = data;
    m_snapshot = LiveSnapshot();
    // A step blocked on the old source returns at once; startRun clears the abort.
    m_worker->requestAbort();
    const int generation = ++m_generation;
    m_worker->setWantedGeneration(generation);
    LiveWorker* worker = m_worker;
    QueuedCall::post(
        worker, [worker, config, data, generation] { worker->startRun(config, data, generation); });
}

void DashboardController::stop()
{
    m_runWanted = false;
    if (m_worker) {
        m_worker->setWantedGeneration(++m_generation);  // skip starts still queued
        m_worker->requestAbort();
        LiveWorker* worker = m_worker;
        QueuedCall::post(worker, [worker] { worker->stopRun(); });
    }
}

void DashboardController::restartIfRunning()
{
    if (m_runWanted || m_running) {
        start();
    }
}

void DashboardController::post(const RunCommand& command)
{
    if (m_worker) {
        LiveWorker* worker = m_worker;
        QueuedCall::post(worker, [worker, command] { worker->apply(command); });
    }
}

// --- targets and controls ------------------------------------------------------------------

void DashboardController::setLatencyTargetMs(double ms)
{
    ms = std::isfinite(ms) && ms > 0 ? ms : 0.0;
    if (ms == m_latencyTargetMs) {
        return;
    }
    m_latencyTargetMs = ms;
    m_settings->save(DashboardSettings::Key::LatencyMs, ms);
    post(targetCommand(RunCommand::Kind::Latency, ms));
    Q_EMIT targetsChanged();
}

void DashboardController::setPowerBudgetW(double w)
{
    w = std::isfinite(w) && w > 0 ? w : 0.0;
    if (w == m_powerBudgetW) {
        return;
    }
    m_powerBudgetW = w;
    m_settings->save(DashboardSettings::Key::PowerW, w);
    post(targetCommand(RunCommand::Kind::Power, w));
    Q_EMIT targetsChanged();
}

void DashboardController::setMinAccuracy(double percent)
{
    percent = std::isfinite(percent) && percent > 0 ? std::min(percent, 100.0) : 0.0;
    if (percent == m_minAccuracy) {
        return;
    }
    m_minAccuracy = percent;
    m_settings->save(DashboardSettings::Key::MinAccuracy, percent);
    post(targetCommand(RunCommand::Kind::Accuracy, percent));
    Q_EMIT targetsChanged();
}

void DashboardController::setPolicy(const QString& name)
{
    if (!policies().contains(name)) {
        setMessage(QStringLiteral("Unknown policy '%1': expected %2")
                       .arg(name, policies().join(QStringLiteral(", "))),
                   true);
        return;
    }
    if (name == m_policy) {
        return;
    }
    const bool clockTable =
        m_simulated && (name == QLatin1String("energy") || m_policy == QLatin1String("energy"));
    m_policy = name;
    m_settings->save(DashboardSettings::Key::Policy, name);
    Q_EMIT policyChanged();
    if (clockTable) {
        // The SIMULATED board's clock points are part of the energy policy's table.
        restartIfRunning();
    } else if (m_worker) {
        LiveWorker* worker = m_worker;
        QueuedCall::post(worker, [worker, name] { worker->setPolicy(name); });
    }
}

void DashboardController::setSource(const QString& spec)
{
    const QString text = QString::fromStdString(trimmedSourceText(spec.toStdString()));
    try {
        SourceSpec::parse(text.toStdString());
    } catch (const std::exception& e) {
        setMessage(QString::fromStdString(e.what()), true);
        return;
    }
    if (text != m_source) {
        m_source = text;
        m_settings->save(DashboardSettings::Key::Source, text);
        Q_EMIT sourceChanged();
    }
    restartIfRunning();
}

void DashboardController::setThreads(int threads)
{
    threads = std::max(1, threads);
    if (threads == m_threads) {
        return;
    }
    m_threads = threads;
    m_settings->save(DashboardSettings::Key::Threads, threads);
    Q_EMIT threadsChanged();
    // Reopen: the shipped profile is per thread count, and whether the open profile matches
    // this device depends on the count too. openModel() restarts the run.
    if (!openModel(m_modelSetting, m_profileSetting)) {
        restartIfRunning();
    }
}

void DashboardController::setKnob(const QString& id, qint64 value)
{
    setKnobText(id, QString::number(value));
}

void DashboardController::setKnobText(const QString& id, const QString& value)
{
    bool isNumber = false;
    const int threads = value.trimmed().toInt(&isNumber);
    if (id == QLatin1String(ThreadCountKnob::kId) && isNumber) {
        setThreads(threads);
        return;
    }
    if (m_worker) {
        LiveWorker* worker = m_worker;
        QueuedCall::post(worker, [worker, id, value] { worker->setKnob(id, value); });
    }
}

void DashboardController::setPlatform(const QString& mode)
{
    if (!platformModeFromName(mode.toStdString())) {
        setMessage(QStringLiteral("Unknown platform '%1': expected %2")
                       .arg(mode, QString::fromUtf8(kPlatformModeChoices)),
                   true);
        return;
    }
    if (mode == m_platformMode) {
        return;
    }
    m_platformMode = mode;
    m_options.platform = mode;
    m_settings->save(DashboardSettings::Key::Platform, mode);
    Q_EMIT platformChanged();
    restartIfRunning();
}

void DashboardController::startLoad(int threads)
{
    RunCommand c;
    c.kind = RunCommand::Kind::LoadCpu;
    c.value = std::max(1, threads);
    post(c);
}

void DashboardController::stopLoad()
{
    RunCommand c;
    c.kind = RunCommand::Kind::LoadOff;
    post(c);
}

// --- state and snapshots -------------------------------------------------------------------

void DashboardController::setMessage(const QString& text, bool error)
{
    if (text != m_message) {
        m_message = text;
        Q_EMIT messageChanged();
    }
    if (error && !text.isEmpty()) {
        Q_EMIT errorOccurred(text);
    }
}

void DashboardController::pullState()
{
    if (m_data) {
        applyState(m_data->copyState());
    }
}

void DashboardController::applyState(const LiveRunState& st)
{
    if (st.running != m_running) {
        m_running = st.running;
        Q_EMIT runningChanged();
    }
    if (!st.platformText.isEmpty() &&
        (st.platformText != m_platformText || st.simulated != m_simulated)) {
        m_platformText = st.platformText;
        m_simulated = st.simulated;
        Q_EMIT platformChanged();
    }
    if (st.managerTargets != m_managerTargets) {
        m_managerTargets = st.managerTargets;
        Q_EMIT targetsChanged();
    }
    const bool load = !st.load.isEmpty();
    if (load != m_loadActive) {
        m_loadActive = load;
        Q_EMIT loadChanged();
    }
    bool knobsDiffer = st.knobs.size() != m_knobs.size();
    for (size_t i = 0; !knobsDiffer && i < st.knobs.size(); ++i) {
        const LiveKnob& a = st.knobs[i];
        const LiveKnob& b = m_knobs[i];
        knobsDiffer =
            a.id != b.id || a.value != b.value || a.text != b.text || a.writable != b.writable;
    }
    if (knobsDiffer) {
        m_knobs = st.knobs;
        Q_EMIT knobsChanged();
    }
}

void DashboardController::onTick()
{
    if (!m_data) {
        return;
    }
    const bool wasRunning = m_running;
    const LiveRunState state = m_data->copyState();  // the tick's one copy
    applyState(state);
    if (!m_running && !wasRunning && !m_snapshot.running) {
        return;  // idle, and the last snapshot already shows it: nothing new to draw
    }
    m_snapshot = makeLiveSnapshot(*m_data, state, m_options.windowSeconds);
    if (!std::isnan(m_snapshot.powerW) && m_snapshot.powerW * 1.5 > m_powerMaxW) {
        updatePowerRange(false);
    }
    Q_EMIT updated();
    if (m_snapshot.currentLevel != m_lastLevel) {
        m_lastLevel = m_snapshot.currentLevel;
        Q_EMIT levelChanged(m_lastLevel);
    }
    if (m_snapshot.library != m_lastLibrary) {
        m_lastLibrary = m_snapshot.library;
        Q_EMIT libraryChanged();
    }
}

// --- profiling -----------------------------------------------------------------------------

void DashboardController::profileDevice()
{
    if (m_profiler) {
        return;
    }
    if (!m_model) {
        setMessage(QStringLiteral("No model is open: nothing to profile."), true);
        return;
    }
    DeviceProfiler::Input in;
    in.model = m_model;
    in.modelPath = m_info.modelPath;
    in.profile = *m_profile;
    in.profilePath = m_info.profilePath;
    in.threads = m_threads;
    in.outputDir =
        m_options.settingsFile.isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                  QStringLiteral("/profiles")
            : QFileInfo(m_options.settingsFile).absolutePath() + QStringLiteral("/profiles");
    // Inference would compete with the measurement for the same cores: pause the run.
    const bool resume = m_runWanted;
    stop();
    m_runWanted = resume;
    m_profiler = std::make_unique<DeviceProfiler>(std::move(in));
    m_profiling = true;
    m_profilingProgress = 0;
    m_profilerPoll.start();
    setMessage(QStringLiteral("Profiling this device (%1 threads)...").arg(m_threads), false);
    Q_EMIT profilingChanged();
}

void DashboardController::cancelProfiling()
{
    if (m_profiler) {
        m_profiler->cancel();
    }
}

void DashboardController::onProfilingDone()
{
    const QString path = m_profiler->resultPath();
    const QString error = m_profiler->error();
    m_profiler.reset();
    m_profiling = false;
    bool ok = !path.isEmpty();
    if (ok) {
        m_profilingProgress = 1.0;
        Q_EMIT profilingChanged();
        // openModel() restarts the paused run with the new levels.
        ok = openModel(m_modelSetting, path);
        if (ok) {
            setMessage(QStringLiteral("Profiled this device: %1").arg(path), false);
        }
    } else {
        m_profilingProgress = 0;
        Q_EMIT profilingChanged();
        setMessage(QStringLiteral("Profiling this device %1: %2")
                       .arg(error == QLatin1String("cancelled") ? QStringLiteral("was cancelled")
                                                                : QStringLiteral("failed"),
                            error),
                   error != QLatin1String("cancelled"));
    }
    if (!ok && m_runWanted) {
        start();  // the paused run, with the profile that was open
    }
    Q_EMIT profilingFinished(ok, ok ? path : QString());
}

// --- exports -------------------------------------------------------------------------------

bool DashboardController::runExport(const std::function<void()>& write)
{
    try {
        write();
    } catch (const std::exception& e) {
        setMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    return true;
}

bool DashboardController::exportProfileJson(const QString& path)
{
    return runExport([&] { DashboardExports::profileJson(m_profile.get(), path); });
}

bool DashboardController::exportProfileCsv(const QString& path)
{
    return runExport([&] { DashboardExports::profileCsv(m_profile.get(), path); });
}

bool DashboardController::exportCandidatesCsv(const QString& path)
{
    return runExport([&] { DashboardExports::candidatesCsv(m_profile.get(), path); });
}

bool DashboardController::exportTelemetryCsv(const QString& path)
{
    const std::vector<FrameRecord> rows =
        m_data ? m_data->recording.all() : std::vector<FrameRecord>();
    return runExport([&] { DashboardExports::telemetryCsv(rows, path); });
}

}  // namespace dofa
