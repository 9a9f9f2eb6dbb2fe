// SPDX-License-Identifier: MIT
// The runtime manager on real inference on this CPU (issue "Device layer and runtime manager",
// scenarios after Figs 6-8 of the method): a target that tightens and relaxes, a competing
// workload that starts mid-run, and two models sharing the CPU. Latencies of the levels are
// measured when the test starts, so predictions hold on whatever machine runs it; targets sit
// in the middle of the gaps between levels so that ordinary noise does not flip a choice.
//
// The supernet is the default preset at inputs of 64-128 pixels (random weights, dataset images
// scaled up), so that a frame takes 5-40 ms like a camera model on a board, not the 1-3 ms of
// the 28-pixel default: a frame shorter than the scheduler's time slice often runs through
// unpreempted beside a competing program, so contention then slows large levels and barely the
// small ones, which is not the regime the method (and Fig 7) is about.
// Asserted: the constraint is met again within 10 frames of the event, the chosen level is the
// most accurate one that fits, and no oscillation in steady state.
#include <QtTest>
#include <cmath>

#include <torch/torch.h>

#include "engine/dataset_replay_source.h"
#include "engine/inference_pipeline.h"
#include "engine/scenario.h"
#include "engine/simulated_operating_points.h"
#include "engine_fixtures.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "runtime/energy_policy.h"
#include "runtime/joint_policy.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"

using namespace dofa;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

/// Runs `frames` rounds, applying `events` (frame -> command) before their frame.
std::vector<FrameRecord> runFrames(InferencePipeline& pipe, std::int64_t frames,
                                   const std::map<std::int64_t, std::string>& events)
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

/// Level changes among frames [from, to).
/// "f12 3->1 (reason); f40 1->0 (...)": the level path, printed with the results.
QString levelPath(const std::vector<FrameRecord>& r)
{
    QStringList parts;
    for (const FrameRecord& f : r) {
        if (f.nextLevel != f.level) {
            parts << QString("f%1 %2->%3 (%4)")
                         .arg(f.frame)
                         .arg(f.level)
                         .arg(f.nextLevel)
                         .arg(QString::fromStdString(f.decision));
        }
    }
    return parts.join("; ");
}

int changesBetween(const std::vector<FrameRecord>& r, size_t from, size_t to)
{
    int n = 0;
    for (size_t i = from; i < std::min(to, r.size()); ++i) {
        n += r[i].nextLevel != r[i].level ? 1 : 0;
    }
    return n;
}

/// Most accurate level whose profiled latency × slowdown fits under `target`.
int feasibleLevel(const Profile& p, double target, double slowdown = 1.0)
{
    int best = 0;
    for (size_t i = 0; i < p.levels.size(); ++i) {
        if (p.levels[i].latency.mean * slowdown <= target) {
            best = static_cast<int>(i);
        }
    }
    return best;
}

}  // namespace

class TestRunScenarios : public QObject
{
    Q_OBJECT
private:
    SupernetSpec m_spec = [] {
        SupernetSpec s = SupernetSpec::preset("fmnist-mbv3");
        s.resolutions = {64, 96, 128};
        return s;
    }();
    Supernet m_net{nullptr};
    Profile m_profile;

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

private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1);
        torch::manual_seed(3);
        m_net = Supernet(m_spec);
        m_net->eval();
    }

    /// Measures the levels again before every scenario: a profile taken a minute earlier can be
    /// off by 2x on a shared machine (another test process, a build), and a scenario judged
    /// against a stale profile fails for the machine's sake, not the manager's. ctest also runs
    /// this test alone (RUN_SERIAL).
    void init()
    {
        torch::set_num_threads(1);
        // About 2x apart in latency each, so that a target between two levels leaves
        // ±40 % for the machine's speed to drift (shared CI machines do) without a flip.
        m_profile = test::measuredProfile(
            m_net,
            {"r64-k3.3.3.3-e2.2.2.2", "r96-k3.3.3.3-e2.2.2.2",
             "r96-k555.555.555.555-e333.333.333.333", "r128-k555.555.555.555-e444.444.444.444"},
            20);
        QString levels;
        for (const ProfileLevel& l : m_profile.levels) {
            levels += QString(" %1 ms").arg(l.latency.mean, 0, 'f', 3);
        }
        qInfo("levels measured here:%s", qPrintable(levels));
        // The scenarios need levels that are apart; a machine too noisy to tell them apart
        // cannot run them.
        for (size_t i = 1; i < m_profile.levels.size(); ++i) {
            if (m_profile.levels[i].latency.mean < 1.5 * m_profile.levels[i - 1].latency.mean) {
                QSKIP("levels closer than 1.5x in latency on this machine");
            }
        }
    }

    void targetTightensThenRelaxes()
    {
        // Fig 6: the latency target drops below the top level's latency, then is lifted; the
        // manager goes down at once (new targets are evaluated before the next frame) and
        // comes back up.
        const auto& L = m_profile.levels;
        const double tight = std::sqrt(L[1].latency.mean * L[2].latency.mean);
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        RuntimeManager manager(lanes[0].model->levelTable(), Targets{},
                               std::make_unique<ReactivePolicy>());
        InferencePipeline pipe(std::move(lanes), manager);
        const auto r =
            runFrames(pipe, 240, {{40, "latency " + std::to_string(tight)}, {140, "latency off"}});
        QCOMPARE(r.size(), size_t{240});
        const int top = static_cast<int>(L.size()) - 1;
        QCOMPARE(r[39].level, top);
        const int want = feasibleLevel(m_profile, tight);
        QCOMPARE(want, 1);
        // Within 10 frames of the event: at the feasible level and within target.
        size_t settled = 0;
        for (size_t f = 40; f < 50; ++f) {
            if (r[f].level == want) {
                settled = f;
                break;
            }
        }
        QVERIFY2(settled > 0, "did not reach the feasible level within 10 frames");
        std::vector<double> after;
        for (size_t f = settled; f < 140; ++f) {
            after.push_back(r[f].latencyMs);
        }
        QVERIFY2(median(after) <= tight,
                 qPrintable(QString("median %1 ms > target %2 ms").arg(median(after)).arg(tight)));
        QVERIFY2(changesBetween(r, settled, 140) == 0,
                 qPrintable("level changed in steady state: " + levelPath(r)));
        // Lifted: the most accurate level again within 10 frames, and it stays there.
        QCOMPARE(r[150].level, top);
        QCOMPARE(changesBetween(r, 150, 240), 0);
    }

    void competingLoadForcesAStepDown()
    {
        // Fig 7: another program starts using the cores; the reactive policy sees the slowdown
        // and steps down until the target is met, then holds.
        const auto& L = m_profile.levels;
        const int top = static_cast<int>(L.size()) - 1;
        // One inference thread against eight burning threads: on a 2-core machine the model
        // gets a fifth to a third of a core once the scheduler has balanced them (a frame that
        // fits in one time slice can still run at full speed, so the load must be heavy). The
        // target gives the top level 25 % of room when alone, not enough under load.
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        RuntimeManager manager(lanes[0].model->levelTable(), Targets{},
                               std::make_unique<ReactivePolicy>());
        InferencePipeline pipe(std::move(lanes), manager);
        auto warm = runFrames(pipe, 30, {});
        std::vector<double> alone;
        for (size_t f = 10; f < warm.size(); ++f) {
            alone.push_back(warm[f].latencyMs);
        }
        const double target = 1.25 * median(alone);
        pipe.apply(RunCommand::parse("latency " + std::to_string(target)));
        auto before = runFrames(pipe, 40, {});
        QCOMPARE(before.back().level, top);
        pipe.apply(RunCommand::parse("load cpu 8"));
        QVERIFY(pipe.load() != nullptr);
        const auto during = runFrames(pipe, 150, {});
        pipe.apply(RunCommand::parse("load off"));
        std::vector<double> topUnderLoad;
        for (size_t f = 0; f < during.size() && during[f].level == top; ++f) {
            topUnderLoad.push_back(during[f].latencyMs);
        }
        qInfo("target %.3f ms; top level alone %.3f ms, under load %.3f ms; %s", target,
              median(alone), median(topUnderLoad), qPrintable(levelPath(during)));
        if (median(topUnderLoad) <= target) {
            QSKIP("the competing load did not slow the model past the target here");
        }
        // Constraint met again within 10 frames of the slowdown: from some frame <= 10 on, the
        // model runs below the top level and the median of every later 10-frame window fits.
        size_t down = 0;
        for (size_t f = 0; f <= 10; ++f) {
            if (during[f].level < top) {
                down = f;
                break;
            }
        }
        QVERIFY2(down > 0, "no step down within 10 frames of the load");
        std::vector<double> rest;
        for (size_t f = down + 10; f < during.size(); ++f) {
            rest.push_back(during[f].latencyMs);
        }
        QVERIFY2(
            median(rest) <= target * 1.1,
            qPrintable(
                QString("median %1 ms under load > target %2 ms").arg(median(rest)).arg(target)));
        QVERIFY2(changesBetween(during, 60, during.size()) <= 1, "oscillation under load");
        QVERIFY(pipe.load() == nullptr);
    }

    void twoModelsShareTheCpu()
    {
        // Fig 8: two dynamic models run concurrently with different targets; the joint policy
        // chooses their levels together and both end within target.
        const auto& L = m_profile.levels;
        torch::set_num_threads(1);
        std::vector<PipelineLane> lanes;
        lanes.push_back(lane(0));
        lanes.push_back(lane(100));
        std::vector<ManagedModel> models;
        // Targets in the middle of the gaps between levels: model 0 has room for level 2,
        // model 1 for level 1. Each runs one thread, so on two cores they slow each other only
        // through shared caches and memory; the policy measures that, nothing is assumed.
        Targets t0, t1;
        t0.latencyMs = std::sqrt(L[2].latency.mean * L[3].latency.mean);
        t1.latencyMs = std::sqrt(L[1].latency.mean * L[2].latency.mean);
        models.push_back(ManagedModel{"a", lanes[0].model->levelTable(), t0});
        models.push_back(ManagedModel{"b", lanes[1].model->levelTable(), t1});
        RuntimeManager manager(std::move(models), std::make_unique<JointPolicy>());
        InferencePipeline pipe(std::move(lanes), manager);
        const auto all = runFrames(pipe, 200, {});
        QCOMPARE(all.size(), size_t{400});
        for (int m = 0; m < 2; ++m) {
            const auto r = ofModel(all, m);
            std::vector<double> tail;
            for (size_t f = 120; f < r.size(); ++f) {
                tail.push_back(r[f].latencyMs);
            }
            const double target = *(m == 0 ? t0 : t1).latencyMs;
            qInfo("model %d: level %d, median %.3f ms, target %.3f ms", m, r.back().level,
                  median(tail), target);
            QVERIFY2(median(tail) <= target,
                     qPrintable(
                         QString("model %1 median %2 > %3").arg(m).arg(median(tail)).arg(target)));
            QVERIFY2(changesBetween(r, 120, r.size()) <= 1,
                     qPrintable("oscillation of two models: " + levelPath(r)));
        }
        // Each holds the most accurate level that fits its own target at the speed it was
        // observed to run beside the other (observed / profiled at its final level; the machine
        // may also run faster or slower than when the profile was measured), or one lower: a
        // model moves up only with a 5 % margin.
        for (const auto& [m, target] : {std::pair{0, *t0.latencyMs}, std::pair{1, *t1.latencyMs}}) {
            const auto r = ofModel(all, m);
            const int got = r.back().level;
            std::vector<double> atGot;
            for (size_t f = 120; f < r.size(); ++f) {
                if (r[f].level == got) {
                    atGot.push_back(r[f].latencyMs);
                }
            }
            const double slowdown = median(atGot) / L[static_cast<size_t>(got)].latency.mean;
            const int want = feasibleLevel(m_profile, target, slowdown);
            QVERIFY2(got == want || got == want - 1,
                     qPrintable(QString("model %1 at level %2, feasible %3 (slowdown %4)")
                                    .arg(m)
                                    .arg(got)
                                    .arg(want)
                                    .arg(slowdown)));
        }
        QVERIFY(ofModel(all, 1).back().level <= ofModel(all, 0).back().level);
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
        const std::int64_t f = chosen.knobs.at(0).value;
        QVERIFY2(f < fMax, "the energy policy kept the top clock");
        {
            InferencePipeline pipe(std::move(lanes), manager, &platform);
            QCOMPARE(board->frequencyKhz(P::Cpu), f);
            const auto r = runFrames(pipe, 20, {});
            std::vector<double> ms;
            for (const FrameRecord& rec : r) {
                ms.push_back(rec.latencyMs);
            }
            const double profiled = table.latencyMs(manager.level());
            const double expected = profiled * static_cast<double>(fMax) / static_cast<double>(f);
            qInfo("median %.2f ms, profiled at f_max %.2f ms, expected at %lld kHz %.2f ms",
                  median(ms), profiled, static_cast<long long>(f), expected);
            // The injected delay is real sleep: frames are at least 80 % of the stretched time.
            QVERIFY(median(ms) >= 0.8 * expected);
            QVERIFY(pipe.knobProblems().empty());
        }
        QCOMPARE(board->frequencyKhz(P::Cpu), fMax);  // restored by the pipeline's guard
    }
};

QTEST_GUILESS_MAIN(TestRunScenarios)
#include "tst_run_scenarios.moc"
