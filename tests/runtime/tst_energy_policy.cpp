// SPDX-License-Identifier: MIT
#include <QtTest>

#include "runtime/energy_policy.h"
#include "runtime/runtime_manager.h"
#include "runtime_fixtures.h"

using namespace dofa;
using namespace dofa::test;

namespace {

OperatingPoint point(const char* name, std::int64_t khz, double ms, double mw)
{
    return OperatingPoint{name, {{"gpu.max_khz", std::to_string(khz)}}, ms, mw, {}};
}

/// Three levels at two GPU clocks: the slow clock saves energy but takes longer.
LevelTable dvfsTable()
{
    std::vector<RuntimeLevel> levels{makeLevel(70, 20), makeLevel(74, 30), makeLevel(77, 45)};
    levels[0].operatingPoints = {point("GPU 1.1 GHz", 1100000, 20, 6000),  // 120 mJ
                                 point("GPU 600 MHz", 600000, 35, 2500)};  // 87.5 mJ
    levels[1].operatingPoints = {point("GPU 1.1 GHz", 1100000, 30, 6500),  // 195 mJ
                                 point("GPU 600 MHz", 600000, 52, 2800)};  // 145.6 mJ
    levels[2].operatingPoints = {point("GPU 1.1 GHz", 1100000, 45, 7000),  // 315 mJ
                                 point("GPU 600 MHz", 600000, 80, 3000)};  // 240 mJ
    return LevelTable(levels);
}

Targets targetsOf(double latencyMs, double powerW, double minAccuracy)
{
    Targets t;
    if (latencyMs > 0)
        t.latencyMs = latencyMs;
    if (powerW > 0)
        t.powerW = powerW;
    if (minAccuracy > 0)
        t.minAccuracy = minAccuracy;
    return t;
}

RuntimeManager energy(const Targets& t, FakeClock& clock)
{
    RuntimeManager::Options o;
    o.clock = clock.clock();
    return RuntimeManager(dvfsTable(), t, std::make_unique<EnergyPolicy>(), o);
}

/// (level, point) of least power × latency meeting every target, by brute force; {-1, -1}: none.
std::pair<int, int> bruteForce(const LevelTable& table, const Targets& t)
{
    std::pair<int, int> best{-1, -1};
    double bestEnergy = 1e300;
    for (int l = 0; l < table.size(); ++l)
        for (int p = 0; p < int(table.level(l).operatingPoints.size()); ++p) {
            const OperatingPoint& op = table.level(l).operatingPoints[p];
            if ((t.latencyMs && op.latencyMs > *t.latencyMs) ||
                (t.powerW && *op.powerMw > *t.powerW * 1000) ||
                (t.minAccuracy && table.level(l).top1 < *t.minAccuracy))
                continue;
            const double e = *op.powerMw * op.latencyMs;
            if (e < bestEnergy) {
                bestEnergy = e;
                best = {l, p};
            }
        }
    return best;
}

}  // namespace

/// Level and operating point together, for the least energy per inference within the targets.
class TestEnergyPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void minimumEnergyFeasiblePair_data()
    {
        QTest::addColumn<double>("latencyMs");
        QTest::addColumn<double>("powerW");
        QTest::addColumn<double>("minAccuracy");
        QTest::addColumn<int>("level");
        QTest::addColumn<int>("point");
        QTest::addColumn<QString>("reasonPart");
        QTest::addRow("no targets") << 0.0 << 0.0 << 0.0 << 0 << 1 << "87.5 mJ";
        QTest::addRow("30 ms") << 30.0 << 0.0 << 0.0 << 0 << 0 << "120.0 mJ";
        QTest::addRow("floor 74") << 60.0 << 0.0 << 74.0 << 1 << 1 << "145.6 mJ";
        QTest::addRow("floor 74, 50 ms") << 50.0 << 0.0 << 74.0 << 1 << 0 << "195.0 mJ";
        QTest::addRow("floor 77") << 100.0 << 0.0 << 77.0 << 2 << 1 << "240.0 mJ";
        QTest::addRow("power 3 W") << 40.0 << 3.0 << 0.0 << 0 << 1 << "2.50 W";
        QTest::addRow("power 6.6 W, 46 ms, floor 74") << 46.0 << 6.6 << 74.0 << 1 << 0 << "6.50 W";
    }
    void minimumEnergyFeasiblePair()
    {
        QFETCH(double, latencyMs);
        QFETCH(double, powerW);
        QFETCH(double, minAccuracy);
        QFETCH(int, level);
        QFETCH(int, point);
        QFETCH(QString, reasonPart);
        const Targets t = targetsOf(latencyMs, powerW, minAccuracy);
        const auto expected = bruteForce(dvfsTable(), t);
        QCOMPARE(expected, std::make_pair(level, point));  // the table says what it should
        FakeClock clock;
        RuntimeManager rm = energy(t, clock);
        QCOMPARE(rm.level(), level);
        QCOMPARE(rm.operatingPoint(), point);
        const Decision d = rm.history().back();
        QCOMPARE(d.policy, std::string("energy"));
        QVERIFY2(contains(d.reason, "lowest energy") &&
                     contains(d.reason, reasonPart.toStdString().c_str()),
                 d.reason.c_str());
        QCOMPARE(d.operatingPointName, dvfsTable().level(level).operatingPoints[point].name);
    }

    /// Libraries: the least energy per inference over (library, level, point). Above the floor
    /// only level 6 is allowed: one thread (3 W × 46 ms = 138 mJ) beats two (5 W × 34.5 ms =
    /// 172.5 mJ) when both fit, two threads when only they fit.
    void choosesTheMappingByEnergy()
    {
        FakeClock clock;
        RuntimeManager::Options o;
        o.clock = clock.clock();
        Targets t = latency(50);
        t.minAccuracy = 78;
        RuntimeManager rm(mappedLadder(5000), t, std::make_unique<EnergyPolicy>(), o);
        QCOMPARE(rm.level(), 6);
        QCOMPARE(rm.history().back().operatingPointName, std::string("1 thread, cores 0"));
        t.latencyMs = 40;
        rm.setTargets(t);
        QVERIFY(rm.poll());
        QCOMPARE(rm.history().back().operatingPointName, std::string("2 threads, cores 0-1"));
        QVERIFY2(contains(rm.history().back().reason, "172.5 mJ"),
                 rm.history().back().reason.c_str());
    }

    void nothingFeasibleFallsBackAndSaysSo()
    {
        FakeClock clock;
        RuntimeManager rm = energy(targetsOf(30, 3.0, 0), clock);  // 30 ms needs 6 W
        // Fastest within the power target: level 0 at 600 MHz (35 ms, 2.5 W).
        QCOMPARE(rm.level(), 0);
        QCOMPARE(rm.operatingPoint(), 1);
        QVERIFY2(contains(rm.history().back().reason, "fallback: fastest meeting power ≤ 3 W"),
                 rm.history().back().reason.c_str());
    }

    void observedSlowdownMovesToAFasterPoint()
    {
        FakeClock clock;
        RuntimeManager rm = energy(targetsOf(40, 0, 0), clock);
        QCOMPARE(rm.operatingPoint(), 1);  // level 0 at 600 MHz, 35 ms
        // Frames at the point's own latency (35 ms), then a co-runner makes every pair 1.3×
        // slower than its profile.
        const LevelTable table = dvfsTable();
        auto frames = [&](int n, double factor) {
            for (int i = 0; i < n; ++i) {
                const double ms = table.level(rm.level())
                                      .operatingPoints[std::size_t(rm.operatingPoint())]
                                      .latencyMs *
                                  factor;
                clock.advanceMs(ms);
                rm.observe(FrameObservation{clock.nowNs, ms, rm.level(), 0});
            }
        };
        frames(20, 1.0);
        QCOMPARE(rm.operatingPoint(), 1);
        frames(10, 1.3);
        QCOMPARE(rm.level(), 0);
        QCOMPARE(rm.operatingPoint(), 0);  // 1.1 GHz: 26 ms with the slowdown
        const std::string reason = rm.history().back().reason;
        QVERIFY2(contains(reason, "slowdown ×1.30") &&
                     contains(reason,
                              "level 0 @ GPU 1.1 GHz: profile 20.0 ms × 1.30 = 26.0 ms "
                              "(scale learned at level 0 @ GPU 600 MHz)"),
                 reason.c_str());
        const std::uint64_t decisions = rm.decisionCount();
        frames(50, 1.3);  // 26 ms fits: it stays
        QCOMPARE(rm.decisionCount(), decisions);
    }

    void observedPowerOverTargetMovesDown()
    {
        FakeClock clock;
        RuntimeManager rm = energy(targetsOf(50, 7.0, 74), clock);
        QCOMPARE(rm.level(), 1);
        QCOMPARE(rm.operatingPoint(), 0);  // 30 ms, 6.5 W
        for (int i = 0; i < 5; ++i)
            rm.observePower(PowerObservation{clock.nowNs, 7800});  // 1.2× the profile
        for (int i = 0; i < 10; ++i) {
            clock.advanceMs(30);
            rm.observe(FrameObservation{clock.nowNs, 30, rm.level(), 0});
        }
        // 6.5 W × 1.2 = 7.8 W breaks 7 W; 600 MHz at 2.8 W × 1.2 = 3.36 W but 52 ms > 50:
        // nothing meets everything, fastest within floor and power is level 1 at 600 MHz.
        QCOMPARE(rm.level(), 1);
        QCOMPARE(rm.operatingPoint(), 1);
        QVERIFY2(contains(rm.history().back().reason, "power 7.80 W > target 7 W"),
                 rm.history().back().reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestEnergyPolicy)
#include "tst_energy_policy.moc"
