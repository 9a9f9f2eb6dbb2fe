// SPDX-License-Identifier: MIT
#include <QtTest>

#include "runtime/candidate.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/runtime_manager.h"
#include "runtime_fixtures.h"

using namespace dofa;
using namespace dofa::test;

namespace {

RuntimeManager lookup(LevelTable table, Targets targets, FakeClock& clock)
{
    RuntimeManager::Options o;
    o.clock = clock.clock();
    return RuntimeManager(std::move(table), targets, std::make_unique<LookupTablePolicy>(), o);
}

/// nets_6 with power: faster levels draw less.
LevelTable nets6WithPower()
{
    std::vector<RuntimeLevel> levels = nets6().levels();
    const double mw[] = {3000, 3400, 3900, 4300, 5200, 6100};
    for (std::size_t i = 0; i < levels.size(); ++i)
        levels[i].powerMw = mw[i];
    return LevelTable(levels);
}

}  // namespace

/// The lookup table with the device to itself: best level meeting every target, or a stated
/// fallback.
class TestLookupTablePolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void picksMostAccurateMeetingTargets_data()
    {
        QTest::addColumn<double>("latencyMs");  // 0: unset
        QTest::addColumn<double>("minAccuracy");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("reasonPart");
        QTest::addRow("unset targets") << 0.0 << 0.0 << 5 << "most accurate meeting no targets";
        QTest::addRow("50 ms") << 50.0 << 0.0 << 2 << "49.4 ms";
        QTest::addRow("51.08 ms exactly") << 51.08 << 0.0 << 3 << "≤ 51.08 ms";
        QTest::addRow("60 ms") << 60.0 << 0.0 << 4 << "56.8 ms";
        QTest::addRow("floor raises") << 60.0 << 79.0 << 5 << "fallback: fastest meeting accuracy";
        QTest::addRow("nothing fits") << 40.0 << 0.0 << 0 << "no level meets latency ≤ 40 ms";
        QTest::addRow("floor wins") << 45.0 << 76.0 << 2 << "fastest meeting accuracy ≥ 76 %";
        QTest::addRow("floor too high") << 0.0 << 80.0 << 0 << "no level reaches accuracy ≥ 80 %";
        QTest::addRow("floor only") << 0.0 << 77.0 << 5 << "accuracy ≥ 77 %";
    }
    void picksMostAccurateMeetingTargets()
    {
        QFETCH(double, latencyMs);
        QFETCH(double, minAccuracy);
        QFETCH(int, expected);
        QFETCH(QString, reasonPart);
        Targets t;
        if (latencyMs > 0)
            t.latencyMs = latencyMs;
        if (minAccuracy > 0)
            t.minAccuracy = minAccuracy;
        FakeClock clock;
        RuntimeManager rm = lookup(nets6(), t, clock);
        QCOMPARE(rm.level(), expected);
        const auto h = rm.history();
        QCOMPARE(int(h.size()), 1);
        QCOMPARE(h[0].cause, DecisionCause::Start);
        QCOMPARE(h[0].policy, std::string("lookup"));
        QVERIFY2(contains(h[0].reason, reasonPart.toStdString().c_str()), h[0].reason.c_str());
        QVERIFY2(contains(h[0].reason, qPrintable(QString("start at level %1").arg(expected))),
                 h[0].reason.c_str());
    }

    void respectsPowerTarget()
    {
        FakeClock clock;
        Targets t = latency(60);
        t.powerW = 4.5;
        RuntimeManager rm = lookup(nets6WithPower(), t, clock);
        QCOMPARE(rm.level(), 3);  // level 4 fits 60 ms but draws 5.2 W
        QVERIFY2(contains(rm.history().back().reason, "4.30 W"),
                 rm.history().back().reason.c_str());
        t.powerW = 2.0;  // nothing within 2 W: fastest meeting the floor (none) → fastest
        rm.setTargets(t);
        QVERIFY(rm.poll());
        QCOMPARE(rm.level(), 0);
        QVERIFY2(contains(rm.history().back().reason, "no level meets"),
                 rm.history().back().reason.c_str());
    }

    void objectives()
    {
        FakeClock clock;
        Targets t = latency(60);
        t.objective = Objective::LowestLatency;
        RuntimeManager rm = lookup(nets6WithPower(), t, clock);
        QCOMPARE(rm.level(), 0);
        // Lowest energy: level 0 is 3 W × 41.16 ms = 123.5 mJ, the least of the table.
        t.objective = Objective::LowestEnergy;
        t.minAccuracy = 76;
        rm.setTargets(t);
        rm.poll();
        QCOMPARE(rm.level(), 2);  // 3.9 W × 49.44 ms = 192.8 mJ < 4.3 W × 51.08 ms = 219.6 mJ
        QVERIFY2(contains(rm.history().back().reason, "192.8 mJ"),
                 rm.history().back().reason.c_str());
    }

    void choosesOperatingPointOfMostAccurateLevel()
    {
        std::vector<RuntimeLevel> levels = nets6().levels();
        levels[4].operatingPoints = {{"GPU 1.1 GHz", {{"gpu.max_khz", "1100000"}}, 50, 6000.0, {}},
                                     {"GPU 800 MHz", {{"gpu.max_khz", "800000"}}, 58, 4000.0, {}},
                                     {"GPU 600 MHz", {{"gpu.max_khz", "600000"}}, 70, 3500.0, {}}};
        FakeClock clock;
        RuntimeManager rm = lookup(LevelTable(levels), latency(60), clock);
        // Level 5 (61.73 ms) does not fit; level 4 does at 1.1 GHz (300 mJ) and 800 MHz
        // (232 mJ): same accuracy, the lower energy wins.
        QCOMPARE(rm.level(), 4);
        QCOMPARE(rm.operatingPoint(), 1);
        QCOMPARE(rm.history().back().operatingPointName, std::string("GPU 800 MHz"));
        Targets t = latency(55);
        rm.setTargets(t);
        QVERIFY(rm.poll());
        QCOMPARE(rm.level(), 4);
        QCOMPARE(rm.operatingPoint(), 0);
        QVERIFY2(contains(rm.history().back().reason, "GPU 800 MHz to GPU 1.1 GHz"),
                 rm.history().back().reason.c_str());
    }

    /// With level libraries the choice is (library, level, point): the most accurate level that
    /// fits, in the library where it fits (ties: the lower energy).
    void choosesTheMapping()
    {
        FakeClock clock;
        RuntimeManager rm = lookup(mappedLadder(5000), latency(36), clock);
        // 1 thread fits level 3 (34 ms) at best; 2 threads fit level 6 (34.5 ms).
        QCOMPARE(rm.level(), 6);
        QCOMPARE(rm.table().libraryOf(6, rm.operatingPoint()), 3);
        QCOMPARE(rm.history().back().operatingPointName, std::string("2 threads, cores 0-1"));
        // Level 6 fits everywhere: 1 thread needs 3 W × 46 ms = 138 mJ, 2 threads 172.5 mJ.
        rm.setTargets(latency(50));
        QVERIFY(rm.poll());
        QCOMPARE(rm.level(), 6);
        QCOMPARE(rm.table().library(rm.table().libraryOf(6, rm.operatingPoint())).cores.size(),
                 std::size_t(1));
        // Off a library's front a level is not offered: level 0 on 2 threads is slower than
        // level 3 there.
        for (const Candidate& c : enumerateCandidates(rm.table()))
            QVERIFY(!(c.level < 3 && c.library == 3));
    }

    void ignoresObservedFrames()
    {
        FakeClock clock;
        RuntimeManager rm = lookup(nets6(), latency(50), clock);
        Noise noise(1);
        for (int i = 0; i < 100; ++i)
            runFrame(rm, clock, 2.0, noise, 0.0);  // twice as slow: the table is trusted
        QCOMPARE(rm.level(), 2);
        QCOMPARE(rm.decisionCount(), std::uint64_t(1));
    }

    void targetsReEvaluatedAtOnce()
    {
        FakeClock clock;
        RuntimeManager rm = lookup(nets6(), latency(65), clock);
        QCOMPARE(rm.level(), 5);
        rm.setTargets(latency(46));
        clock.advanceMs(3);
        Noise noise(2);
        bool changed = false;
        runFrame(rm, clock, 1.0, noise, 0.0, 0, &changed);
        QVERIFY(changed);
        QCOMPARE(rm.level(), 1);
        const Decision d = rm.history().back();
        QCOMPARE(d.cause, DecisionCause::Targets);
        QCOMPARE(d.fromLevel, 5);
        QCOMPARE(d.toLevel, 1);
        QVERIFY2(contains(d.reason, "level 5 to 1") && contains(d.reason, "45.4 ms"),
                 d.reason.c_str());
        rm.setTargets(latency(46));  // same targets: no new decision
        QVERIFY(!rm.poll());
        QCOMPARE(rm.decisionCount(), std::uint64_t(2));
    }
};

QTEST_GUILESS_MAIN(TestLookupTablePolicy)
#include "tst_lookup_table_policy.moc"
