// SPDX-License-Identifier: MIT
// The whole live loop (source -> model -> manager -> level switch) in the scenarios of the
// method's Figs 6-8: a target that tightens and relaxes, a competing workload that comes and
// goes, two models sharing the CPU. Every frame runs for real through the pipeline, but the
// latency the manager sees is scripted (InferencePipeline::scriptLatencies) and so is its clock:
// what is asserted (the level chosen, how soon the target is met again, no oscillation) is the
// manager's behaviour, the same on any machine, idle or busy. How the manager does against real
// timing, with real loads, is measured by bench/scenario_bench, which prints and asserts nothing.
//
// The scripted slowdowns are deliberately not one factor for all levels: on a real CPU small
// levels slow down most when the processor idles between paced frames, and a co-runner slows
// large levels most. A policy that scales the whole profile by what it saw at one level fails
// these scenarios.
#include <QtTest>
#include <atomic>
#include <cmath>
#include <map>

#include <torch/torch.h>

#include "../model/model_fixtures.h"
#include "model/inference_threads.h"
#include "platform/affinity_knob.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "run/competing_load.h"
#include "run/inference_pipeline.h"
#include "run/scenario.h"
#include "run/simulated_operating_points.h"
#include "runtime/energy_policy.h"
#include "runtime/fixed_level_policy.h"
#include "runtime/joint_policy.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "sources/dataset_replay_source.h"

using namespace dofa;

namespace {

constexpr std::int64_t kFramePeriodNs = 33333333;  // frames paced at 30 fps

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

/// Runs `frames` rounds, applying `events` (frame -> command) before their frame.
std::vector<FrameRecord> runFrames(InferencePipeline& pipe, std::int64_t frames,
                                   const std::map<std::int64_t, std::string>& events = {})
{
    std::vector<FrameRecord> out;
    for (std::int64_t f = 0; f < frames; ++f) {
        if (const auto it = events.find(f); it != events.end()) {
            pipe.apply(RunCommand::parse(it->second));
        }
        if (!pipe.step(out)) {
            break;
        }
    }
    return out;
}

std::vector<FrameRecord> ofModel(const std::vector<FrameRecord>& all, int model)
{
    std::vector<FrameRecord> out;
    for (const FrameRecord& r : all) {
        if (r.model == model) {
            out.push_back(r);
        }
    }
    return out;
}

/// "f12 3->1 (reason); f40 1->0 (...)": the level path, printed when a check fails.
QString levelPath(const std::vector<FrameRecord>& r)
{
    QStringList parts;
    for (const FrameRecord& f : r) {
        if (f.nextLevel != f.level) {
            parts << QString("f%1 %2->%3 (%4)")
                         .arg(f.frame)
                         .arg(f.level)
                         .arg(f.nextLevel)
                         .arg(QString::fromStdString(f.decisionText()));
        }
    }
    return parts.join("; ");
}

/// Level changes decided on frames [from, to).
int changesBetween(const std::vector<FrameRecord>& r, size_t from, size_t to)
{
    int n = 0;
    for (size_t i = from; i < std::min(to, r.size()); ++i) {
        n += r[i].nextLevel != r[i].level ? 1 : 0;
    }
    return n;
}

/// Share of frames [from, to) within their target.
double withinShare(const std::vector<FrameRecord>& r, size_t from, size_t to)
{
    int in = 0, n = 0;
    for (size_t i = from; i < std::min(to, r.size()); ++i, ++n) {
        in += r[i].withinTarget() ? 1 : 0;
    }
    return n ? static_cast<double>(in) / n : 1.0;
}

/// The first frame in [from, from + 10] from which every frame up to `to` is within target;
/// -1 when there is none.
std::int64_t backWithinTarget(const std::vector<FrameRecord>& r, size_t from, size_t to)
{
    for (size_t f = from; f <= from + 10 && f < to; ++f) {
        bool all = true;
        for (size_t g = f; g < to && all; ++g) {
            all = r[g].withinTarget();
        }
        if (all) {
            return static_cast<std::int64_t>(f);
        }
    }
    return -1;
}

/// The most accurate level whose true latency fits `target` (the oracle), 0 when none does.
int oracle(const std::vector<double>& trueMs, double target)
{
    int best = 0;
    for (size_t i = 0; i < trueMs.size(); ++i) {
        if (trueMs[i] <= target) {
            best = static_cast<int>(i);
        }
    }
    return best;
}

/// The scripted world: each level's true latency now (per lane), and the manager's clock, which
/// advances one frame period per round (lane 0 runs on the calling thread, like the manager).
class ScriptedWorld
{
public:
    explicit ScriptedWorld(std::vector<std::vector<double>> trueMs) : m_trueMs(std::move(trueMs)) {}

    void set(int lane, std::vector<double> trueMs)
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_trueMs.at(static_cast<size_t>(lane)) = std::move(trueMs);
    }
    [[nodiscard]] std::vector<double> trueMs(int lane) const
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        return m_trueMs.at(static_cast<size_t>(lane));
    }
    [[nodiscard]] Clock clock()
    {
        return [this] { return m_nowNs.load(); };
    }
    [[nodiscard]] InferencePipeline::LatencyScript script()
    {
        return [this](int lane, int level, double) {
            if (lane == 0) {
                m_nowNs += kFramePeriodNs;
            }
            const std::lock_guard<std::mutex> lock(m_mutex);
            return m_trueMs.at(static_cast<size_t>(lane)).at(static_cast<size_t>(level));
        };
    }

private:
    mutable std::mutex m_mutex;
    std::vector<std::vector<double>> m_trueMs;
    std::atomic<std::int64_t> m_nowNs{1000000000};
};

std::vector<double> scaled(const std::vector<double>& ms, const std::vector<double>& factor)
{
    std::vector<double> out(ms.size());
    for (size_t i = 0; i < ms.size(); ++i) {
        out[i] = ms[i] * factor[i];
    }
    return out;
}

}  // namespace

class TestRunScenarios : public QObject
{
    Q_OBJECT
private:
    Supernet m_net{nullptr};
    /// Declared profile: levels of the default preset at 2, 4, 8 and 16 ms, top-1 80-89 %.
    Profile m_profile;
    std::vector<double> m_profiledMs;

    PipelineLane lane(int startImage) const
    {
        PipelineLane l;
        DatasetReplayOptions o;
        o.start = startImage;
        l.source = std::make_unique<DatasetReplaySource>(test::syntheticImages(200), o);
        l.model = std::make_unique<DynamicModel>(m_net, m_profile, 0);
        for (int i = 0; i < l.model->levelCount(); ++i) {
            l.model->preload(i);
        }
        return l;
    }

    RuntimeManager::Options scriptedClock(ScriptedWorld& world) const
    {
        RuntimeManager::Options o;
        o.clock = world.clock();
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1);
        torch::manual_seed(3);
        m_net = Supernet(SupernetSpec::preset("fmnist-mbv3"));
        m_net->eval();
        m_profile = test::declaredProfile(m_net->spec());
        m_profiledMs = {2, 4, 8, 16};
        for (size_t i = 0; i < m_profile.levels.size(); ++i) {
            LatencyStats& l = m_profile.levels[i].latency;
            l.mean = l.p50 = l.p90 = m_profiledMs[i];
            m_profile.levels[i].top1 = 80 + 3.0 * static_cast<double>(i);
        }
    }

    void targetTightensThenRelaxes()
    {
        // Fig 6, in the case a user's machine failed: level 1 runs much faster than its profile
        // (x0.58), level 2 slower (x1.3). One slowdown factor taken at level 1 predicts level 2
        // at 4.6 ms under a 9 ms target; it really takes 10.4 ms. The manager may try level 2
        // once, must learn its own latency from that, and must then hold level 1.
        ScriptedWorld world({scaled(m_profiledMs, {1.0, 0.58, 1.3, 1.0})});
        const std::vector<double> truth = world.trueMs(0);
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        RuntimeManager manager(lanes[0].model->levelTable(), Targets{},
                               std::make_unique<ReactivePolicy>(), scriptedClock(world));
        InferencePipeline pipe(std::move(lanes), manager);
        pipe.scriptLatencies(world.script());
        const double tight = 9.0;
        const auto r = runFrames(pipe, 300, {{40, "latency 9"}, {200, "latency off"}});
        QCOMPARE(r.size(), size_t{300});
        const int top = static_cast<int>(m_profiledMs.size()) - 1;
        QCOMPARE(r[39].level, top);
        QCOMPARE(oracle(truth, tight), 1);
        const std::int64_t back = backWithinTarget(r, 40, 200);
        QVERIFY2(back >= 0,
                 qPrintable("not within target 10 frames after the target: " + levelPath(r)));
        int visits = 0;
        for (size_t f = 41; f < 200; ++f) {
            visits += r[f].level == 2 && r[f - 1].level != 2 ? 1 : 0;
        }
        QVERIFY2(visits <= 1, qPrintable("level 2 tried again and again: " + levelPath(r)));
        QVERIFY2(withinShare(r, 40, 200) >= 0.95,
                 qPrintable(QString("%1 of frames within target: ").arg(withinShare(r, 40, 200)) +
                            levelPath(r)));
        QCOMPARE(r[199].level, 1);
        QVERIFY2(changesBetween(r, 100, 200) == 0,
                 qPrintable("level changed in steady state: " + levelPath(r)));
        // Lifted: the most accurate level again at once, and it stays there.
        QCOMPARE(r[201].level, top);
        QCOMPARE(changesBetween(r, 201, 300), 0);
    }

    void recordsCarryTheFrameAndTheDecisions()
    {
        // The fixed policy holds the top level under a new target; the lookup policy, taking
        // over between two rounds, decides level 0 for it at once. That decision comes with the
        // next round's record, structured, and the model has switched by the round after.
        ScriptedWorld world({m_profiledMs});
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        RuntimeManager manager(lanes[0].model->levelTable(), Targets{},
                               std::make_unique<FixedLevelPolicy>("test"), scriptedClock(world));
        InferencePipeline pipe(std::move(lanes), manager);
        pipe.scriptLatencies(world.script());
        const int top = static_cast<int>(m_profiledMs.size()) - 1;
        QCOMPARE(manager.level(), top);
        std::vector<FrameRecord> r = runFrames(pipe, 2, {{1, "latency 3"}});
        QCOMPARE(r.size(), size_t{2});
        QVERIFY(r[0].decisions.empty());  // the start decision is the run's, not a frame's
        QCOMPARE(r[0].image.rows, 28);    // the frame the source delivered, for the live view
        QCOMPARE(r[0].image.cols, 28);
        QVERIFY(r[1].image.data != r[0].image.data);
        QCOMPARE(r[1].nextLevel, top);
        manager.setPolicy(std::make_unique<LookupTablePolicy>());
        QCOMPARE(manager.level(), 0);
        QVERIFY(pipe.step(r));
        QCOMPARE(r[2].level, top);
        QCOMPARE(r[2].decisions.size(), size_t{1});
        QCOMPARE(r[2].decisions[0].cause, DecisionCause::PolicySwitch);
        QCOMPARE(r[2].decisions[0].fromLevel, top);
        QCOMPARE(r[2].decisions[0].toLevel, 0);
        QCOMPARE(r[2].decisionText(), r[2].decisions[0].reason);
        QCOMPARE(r[2].nextLevel, 0);
        QVERIFY(pipe.step(r));
        QCOMPARE(r[3].level, 0);
        QVERIFY(r[3].decisions.empty());
    }

    void loadSlowsLargeLevelsMost_data()
    {
        QTest::addColumn<std::vector<double>>("underLoad");
        // A co-runner that takes the shared cache: large levels x2, small ones x1.4. (One that
        // leaves the level the manager runs under load untouched is seen leaving only when the
        // other levels' records go stale: LatencyModelConfig::maxAgeMs.)
        QTest::newRow("large 2x, small 1.4x") << std::vector<double>{1.4, 1.4, 1.7, 2.0};
        // The reverse: small levels x2, large ones x1 (short frames lose their warm caches
        // and clock to a co-runner that keeps a core busy between them).
        QTest::newRow("small 2x, large 1x") << std::vector<double>{2.0, 2.0, 1.3, 1.0};
    }

    void loadSlowsLargeLevelsMost()
    {
        // Fig 7: a competing program starts (a real one: two busy threads) and stops. The
        // target lets level 2 run alone; under load the manager must step down within 10
        // frames to the most accurate level that really fits, hold it, and come back once
        // the load is gone.
        QFETCH(std::vector<double>, underLoad);
        const std::vector<double> alone = scaled(m_profiledMs, {1.0, 1.0, 1.0, 1.0});
        const std::vector<double> loaded = scaled(m_profiledMs, underLoad);
        ScriptedWorld world({alone});
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        Targets t;
        t.latencyMs = 9.0;
        RuntimeManager manager(lanes[0].model->levelTable(), t, std::make_unique<ReactivePolicy>(),
                               scriptedClock(world));
        InferencePipeline pipe(std::move(lanes), manager);
        pipe.scriptLatencies(world.script());
        const auto before = runFrames(pipe, 60);
        QCOMPARE(before.back().level, oracle(alone, 9.0));
        pipe.apply(RunCommand::parse("load cpu 2"));
        QVERIFY(pipe.load() != nullptr);
        world.set(0, loaded);
        const auto during = runFrames(pipe, 200);
        pipe.apply(RunCommand::parse("load off"));
        QVERIFY(pipe.load() == nullptr);
        world.set(0, alone);
        const auto after = runFrames(pipe, 200);

        const int want = oracle(loaded, 9.0);
        QVERIFY2(backWithinTarget(during, 0, during.size()) >= 0,
                 qPrintable("not within target 10 frames after the load: " + levelPath(during)));
        QVERIFY2(withinShare(during, 0, during.size()) >= 0.95, qPrintable(levelPath(during)));
        QVERIFY2(during.back().level == want,
                 qPrintable(QString("under load at level %1, the oracle is %2: ")
                                .arg(during.back().level)
                                .arg(want) +
                            levelPath(during)));
        QVERIFY2(changesBetween(during, 100, during.size()) == 0,
                 qPrintable("oscillation under load: " + levelPath(during)));
        QVERIFY2(withinShare(after, 0, after.size()) >= 0.95, qPrintable(levelPath(after)));
        QVERIFY2(after.back().level == oracle(alone, 9.0),
                 qPrintable("not back up after the load: " + levelPath(after)));
        QVERIFY2(changesBetween(after, 100, after.size()) == 0,
                 qPrintable("oscillation after the load: " + levelPath(after)));
    }

    void twoModelsShareTheCpu()
    {
        // Fig 8: two dynamic models run concurrently (each frame of both really runs, on two
        // threads) with different targets; the joint policy chooses their levels together.
        // Beside each other both run 1.5x their profile at the small levels and 1.2x at the
        // large ones. Each must end at the most accurate level that really fits its target,
        // and stay there.
        const std::vector<double> together = scaled(m_profiledMs, {1.5, 1.5, 1.2, 1.2});
        ScriptedWorld world({together, together});
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        lanes.push_back(lane(100));
        Targets t0, t1;
        t0.latencyMs = 10.0;  // level 2 fits (9.6 ms), level 3 does not (19.2 ms)
        t1.latencyMs = 7.0;   // level 1 fits (6 ms), level 2 does not
        std::vector<ManagedModel> models;
        models.push_back(ManagedModel{"a", lanes[0].model->levelTable(), t0});
        models.push_back(ManagedModel{"b", lanes[1].model->levelTable(), t1});
        RuntimeManager manager(std::move(models), std::make_unique<JointPolicy>(),
                               scriptedClock(world));
        InferencePipeline pipe(std::move(lanes), manager);
        pipe.scriptLatencies(world.script());
        const auto all = runFrames(pipe, 200);
        QCOMPARE(all.size(), size_t{400});
        for (const auto& [m, target] : {std::pair{0, 10.0}, std::pair{1, 7.0}}) {
            const auto r = ofModel(all, m);
            QVERIFY2(r.back().level == oracle(together, target),
                     qPrintable(QString("model %1 at level %2, the oracle is %3: ")
                                    .arg(m)
                                    .arg(r.back().level)
                                    .arg(oracle(together, target)) +
                                levelPath(r)));
            QVERIFY2(withinShare(r, 20, r.size()) >= 0.95, qPrintable(levelPath(r)));
            QVERIFY2(changesBetween(r, 100, r.size()) == 0,
                     qPrintable("oscillation of two models: " + levelPath(r)));
        }
    }

    void measuredOperatingPointsSetThreadsAndAffinity()
    {
        // A profile's measured operating points (dofa profile --sweep) reach the runtime: the
        // energy policy chooses among them; the pipeline applies app.threads on the lane's own
        // thread and app.affinity to every thread, and puts both back when the run ends. A
        // point measured on another backend than the model's is not offered.
        const AffinityKnob self;
        const std::string affinityBefore = self.get().value();
        const std::string cpu =
            std::to_string(AffinityKnob::parseCpuList(affinityBefore).value().front());
        Profile profile = m_profile;
        for (ProfileLevel& l : profile.levels) {
            ProfileOperatingPoint one, two, opencv;
            one.knobs = {{"app.threads", "1"}};
            one.latency = l.latency;
            one.powerMw = 1000;
            two.knobs = {{"app.threads", "2"}, {"app.affinity", cpu}};
            two.latency = l.latency.scaled(0.5);  // half the time at 80 % of the power
            two.powerMw = 800;
            opencv.knobs = {{"app.threads", "1"}, {"app.backend", "opencv"}};
            opencv.latency = l.latency.scaled(0.1);  // would win everything, were it offered
            opencv.powerMw = 10;
            l.operatingPoints = {one, two, opencv};
        }
        PipelineLane l;
        l.source = std::make_unique<DatasetReplaySource>(test::syntheticImages(50),
                                                         DatasetReplayOptions{});
        l.model = std::make_unique<DynamicModel>(m_net, profile, 0);
        const LevelTable table = l.model->levelTable();
        for (const RuntimeLevel& level : table.levels()) {
            QCOMPARE(level.operatingPoints.size(), size_t{2});
            QCOMPARE(level.operatingPoints[1].knobs.size(), size_t{2});
            QCOMPARE(level.operatingPoints[1].knobs[0].knob, std::string("app.affinity"));
            QCOMPARE(level.operatingPoints[1].knobs[1].value, std::string("2"));
            QCOMPARE(level.operatingPoints[1].latencyMs, 0.5 * level.latencyMeanMs);
        }
        Targets t;
        t.latencyMs = 1000;
        RuntimeManager manager(table, t, std::make_unique<EnergyPolicy>());
        QCOMPARE(manager.operatingPoint(), 1);
        QVERIFY(QString::fromStdString(manager.history().back().reason).contains("2 threads"));

        setInferenceThreads(1);
        std::vector<PipelineLane> lanes;
        lanes.push_back(std::move(l));
        {
            InferencePipeline pipe(std::move(lanes), manager);
            (void)runFrames(pipe, 5, {});
            for (const std::string& problem : pipe.knobProblems())
                QFAIL(problem.c_str());
            QCOMPARE(inferenceThreads().intraOp, 2);  // lane 0 runs on this thread
            QCOMPARE(AffinityKnob().get().value(), cpu);
        }
        QCOMPARE(inferenceThreads().intraOp, 1);
        QCOMPARE(AffinityKnob().get().value(), affinityBefore);
    }

    void pinnedLoadStaysWhereItWasPut()
    {
        // A competing program pinned to core B (`load cpu 2 on B`) stands for another program:
        // when the manager pins the model to core A (a profile with a library per core), every
        // thread of the process follows, except the load's, which stays on B; all is put back
        // when the run ends. (Whether the manager then moves the model is tested with scripted
        // latencies in tst_runtime_reactive: on this CPU a busy program pinned to the model's
        // core barely shows in the per-frame latency, see README "Level libraries".)
        const AffinityKnob self;
        const std::string affinityBefore = self.get().value();
        const std::vector<int> cpus = AffinityKnob::parseCpuList(affinityBefore).value();
        if (cpus.size() < 2)
            QSKIP("needs two CPUs this process may use");
        const std::string coreA = std::to_string(cpus[0]), coreB = std::to_string(cpus[1]);
        setInferenceThreads(1);
        Profile profile = m_profile;
        test::pinPerCore(profile, {coreA, coreB});
        PipelineLane l;
        l.source = std::make_unique<DatasetReplaySource>(test::syntheticImages(50),
                                                         DatasetReplayOptions{});
        l.model = std::make_unique<DynamicModel>(m_net, profile, 0);
        const LevelTable table = l.model->levelTable();
        QCOMPARE(table.libraryCount(), 3);
        Targets t;
        t.latencyMs = 1000;
        RuntimeManager manager(table, t, std::make_unique<ReactivePolicy>());
        // Equal libraries: the first, core A.
        QCOMPARE(table.libraryOf(manager.level(), manager.operatingPoint()), 1);
        std::vector<PipelineLane> lanes;
        lanes.push_back(std::move(l));
        {
            InferencePipeline pipe(std::move(lanes), manager);
            pipe.apply(RunCommand::parse("load cpu 2 on " + coreB));
            (void)runFrames(pipe, 10);
            for (const std::string& problem : pipe.knobProblems())
                QFAIL(problem.c_str());
            QCOMPARE(AffinityKnob().get().value(), coreA);
            QCOMPARE(pipe.load()->threadIds().size(), size_t{2});
            for (const pid_t tid : pipe.load()->threadIds())
                QCOMPARE(AffinityKnob(tid).get().value(), coreB);
        }
        QCOMPARE(AffinityKnob().get().value(), affinityBefore);
    }

    void handAndManagerWritesShareOneGuard()
    {
        // One KnobGuard per run: the manager's operating points and hand writes (knob panel,
        // --governor) go through the pipeline. A knob the manager drives is refused by hand; a
        // knob written by hand several times comes back to its value from before the run.
        Platform platform = Platform::simulated();
        const auto board = platform.simulatedBoard();
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        const LevelTable table =
            withSimulatedOperatingPoints(lanes[0].model->levelTable(), simulatedCpuSteps(4));
        Targets t;
        t.latencyMs = 4.0 * table.latencyMs(table.size() - 1);
        RuntimeManager manager(table, t, std::make_unique<EnergyPolicy>());
        const int op = manager.operatingPoint();
        QVERIFY(op >= 0);
        const std::string driven =
            table.level(manager.level()).operatingPoints[static_cast<size_t>(op)].knobs.at(0).knob;
        QCOMPARE(driven, std::string("cpu.policy0.max_khz"));
        const auto cpuMax = platform.knob(driven);
        const auto gpuMax = platform.knob("gpu.max_khz");
        const std::string cpuBefore = cpuMax->get().value(), gpuBefore = gpuMax->get().value();
        const std::vector<std::int64_t> gpuTable = SimulatedBoard::gpuTableKhz();
        {
            InferencePipeline pipe(std::move(lanes), manager, &platform);
            const std::string cpuByPolicy = cpuMax->get().value();
            QVERIFY(cpuByPolicy != cpuBefore);  // the energy policy lowered the clock

            const auto refused = pipe.setKnob(cpuMax, cpuBefore);
            QVERIFY(!refused.isOk());
            QVERIFY2(refused.error().find("operating points") != std::string::npos,
                     refused.error().c_str());
            QCOMPARE(cpuMax->get().value(), cpuByPolicy);  // not written

            for (const std::int64_t khz : {gpuTable.front(), gpuTable[1]}) {
                const auto r = pipe.setKnob(gpuMax, std::to_string(khz));
                QVERIFY2(r.isOk(), r.isOk() ? "" : r.error().c_str());
            }
            QCOMPARE(gpuMax->get().value(), std::to_string(gpuTable[1]));
            (void)runFrames(pipe, 5, {});
            for (const std::string& problem : pipe.knobProblems())
                QFAIL(problem.c_str());
        }
        QCOMPARE(cpuMax->get().value(), cpuBefore);
        QCOMPARE(gpuMax->get().value(), gpuBefore);
    }

    void simulatedClockStretchesFramesAndIsRestored()
    {
        // On the SIMULATED board the energy policy picks level and CPU clock together; the
        // pipeline writes the clock through the board's knob, frames take f_max / f as long,
        // and the knob is back at its original value when the pipeline ends.
        using P = SimulatedBoard::Processor;
        Platform platform = Platform::simulated();
        const auto board = platform.simulatedBoard();
        const std::int64_t fMax = SimulatedBoard::cpuTableKhz().back();
        QCOMPARE(board->frequencyKhz(P::Cpu), fMax);
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        const LevelTable table =
            withSimulatedOperatingPoints(lanes[0].model->levelTable(), simulatedCpuSteps(4));
        QVERIFY(table.hasOperatingPoints());
        QVERIFY(
            QString::fromStdString(table.level(0).operatingPoints[0].name).startsWith("SIMULATED"));
        // Room for the top level at a lower clock: energy per frame is lower there (static
        // power is paid for less time at f_max, dynamic power falls as f^3).
        Targets t;
        t.latencyMs = 4.0 * table.latencyMs(table.size() - 1);
        RuntimeManager manager(table, t, std::make_unique<EnergyPolicy>());
        const int op = manager.operatingPoint();
        QVERIFY(op >= 0);
        const OperatingPoint& chosen = table.level(manager.level()).operatingPoints[op];
        qInfo("energy policy: level %d at %s, expected %.2f ms", manager.level(),
              chosen.name.c_str(), chosen.latencyMs);
        const std::int64_t f = std::stoll(chosen.knobs.at(0).value);
        QVERIFY2(f < fMax, "the energy policy kept the top clock");
        {
            InferencePipeline pipe(std::move(lanes), manager, &platform);
            QCOMPARE(board->frequencyKhz(P::Cpu), f);
            const auto r = runFrames(pipe, 20, {});
            std::vector<double> ms;
            for (const FrameRecord& rec : r) {
                ms.push_back(rec.latencyMs);
            }
            // The injected delay is real sleep of (f_max / f - 1) x the frame's real time, and
            // a frame's real time is at least the forward's: the fastest forward of the level,
            // timed here, stretched, bounds every frame from below on any machine.
            LatencyOptions o;
            o.warmup = 5;
            o.runs = 20;
            const double fastest =
                measureLatency(m_net->extract(m_profile.levels[manager.level()].arch),
                               m_net->spec().inChannels, o)
                    .min;
            const double bound = 0.9 * fastest * static_cast<double>(fMax) / static_cast<double>(f);
            qInfo("median %.3f ms; fastest forward at f_max %.3f ms, stretched to %lld kHz: %.3f",
                  median(ms), fastest, static_cast<long long>(f), bound / 0.9);
            QVERIFY(*std::min_element(ms.begin(), ms.end()) >= bound);
            QVERIFY(pipe.knobProblems().empty());
        }
        QCOMPARE(board->frequencyKhz(P::Cpu), fMax);  // restored by the pipeline's guard
    }
};

QTEST_GUILESS_MAIN(TestRunScenarios)
#include "tst_run_scenarios.moc"
