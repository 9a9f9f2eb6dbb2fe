// SPDX-License-Identifier: MIT
#include <QtTest>

#include "runtime/reactive_policy.h"
#include "scenario_harness.h"

using namespace dofa;
using namespace dofa::test;

namespace {

/// Levels a factor 2 apart: 2, 4, 8, 16, 32 ms.
LevelTable doubling()
{
    return tableOf({{70, 2}, {72, 4}, {74, 8}, {76, 16}, {78, 32}});
}

/// The camera demo at 30 fps, profiled unpaced: level 0 0.53 ms ran 1.03 ms, level 1
/// 5.5 ms ran 3.2 ms, level 2 13.6 ms ran 10.5 ms, level 3 ran at its profile.
LevelTable cameraDemo()
{
    return tableOf({{70, 0.53}, {74, 5.5}, {76, 13.6}, {78, 25}});
}

/// Checks a run against the truth, naming the path on failure:
/// - after each event has settled, every frame runs the oracle's level (so no level change in
///   steady state);
/// - at least 95 % of all frames are within target;
/// - at most one failed probe (a frame-driven step down) per event;
/// - with `within` ≥ 0: every frame from `within` frames after each event on is within target.
void check(const Scenario& s, const ScenarioRun& run, int within = -1)
{
    const QByteArray path = QByteArray::fromStdString(levelPath(run));
    std::vector<double> factors;
    double target = 0;
    for (std::size_t k = 0; k < s.events.size(); ++k) {
        const ScenarioEvent& e = s.events[k];
        if (!e.factors.empty())
            factors = e.factors;
        if (e.targetMs)
            target = *e.targetMs;
        const int end = k + 1 < s.events.size() ? s.events[k + 1].frame : s.frames;
        const int oracle = oracleLevel(s.table, factors, target);
        for (int f = e.frame + s.settleFrames; f < end; ++f)
            QVERIFY2(run.level[std::size_t(f)] == oracle,
                     qPrintable(QString("frame %1 at level %2, oracle %3 (event %4); path %5")
                                    .arg(f)
                                    .arg(run.level[std::size_t(f)])
                                    .arg(oracle)
                                    .arg(k)
                                    .arg(path.constData())));
        const int downs = stepDowns(run, s, e.frame, end);
        QVERIFY2(downs <= 1, qPrintable(QString("%1 failed probes after event %2; path %3")
                                            .arg(downs)
                                            .arg(k)
                                            .arg(path.constData())));
        for (int f = e.frame + within; within >= 0 && f < end; ++f)
            QVERIFY2(run.latencyMs[std::size_t(f)] <= run.targetMs[std::size_t(f)],
                     qPrintable(QString("frame %1: %2 ms > target %3 ms; path %4")
                                    .arg(f)
                                    .arg(run.latencyMs[std::size_t(f)])
                                    .arg(run.targetMs[std::size_t(f)])
                                    .arg(path.constData())));
    }
    const double share = withinTargetShare(run);
    QVERIFY2(share >= 0.95,
             qPrintable(QString("%1 % within target; path %2").arg(share * 100).arg(path.data())));
    qInfo("%.1f %% within target; levels %s", share * 100, path.constData());
}

ScenarioEvent change(int frame, std::optional<double> targetMs, std::vector<double> factors = {})
{
    return ScenarioEvent{frame, targetMs, std::move(factors)};
}

}  // namespace

/// The reactive policy against a scripted device whose levels do not slow down alike. These
/// checks fail for a policy that predicts every level from one slowdown factor: run against the
/// reactive policy before LevelLatencyModel, (a) settled at level 2 instead of 3 after the last
/// target change, (b) and (c) retried the failed level after each cool-down in steady state (2 and
/// 3 failed probes). (d) is passed by both: a uniform-enough load is what one factor handles.
class TestReactiveScenarios : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    /// (a) Paced frames: small levels slowed 2× (the processor idles between frames), large ones
    /// at their profile. The factor seen at a small level must not keep it off a large one.
    void smallLevelsSlowedMost()
    {
        Scenario s{doubling()};
        s.periodMs = 33.3;
        const std::vector<double> truth{2.0, 2.0, 1.5, 1.0, 1.0};
        s.events = {change(0, 20, truth), change(200, 10), change(400, 20)};
        const ScenarioRun run = runScenario(s, std::make_unique<ReactivePolicy>());
        check(s, run);
        QCOMPARE(oracleLevel(s.table, truth, 20), 3);
        QCOMPARE(oracleLevel(s.table, truth, 10), 1);
        // Back at 20 ms: level 3 from its own record, told as such.
        const Decision& back = run.decisions.back();
        QCOMPARE(back.cause, DecisionCause::Targets);
        QVERIFY2(contains(back.reason, "level 3: learned p50 16.") &&
                     contains(back.reason, "level 1 to 3"),
                 back.reason.c_str());
    }

    /// (b) The reverse: small levels at their profile, large ones 2× (a co-runner takes the
    /// cores for longer frames). The factor seen at a small level must not send it up again.
    void largeLevelsSlowedMost()
    {
        Scenario s{doubling()};
        s.periodMs = 33.3;
        const std::vector<double> truth{1.0, 1.0, 1.0, 2.0, 2.0};
        s.events = {change(0, 20, truth), change(300, 40)};
        const ScenarioRun run = runScenario(s, std::make_unique<ReactivePolicy>());
        check(s, run);
        QCOMPARE(oracleLevel(s.table, truth, 20), 2);
        QCOMPARE(oracleLevel(s.table, truth, 40), 3);
    }

    /// (c) The failing case: level 1 runs at 0.58 of its profile, level 2 at 0.77. One
    /// probe of level 2 fails; its record then keeps it out, instead of a retry every cool-down.
    void fasterThanProfileDoesNotOscillate()
    {
        Scenario s{cameraDemo()};
        s.periodMs = 33.3;
        const std::vector<double> truth{1.03 / 0.53, 3.2 / 5.5, 10.5 / 13.6, 1.0};
        s.events = {change(0, 8.6, truth)};
        const ScenarioRun run = runScenario(s, std::make_unique<ReactivePolicy>());
        check(s, run);
        QCOMPARE(oracleLevel(s.table, truth, 8.6), 1);
        const Decision& last = run.decisions.back();
        QVERIFY2(last.fromLevel == 2 && last.toLevel == 1 &&
                     contains(last.reason, "level 1: learned p50 3.") &&
                     contains(last.reason, "(level 2: learned p50 10."),
                 last.reason.c_str());
    }

    /// (d) A co-runner comes (slowing levels by 1.4× to 1.7×, more for larger ones) and goes,
    /// frames back to back: within target again 10 frames after each event, and back up to the
    /// most accurate level once it has gone.
    void loadOnThenOff()
    {
        Scenario s{ladder()};
        const std::vector<double> alone(7, 1.0);
        const std::vector<double> loaded{1.4, 1.45, 1.5, 1.55, 1.6, 1.65, 1.7};
        s.events = {change(0, 50, alone), change(100, {}, loaded), change(400, {}, alone)};
        s.frames = 700;
        const ScenarioRun run = runScenario(s, std::make_unique<ReactivePolicy>());
        check(s, run, 10);
        QCOMPARE(oracleLevel(s.table, loaded, 50), 2);
        QCOMPARE(oracleLevel(s.table, alone, 50), 6);
        bool told = false;
        for (const Decision& d : run.decisions)
            told = told || (d.fromLevel == 2 && d.toLevel == 6 &&
                            contains(d.reason, "conditions changed at level 2"));
        QVERIFY(told);
    }
};

QTEST_GUILESS_MAIN(TestReactiveScenarios)
#include "tst_reactive_scenarios.moc"
