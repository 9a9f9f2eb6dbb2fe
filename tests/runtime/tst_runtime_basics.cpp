// SPDX-License-Identifier: MIT
#include <QtTest>

#include "runtime/decision_history.h"
#include "runtime/level_table.h"
#include "runtime/sample_window.h"
#include "runtime/targets.h"
#include "runtime_fixtures.h"

using namespace dofa;
using namespace dofa::test;

/// The building blocks: level table validation, energy, windows, the decision ring, targets.
class TestRuntimeBasics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tableRejectsBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LevelTable(std::vector<RuntimeLevel>{}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tableOf({{70, 30}, {72, 20}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tableOf({{70, 0}}));
        auto bad = makeLevel(70, 20, -5.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LevelTable(std::vector<RuntimeLevel>{bad}));
        try {
            tableOf({{70, 30}, {72, 20}});
        } catch (const std::invalid_argument& e) {
            QVERIFY2(contains(e.what(), "level 1"), e.what());
        }
        const LevelTable t = nets6();
        QCOMPARE(t.size(), 6);
        QCOMPARE(t.latencyMs(2), 49.44);
        QVERIFY(!t.hasOperatingPoints());
    }

    void energyPerInference()
    {
        RuntimeLevel l = makeLevel(75, 40, 5000.0);  // 5 W × 40 ms = 200 mJ
        QCOMPARE(*energyPerInferenceMj(l, -1), 200.0);
        l.energyMj = 180.0;  // measured wins over the product
        QCOMPARE(*energyPerInferenceMj(l, -1), 180.0);
        l.operatingPoints.push_back(
            OperatingPoint{"slow", {{"gpu.max_khz", "600000"}}, 60, 2000.0, {}});
        QCOMPARE(*energyPerInferenceMj(l, 0), 120.0);
        QVERIFY(!energyPerInferenceMj(makeLevel(75, 40), -1));
    }

    void windowStatistics()
    {
        SampleWindow w(4);
        QCOMPARE(w.median(), 0.0);
        w.push(10);
        w.push(30);
        w.push(20);
        QCOMPARE(w.median(), 20.0);
        QCOMPARE(w.mean(), 20.0);
        w.push(100);
        QCOMPARE(w.median(), 25.0);  // (20 + 30) / 2
        QVERIFY(w.full());
        w.push(40);  // slides: 30 20 100 40
        QCOMPARE(w.size(), 4);
        QCOMPARE(w.median(), 35.0);
        QCOMPARE(w.mean(), 47.5);
        QCOMPARE(w.statistic(WindowStatistic::Mean), 47.5);
        w.clear();
        QCOMPARE(w.size(), 0);
        w.push(7);
        QCOMPARE(w.median(), 7.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SampleWindow(0));
    }

    /// p90 by linear interpolation (numpy's default), as LatencyStats; the median below
    /// kMinTailSamples samples, where a p90 would be the slowest frame.
    void windowP90()
    {
        SampleWindow w(12);
        for (int v = 1; v <= 9; ++v)
            w.push(v);
        QCOMPARE(effectiveStatistic(WindowStatistic::P90, 9), WindowStatistic::Median);
        QCOMPARE(w.statistic(WindowStatistic::P90), 5.0);
        w.push(10);  // 1..10: rank 0.9 × 9 = 8.1 → 9 + 0.1 × (10 − 9)
        QCOMPARE(effectiveStatistic(WindowStatistic::P90, 10), WindowStatistic::P90);
        QVERIFY(qFuzzyCompare(w.statistic(WindowStatistic::P90), 9.1));
        for (int v = 11; v <= 14; ++v)  // slid: 3..14, rank 9.9 → 12 + 0.9
            w.push(v);
        QVERIFY(qFuzzyCompare(w.statistic(WindowStatistic::P90), 12.9));
        QVERIFY(qFuzzyCompare(w.recentStatistic(WindowStatistic::P90, 10), 13.1));  // 5..14
        QCOMPARE(w.recentStatistic(WindowStatistic::P90, 5), 12.0);  // median of 10..14
        QCOMPARE(std::string(statisticName(WindowStatistic::P90)), std::string("p90"));
        QCOMPARE(effectiveStatistic(WindowStatistic::Mean, 1), WindowStatistic::Mean);
    }

    /// What the latency model compares and keeps when it sees a load change.
    void windowNewestAndOlder()
    {
        SampleWindow w(5);
        for (double v : {1, 2, 3, 4, 5, 6, 7})  // slid: 3 4 5 6 7
            w.push(v);
        QCOMPARE(w.newest(0), 7.0);
        QCOMPARE(w.newest(4), 3.0);
        QCOMPARE(w.newest(5), 0.0);
        QCOMPARE(w.recentStatistic(WindowStatistic::Median, 2), 6.5);
        QCOMPARE(w.olderStatistic(WindowStatistic::Median, 2), 4.0);  // 3 4 5
        QCOMPARE(w.olderStatistic(WindowStatistic::Mean, 3), 3.5);    // 3 4
        QCOMPARE(w.olderStatistic(WindowStatistic::Mean, 5), 0.0);
        w.keepNewest(2);  // 6 7, in order
        QCOMPARE(w.size(), 2);
        QCOMPARE(w.newest(0), 7.0);
        QCOMPARE(w.newest(1), 6.0);
        w.push(8);
        QCOMPARE(w.newest(2), 6.0);
        QCOMPARE(w.median(), 7.0);
        w.keepNewest(9);  // more than held: all kept
        QCOMPARE(w.size(), 3);
    }

    void historyIsABoundedRing()
    {
        DecisionHistory h(3);
        for (int i = 0; i < 5; ++i) {
            Decision d;
            d.toLevel = i;
            h.append(d);
        }
        const auto snap = h.snapshot();
        QCOMPARE(int(snap.size()), 3);
        QCOMPARE(snap[0].toLevel, 2);  // oldest kept first
        QCOMPARE(snap[2].toLevel, 4);
        QCOMPARE(h.total(), std::uint64_t(5));
    }

    void targetsDescribeTheirNumbers()
    {
        Targets t;
        QCOMPARE(t.describe(), std::string("no targets"));
        t.latencyMs = 40;
        t.powerW = 5.5;
        t.minAccuracy = 76.1;
        const std::string s = t.describe();
        QVERIFY2(contains(s, "40 ms") && contains(s, "5.5 W") && contains(s, "76.1 %"), s.c_str());
        Targets u = t;
        QVERIFY(u == t);
        u.objective = Objective::LowestEnergy;
        QVERIFY(u != t);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeBasics)
#include "tst_runtime_basics.moc"
