// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "live/live_profile.h"
#include "live/live_snapshot.h"
#include "supernet/supernet_spec.h"

namespace dofa {

class DashboardSettings;
class DeviceProfiler;
class LiveWorker;
class WorkerThread;
struct LiveRunData;
struct LiveRunState;
struct RunCommand;
struct ModelFile;
struct Profile;

/// How the controller starts; the dashboard's command line fills it, tests set it directly.
struct DashboardOptions
{
    QString modelPath;    ///< empty: the shipped model
    QString profilePath;  ///< empty: the shipped profile for the model and `threads`
    QString source = QStringLiteral("dataset:test");  ///< SourceSpec text
    QString datasetDir;                               ///< empty: FashionMnist::defaultDir()
    double sourceFps = 30;                            ///< pacing of dataset and file sources
    QString platform = QStringLiteral("discover");    ///< discover, simulated or none
    /// Root of the sysfs tree "discover" reads: "/" on a device; tests point it at a copy of a
    /// fixture board (tests/fixtures/sysfs).
    QString platformRoot = QStringLiteral("/");
    /// One intra-op thread: frames paced at 30 fps leave the cores idle between frames, and
    /// waking a second OpenMP thread for every operator costs more than it saves (measured in
    /// README, "BLAS and threads").
    int threads = 1;
    /// Where the model runs: "cpu", "cuda" or "cuda:N" (ComputeDevice), checked by the caller
    /// (dofa-dashboard --device); not remembered between runs.
    QString device = QStringLiteral("cpu");
    /// QSettings file (INI) for remembered settings; empty: the user's default location.
    /// Tests point it at a temporary file.
    QString settingsFile;
    bool restoreSettings = true;  ///< false: ignore what was remembered (tests, --reset)
    double windowSeconds = 60;    ///< length of the time series
    int tickHz = 20;              ///< GUI pull rate (15-30)
    bool autoStart = true;        ///< start the run once the model is open
};

/// Static facts about the open model and profile, for the Pareto chart and the subnet view.
struct LiveModelInfo
{
    QString modelPath, profilePath;
    SupernetSpec spec;
    /// Levels (arch, top-1, latency, power) and the candidate cloud; torch-free copy of the
    /// open Profile, whose BN statistics stay in the controller.
    LiveProfile profile;
    QStringList classNames;
    bool profileMatchesDevice = false;  ///< measured on this processor with these threads
    QString deviceText;                 ///< "measured on ..., this machine is ..."
};

/// The one controller both front ends (widgets, QML kiosk) are views of. Lives on the GUI
/// thread; inference, capture and platform sampling run on a LiveWorker on its own thread.
///
/// Data flow: setters post commands to the worker (queued, they take effect before its next
/// frame); the worker writes bounded ring buffers; a QTimer at `tickHz` pulls one LiveSnapshot
/// from them and emits `updated()`. Views redraw from snapshot() on that signal only.
/// Nothing here blocks on inference.
///
/// Conventions for the views:
/// - Units: latency in ms, power in W, clocks in MHz, accuracy in % (0-100), time series x in
///   seconds since the current run started (a restart starts at 0 again with empty series).
/// - Unknown values are NaN (LiveSnapshot::kNone), never 0: power without a sensor, top-1 of a
///   source without labels, latency before the first frame. Targets use 0 for "no target".
/// - updated() fires at tickHz while a run is running, plus once after it stops; nothing fires
///   while idle. levelChanged() fires on the tick that first shows a new level (and after
///   openModel); libraryChanged() on the tick that first shows a new library(). Property NOTIFY
///   signals fire only on real changes.
/// - Errors (source that does not open, bad file, failed knob or export) set message() and
///   emit errorOccurred(); notes (source ended, profile from other hardware, profiling done)
///   only set message(). A failed source leaves the run stopped; setSource() or start()
///   tries again.
/// - Setters never block: they post to the worker, and managerTargetsText()/level() follow a
///   frame later. Knobs written with setKnob() are restored when the run ends or restarts.
class DashboardController : public QObject
{
    Q_OBJECT
    // Targets: 0 means "no target". Setting one takes effect on the worker's next frame.
    Q_PROPERTY(
        double latencyTargetMs READ latencyTargetMs WRITE setLatencyTargetMs NOTIFY targetsChanged)
    Q_PROPERTY(double powerBudgetW READ powerBudgetW WRITE setPowerBudgetW NOTIFY targetsChanged)
    Q_PROPERTY(double minAccuracy READ minAccuracy WRITE setMinAccuracy NOTIFY targetsChanged)
    // Slider ranges from the open profile (a bit beyond its slowest level, its power range,
    // its accuracy range).
    Q_PROPERTY(double latencyMaxMs READ latencyMaxMs NOTIFY modelChanged)
    Q_PROPERTY(double powerMaxW READ powerMaxW NOTIFY powerRangeChanged)
    Q_PROPERTY(double accuracyMin READ accuracyMin NOTIFY modelChanged)
    Q_PROPERTY(double accuracyMax READ accuracyMax NOTIFY modelChanged)
    Q_PROPERTY(QString policy READ policy WRITE setPolicy NOTIFY policyChanged)
    Q_PROPERTY(QStringList policies READ policies CONSTANT)
    Q_PROPERTY(QString source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY threadsChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(bool simulated READ isSimulated NOTIFY platformChanged)
    Q_PROPERTY(QString platformText READ platformText NOTIFY platformChanged)
    /// "discover", "simulated" or "none": the mode in use (options().platform follows it).
    Q_PROPERTY(QString platformMode READ platformMode WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(bool loadActive READ loadActive NOTIFY loadChanged)
    Q_PROPERTY(int level READ level NOTIFY levelChanged)
    Q_PROPERTY(int levelCount READ levelCount NOTIFY modelChanged)
    Q_PROPERTY(QString levelArch READ levelArch NOTIFY levelChanged)
    /// The level library the model runs in (LiveSnapshot::library); empty: nothing running.
    Q_PROPERTY(QString library READ library NOTIFY libraryChanged)
    // Values of the newest snapshot (NaN where unknown), for gauges.
    Q_PROPERTY(double fps READ fps NOTIFY updated)
    Q_PROPERTY(double latencyMs READ latencyMs NOTIFY updated)
    Q_PROPERTY(double powerW READ powerW NOTIFY updated)
    Q_PROPERTY(double runningTop1 READ runningTop1 NOTIFY updated)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(double profilingProgress READ profilingProgress NOTIFY profilingChanged)
    Q_PROPERTY(bool profiling READ isProfiling NOTIFY profilingChanged)

public:
    explicit DashboardController(DashboardOptions options = {}, QObject* parent = nullptr);
    ~DashboardController() override;  ///< stops the worker (bounded wait), restores knobs

    [[nodiscard]] const LiveSnapshot& snapshot() const { return m_snapshot; }
    [[nodiscard]] const LiveModelInfo& modelInfo() const { return m_info; }
    [[nodiscard]] const DashboardOptions& options() const { return m_options; }

    [[nodiscard]] double latencyTargetMs() const { return m_latencyTargetMs; }
    [[nodiscard]] double powerBudgetW() const { return m_powerBudgetW; }
    [[nodiscard]] double minAccuracy() const { return m_minAccuracy; }
    [[nodiscard]] double latencyMaxMs() const;
    [[nodiscard]] double powerMaxW() const;
    [[nodiscard]] double accuracyMin() const;
    [[nodiscard]] double accuracyMax() const;
    [[nodiscard]] QString policy() const { return m_policy; }
    [[nodiscard]] static QStringList policies();
    [[nodiscard]] QString source() const { return m_source; }
    [[nodiscard]] int threads() const { return m_threads; }
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] bool isSimulated() const { return m_simulated; }
    [[nodiscard]] QString platformText() const { return m_platformText; }
    [[nodiscard]] QString platformMode() const { return m_platformMode; }
    [[nodiscard]] bool loadActive() const { return m_loadActive; }
    [[nodiscard]] int level() const { return m_snapshot.currentLevel; }
    [[nodiscard]] int levelCount() const;
    [[nodiscard]] QString levelArch() const;
    [[nodiscard]] QString library() const { return m_snapshot.library; }
    [[nodiscard]] double fps() const { return m_snapshot.fps; }
    [[nodiscard]] double latencyMs() const { return m_snapshot.latencyMs; }
    [[nodiscard]] double powerW() const { return m_snapshot.powerW; }
    [[nodiscard]] double runningTop1() const { return m_snapshot.runningTop1; }
    [[nodiscard]] QString message() const { return m_message; }
    [[nodiscard]] double profilingProgress() const { return m_profilingProgress; }
    [[nodiscard]] bool isProfiling() const { return m_profiling; }

    /// The targets the runtime manager has in force now, as the worker last reported them
    /// (for tests and the status bar): "latency ≤ 8 ms, power ≤ 5 W".
    [[nodiscard]] QString managerTargetsText() const { return m_managerTargets; }

    /// A hardware or app knob for the knob panel.
    [[nodiscard]] const std::vector<LiveKnob>& knobs() const { return m_knobs; }

public Q_SLOTS:
    void setLatencyTargetMs(double ms);
    void setPowerBudgetW(double w);
    void setMinAccuracy(double percent);
    void setPolicy(const QString& name);
    /// SourceSpec text; a source that fails to open leaves the run stopped with a message.
    void setSource(const QString& spec);
    void setThreads(int threads);
    /// Writes a numeric platform knob on the worker (as setKnobText with the number).
    void setKnob(const QString& id, qint64 value);
    /// Writes a knob on the worker: a word for a text knob (a governor), a number in the
    /// knob's unit otherwise; put back when the run ends. "app.threads" goes through
    /// setThreads(): the thread count also picks the profile, so the two must not be set apart.
    void setKnobText(const QString& id, const QString& value);
    /// Opens a model and a profile (empty: the shipped ones); restarts the run. False (with a
    /// message naming the file and the problem) when either is bad or they do not match.
    bool openModel(const QString& modelPath, const QString& profilePath = {});
    /// "discover", "simulated" or "none"; restarts the run.
    void setPlatform(const QString& mode);
    void start();
    void stop();
    /// A competing workload of `threads` busy threads on the CPU.
    void startLoad(int threads = 2);
    void stopLoad();
    /// "Profile this device": measures the open profile's candidates on this machine (accuracy
    /// is device-independent and reused), picks new levels, writes a profile next to the
    /// user's settings and opens it. Progress in profilingProgress; ends with
    /// profilingFinished.
    void profileDevice();
    void cancelProfiling();

    // Exports. Each writes to a temporary name and renames; false with a message on error.
    bool exportProfileJson(const QString& path);
    /// One row per level (levelsCsv of search/profile_csv.h).
    bool exportProfileCsv(const QString& path);
    /// One row per point of the profile's candidate cloud (candidatesCsv).
    bool exportCandidatesCsv(const QString& path);
    /// Every frame of the run that is still in the (bounded) recording buffer.
    bool exportTelemetryCsv(const QString& path);

Q_SIGNALS:
    void updated();  ///< a new snapshot, at tickHz while running
    void targetsChanged();
    void modelChanged();
    void levelChanged(int level);
    /// library() changed: the manager moved the model to another mapping, or it stopped.
    void libraryChanged();
    /// powerMaxW() grew (a reading beyond the range) or a model was opened.
    void powerRangeChanged();
    void policyChanged();
    void sourceChanged();
    void threadsChanged();
    void runningChanged();
    void platformChanged();
    void loadChanged();
    void knobsChanged();
    void messageChanged();
    /// An error for a dialog or a banner (also in message()).
    void errorOccurred(const QString& text);
    void profilingChanged();
    void profilingFinished(bool ok, const QString& profilePath);

private:
    /// Recomputes powerMaxW: from the profile and the newest reading when a model was opened,
    /// else only upwards from the newest reading.
    void updatePowerRange(bool modelOpened);
    void onTick();
    void pullState();
    /// Updates the properties from the worker's state (copied once per tick by the caller).
    void applyState(const LiveRunState& state);
    void setMessage(const QString& text, bool error);
    /// Runs one export's write; an exception becomes the message (naming the file). False then.
    bool runExport(const std::function<void()>& write);
    void restartIfRunning();
    /// A target or load command to the worker, as a typed queued call.
    void post(const RunCommand& command);
    void onProfilingDone();

    DashboardOptions m_options;
    std::unique_ptr<DashboardSettings> m_settings;
    std::shared_ptr<const ModelFile> m_model;  ///< the open model file (read once)
    std::shared_ptr<const Profile> m_profile;  ///< the open profile, with BN statistics
    double m_powerMaxW = 20;  ///< latched: grows with readings, never shrinks while open
    std::shared_ptr<LiveRunData> m_data;       ///< the current run's buffers
    QString m_modelSetting, m_profileSetting;  ///< as chosen: empty means the shipped file
    QString m_platformMode = QStringLiteral("discover");
    bool m_runWanted = false;  ///< start() called and stop() not since
    int m_lastLevel = -1;
    QString m_lastLibrary;
    int m_generation = 0;  ///< of the newest start(); older queued starts are skipped
    std::unique_ptr<DeviceProfiler> m_profiler;
    QTimer m_profilerPoll;
    LiveModelInfo m_info;
    LiveSnapshot m_snapshot;
    std::unique_ptr<WorkerThread> m_thread;
    LiveWorker* m_worker = nullptr;  ///< owned by m_thread
    QTimer m_tick;
    double m_latencyTargetMs = 0, m_powerBudgetW = 0, m_minAccuracy = 0;
    QString m_policy = QStringLiteral("reactive");
    QString m_source;
    int m_threads = 2;
    bool m_running = false, m_simulated = false, m_loadActive = false, m_profiling = false;
    double m_profilingProgress = 0;
    QString m_platformText, m_message, m_managerTargets;
    std::vector<LiveKnob> m_knobs;
};

}  // namespace dofa
