// SPDX-License-Identifier: MIT
#include <QtTest>
#include <atomic>

#include "allocation_counter.h"
#include "runtime/level_latency_model.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/runtime_manager.h"
#include "runtime_fixtures.h"

using namespace dofa;
using namespace dofa::test;

namespace {

constexpr std::int64_t kMs = 1'000'000;

/// Levels a factor 2 apart: 2, 4, 8, 16, 32 ms.
LevelTable doubling()
{
    return tableOf({{70, 2}, {72, 4}, {74, 8}, {76, 16}, {78, 32}});
}

/// `n` frames of `ms` at (level, point), 33 ms apart from `t`; returns the time after them.
std::int64_t feed(LevelLatencyModel& model, int level, int point, double ms, int n, std::int64_t t)
{
    for (int i = 0; i < n; ++i) {
        t += 33 * kMs;
        model.observe(level, point, ms, t);
    }
    return t;
}

}  // namespace

/// What a level takes, learnt per level (and operating point) with the profile as the prior.
class TestLevelLatencyModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void profileWhenNothingIsKnown()
    {
        const LevelLatencyModel model(doubling());
        const LatencyPrediction p = model.predict(2, -1, 0);
        QCOMPARE(p.source, LatencySource::Prior);
        QCOMPARE(p.ms, 8.0);
        QCOMPARE(p.scale, 1.0);
        QCOMPARE(model.describe(2, -1, 0), std::string("level 2: profile 8.0 ms"));
        QCOMPARE(model.predict(9, -1, 0).ms, 0.0);  // not in the table
    }

    void ownRecordWins()
    {
        LevelLatencyModel model(doubling());
        std::int64_t t = feed(model, 2, -1, 10.5, 4, 0);
        // Four frames are not a record yet, and nothing else is known.
        QCOMPARE(model.predict(2, -1, t).source, LatencySource::Prior);
        t = feed(model, 2, -1, 10.5, 8, t);
        t = feed(model, 1, -1, 2.0, 5, t);  // level 1 runs at half its profile
        const LatencyPrediction p = model.predict(2, -1, t);
        QCOMPARE(p.source, LatencySource::Own);
        QCOMPARE(p.ms, 10.5);  // its own, not level 1's ratio × 8 ms
        QCOMPARE(p.samples, 12);
        QCOMPARE(model.describe(2, -1, t), std::string("level 2: learned p50 10.5 ms (12 frames)"));
        QCOMPARE(model.knownCount(t), 2);
    }

    /// With P90 a level is judged on nearly every frame, on the p90 of its record (and of its
    /// profile), not on its typical frame. Below kMinTailSamples frames the p90 would be the
    /// slowest frame, so the median stands in, and the reason says so.
    void tailOfTheRecordDecides()
    {
        LevelTable table = doubling();
        std::vector<RuntimeLevel> levels;
        for (int l = 0; l < table.size(); ++l) {
            RuntimeLevel level = table.level(l);
            level.latencyP90Ms = level.latencyMeanMs * 1.5;
            levels.push_back(level);
        }
        LatencyModelConfig tail;
        tail.statistic = WindowStatistic::P90;
        LevelLatencyModel model(LevelTable(levels), tail);
        QCOMPARE(model.predict(2, -1, 0).ms, 12.0);  // the profile's p90
        // Level 2: four frames of 8 ms, then one of 16 ms, repeated.
        std::int64_t t = 0;
        for (int i = 0; i < 8; ++i)
            t = feed(model, 2, -1, i % 5 == 4 ? 16.0 : 8.0, 1, t);
        QCOMPARE(model.predict(2, -1, t).ms, 8.0);  // 8 frames: the median
        QCOMPARE(model.describe(2, -1, t), std::string("level 2: learned p50 8.0 ms (8 frames)"));
        for (int i = 8; i < 15; ++i)
            t = feed(model, 2, -1, i % 5 == 4 ? 16.0 : 8.0, 1, t);
        // 15 frames, three of them 16 ms: p90 at rank 12.6 of 0..14 is 16 ms.
        QCOMPARE(model.predict(2, -1, t).ms, 16.0);
        QCOMPARE(model.predict(2, -1, t).scale, 16.0 / 12.0);
        QCOMPARE(model.describe(2, -1, t), std::string("level 2: learned p90 16.0 ms (15 frames)"));
        QCOMPARE(model.changeCount(), std::uint64_t(0));  // the slow frames are no load change
        // With medians (the default), the same record says 8 ms: the level would be taken for a
        // 10 ms target.
        LevelLatencyModel typical{LevelTable(levels)};
        t = 0;
        for (int i = 0; i < 15; ++i)
            t = feed(typical, 2, -1, i % 5 == 4 ? 16.0 : 8.0, 1, t);
        QCOMPARE(typical.predict(2, -1, t).ms, 8.0);
        QCOMPARE(typical.predict(3, -1, 0).ms, 16.0);  // and its prior is the profile's mean
    }

    void scaledInterpolatesInLogLatency()
    {
        LevelLatencyModel model(doubling());
        std::int64_t t = feed(model, 0, -1, 4.0, 5, 0);  // ×2
        t = feed(model, 3, -1, 16.0, 5, t);              // ×1
        // Level 1 is a third of the way from level 0 to level 3 in log latency, level 2 two.
        const LatencyPrediction p1 = model.predict(1, -1, t);
        QCOMPARE(p1.source, LatencySource::Scaled);
        QVERIFY(qFuzzyCompare(p1.scale, 2.0 - 1.0 / 3));
        QVERIFY(qFuzzyCompare(p1.ms, 4 * (2.0 - 1.0 / 3)));
        QCOMPARE(p1.fromLevel[0], 0);
        QCOMPARE(p1.fromLevel[1], 3);
        QVERIFY(qFuzzyCompare(model.predict(2, -1, t).scale, 1.0 + 1.0 / 3));
        QCOMPARE(model.describe(2, -1, t),
                 std::string("level 2: profile 8.0 ms × 1.33 = 10.7 ms (scale learned at levels "
                             "0, 3)"));
        // Beyond the known levels: the nearest one's ratio.
        const LatencyPrediction p4 = model.predict(4, -1, t);
        QCOMPARE(p4.scale, 1.0);
        QCOMPARE(p4.fromLevel[0], 3);
        QCOMPARE(p4.fromLevel[1], -1);
        QCOMPARE(model.describe(4, -1, t),
                 std::string("level 4: profile 32.0 ms × 1.00 = 32.0 ms (scale learned at "
                             "level 3)"));
    }

    void staleRecordsAreIgnoredThenRestarted()
    {
        LevelLatencyModel model(doubling());  // maxAgeMs 30000
        const std::int64_t t = feed(model, 1, -1, 6.0, 8, 0);
        QCOMPARE(model.predict(1, -1, t + 30000 * kMs).source, LatencySource::Own);
        QCOMPARE(model.predict(2, -1, t + 30000 * kMs).ms, 12.0);  // scaled ×1.5
        QCOMPARE(model.predict(1, -1, t + 30001 * kMs).source, LatencySource::Prior);
        QCOMPARE(model.predict(2, -1, t + 30001 * kMs).ms, 8.0);
        // Running again, it starts afresh: the old frames are about other times.
        model.observe(1, -1, 4.0, t + 40000 * kMs);
        QCOMPARE(model.samples(1, -1), 1);
        QCOMPARE(model.changeCount(), std::uint64_t(0));
    }

    void loadChangeAtTheRunningLevelDropsTheOthers()
    {
        LevelLatencyModel model(doubling());
        std::int64_t t = feed(model, 3, -1, 16.0, 6, 0);  // level 3 seen at its profile
        t = feed(model, 1, -1, 4.0, 16, t);               // running: level 1 at its profile
        QCOMPARE(model.knownCount(t), 2);
        // A co-runner: level 1 takes 1.6× from now on. Two frames change nothing yet.
        t = feed(model, 1, -1, 6.4, 2, t);
        QCOMPARE(model.changeCount(), std::uint64_t(0));
        QCOMPARE(model.samples(3, -1), 6);
        // The third makes the newest five's p50 6.4 ms against 4 ms: conditions changed.
        t = feed(model, 1, -1, 6.4, 1, t);
        QCOMPARE(model.changeCount(), std::uint64_t(1));
        QCOMPARE(model.samples(3, -1), 0);  // dropped: measured under the old conditions
        QCOMPARE(model.samples(1, -1), 3);  // restarted from its new-regime frames only
        const LatencyChange& c = model.lastChange();
        QCOMPARE(c.level, 1);
        QCOMPARE(c.beforeMs, 4.0);
        QCOMPARE(c.afterMs, 6.4);
        QCOMPARE(c.tNs, t);
        // Known again after minSamples new frames, and it scales the rest.
        t = feed(model, 1, -1, 6.4, 2, t);
        QCOMPARE(model.predict(1, -1, t).source, LatencySource::Own);
        QCOMPARE(model.predict(1, -1, t).ms, 6.4);
        QVERIFY(qFuzzyCompare(model.predict(3, -1, t).ms, 16 * 1.6));
    }

    void smallDriftIsNotAChange()
    {
        LevelLatencyModel model(doubling());
        std::int64_t t = feed(model, 3, -1, 16.0, 6, 0);
        t = feed(model, 1, -1, 4.0, 16, t);
        t = feed(model, 1, -1, 4.8, 16, t);  // ×1.2 < ×1.25: the record just follows
        QCOMPARE(model.changeCount(), std::uint64_t(0));
        QCOMPARE(model.samples(3, -1), 6);
        QCOMPARE(model.predict(1, -1, t).ms, 4.8);
        // Faster by ÷1.3 is a change too.
        t = feed(model, 1, -1, 4.8 / 1.3, 3, t);
        QCOMPARE(model.changeCount(), std::uint64_t(1));
    }

    void operatingPointsHaveTheirOwnRecords()
    {
        std::vector<RuntimeLevel> levels = doubling().levels();
        levels[1].operatingPoints = {{"fast", {{"gpu.max_khz", "1100000"}}, 4, 6000.0, {}},
                                     {"slow", {{"gpu.max_khz", "600000"}}, 7, 2500.0, {}}};
        LatencyModelConfig tail;
        tail.statistic = WindowStatistic::P90;
        LevelLatencyModel model(LevelTable(levels), tail);
        const std::int64_t t = feed(model, 1, 1, 10.5, 5, 0);  // "slow" at ×1.5
        QCOMPARE(model.samples(1, 1), 5);
        QCOMPARE(model.samples(1, 0), 0);
        QCOMPARE(model.samples(1, -1), 0);
        QCOMPARE(model.predict(1, 1, t).source, LatencySource::Own);
        // The other points of the level, and the level's own profile, are scaled from it.
        const LatencyPrediction fast = model.predict(1, 0, t);
        QCOMPARE(fast.source, LatencySource::Scaled);
        QCOMPARE(fast.ms, 6.0);
        QCOMPARE(fast.fromPoint[0], 1);
        QCOMPARE(model.describe(1, 0, t),
                 std::string("level 1 @ fast: profile 4.0 ms × 1.50 = 6.0 ms (scale learned at "
                             "level 1 @ slow)"));
        model.observe(1, 5, 1.0, t);  // no such point: ignored
        QCOMPARE(model.samples(1, 5), 0);
    }

    void rejectsBadConfig()
    {
        LatencyModelConfig c;
        c.minSamples = 20;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LevelLatencyModel(doubling(), c));
        c = {};
        c.maxAgeMs = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LevelLatencyModel(doubling(), c));
    }

    void observeAndPredictDoNotAllocate()
    {
        const LevelTable table = doubling();
        LevelLatencyModel model(table);
        Noise noise(3);
        std::int64_t t = 0;
        double sum = 0;
        g_allocations = 0;
        g_countAllocations = true;
        for (int i = 0; i < 5000; ++i) {
            t += 33 * kMs;
            const int level = (i / 100) % 5;  // level changes and load changes on the way
            const double factor = (i / 700) % 2 ? 1.6 : 1.0;
            model.observe(level, -1, table.latencyMs(level) * factor * (1 + 0.05 * noise.next()),
                          t);
            sum += model.predict((level + 2) % 5, -1, t).ms;
        }
        g_countAllocations = false;
        QCOMPARE(g_allocations.load(), 0L);
        QVERIFY(sum > 0 && model.changeCount() > 0);
    }

    /// The manager feeds it: the frame's level at the operating point it ran at, and keeps what
    /// was learnt across target changes (they say nothing about the hardware).
    void managerFeedsItAndTargetsDoNotEraseIt()
    {
        std::vector<RuntimeLevel> levels = nets6().levels();
        levels[3].operatingPoints = {{"A", {{"gpu.max_khz", "1"}}, 51, 4000.0, {}},
                                     {"B", {{"gpu.max_khz", "2"}}, 60, 3000.0, {}}};
        FakeClock clock;
        RuntimeManager::Options o;
        o.clock = clock.clock();
        RuntimeManager rm(LevelTable(levels), latency(55), std::make_unique<LookupTablePolicy>(),
                          o);
        QCOMPARE(rm.level(), 3);
        QCOMPARE(rm.operatingPoint(), 0);  // A: 51 ms fits, more energy than B but B is 60 ms
        for (int i = 0; i < 6; ++i) {
            clock.advanceMs(40);
            rm.observe(FrameObservation{clock.nowNs, 40, 3, 0});
        }
        QCOMPARE(rm.latencyModel().samples(3, 0), 6);
        rm.setTargets(latency(100));  // B (60 ms, less energy) is not the most accurate either
        QVERIFY(rm.poll());
        QCOMPARE(rm.level(), 5);
        // A frame still at level 3 (the switch not applied yet) ran at A; one of a level that
        // is neither the current nor the previous one is not learnt.
        clock.advanceMs(40);
        rm.observe(FrameObservation{clock.nowNs, 40, 3, 0});
        rm.observe(FrameObservation{clock.nowNs, 40, 1, 0});
        QCOMPARE(rm.latencyModel().samples(3, 0), 7);
        QCOMPARE(rm.latencyModel().samples(1, -1), 0);
        // The lookup's next decision uses it, and says so.
        rm.setTargets(latency(45));
        QVERIFY(rm.poll());
        const std::string reason = rm.history().back().reason;
        QVERIFY2(contains(reason, "scale learned at level 3 @ A"), reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLevelLatencyModel)
#include "tst_level_latency_model.moc"
