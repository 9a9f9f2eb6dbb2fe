// SPDX-License-Identifier: MIT
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "allocation_counter.h"
#include "runtime/joint_policy.h"
#include "runtime/lookup_table_policy.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "runtime_fixtures.h"

using namespace dofa;
using namespace dofa::test;

/// The manager itself: decisions and history, policy switch, threading contract, per-frame cost.
class TestRuntimeManager : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decisionsCarryStructuredFields()
    {
        FakeClock clock;
        RuntimeManager::Options o;
        o.clock = clock.clock();
        RuntimeManager rm(nets6(), latency(50), std::make_unique<LookupTablePolicy>(), o);
        const Decision d = rm.history().front();
        QCOMPARE(d.tNs, clock.nowNs);
        QCOMPARE(d.fromLevel, -1);
        QCOMPARE(d.toLevel, 2);
        QCOMPARE(d.toOperatingPoint, -1);
        QCOMPARE(d.policy, std::string("lookup"));
        QCOMPARE(d.cause, DecisionCause::Start);
        QCOMPARE(std::string(causeName(d.cause)), std::string("start"));
    }

    void historyIsBounded()
    {
        FakeClock clock;
        RuntimeManager::Options o;
        o.clock = clock.clock();
        o.historyCapacity = 4;
        RuntimeManager rm(nets6(), latency(50), std::make_unique<LookupTablePolicy>(), o);
        for (int i = 0; i < 10; ++i) {
            clock.advanceMs(100);
            rm.setTargets(latency(i % 2 ? 50 : 60));
            rm.poll();
        }
        const auto h = rm.history();
        QCOMPARE(int(h.size()), 4);
        QCOMPARE(rm.decisionCount(), std::uint64_t(11));
        QCOMPARE(h.back().tNs, clock.nowNs);
        QVERIFY(h.front().tNs < h.back().tNs);
    }

    void switchesPolicyAtRunTime()
    {
        FakeClock clock;
        RuntimeManager::Options o;
        o.clock = clock.clock();
        RuntimeManager rm(ladder(), latency(50), std::make_unique<LookupTablePolicy>(), o);
        Noise noise(41);
        for (int i = 0; i < 30; ++i)
            runFrame(rm, clock, 1.6, noise, 0.0);
        QCOMPARE(rm.level(), 6);  // the lookup table does not react
        rm.setPolicy(std::make_unique<ReactivePolicy>());
        QCOMPARE(rm.history().back().cause, DecisionCause::PolicySwitch);
        QCOMPARE(rm.history().back().policy, std::string("reactive"));
        for (int i = 0; i < 10; ++i)
            runFrame(rm, clock, 1.6, noise, 0.0);
        QCOMPARE(rm.level(), 2);
        QCOMPARE(std::string(rm.policy().name()), std::string("reactive"));
    }

    void rejectsWhatItCannotManage()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 RuntimeManager(nets6(), Targets{}, nullptr));
        std::vector<ManagedModel> two{{"a", nets6(), Targets{}}, {"b", nets7(), Targets{}}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 RuntimeManager(two, std::make_unique<ReactivePolicy>()));
        RuntimeManager rm(two, std::make_unique<JointPolicy>());
        QCOMPARE(rm.modelCount(), 2);
        QCOMPARE(rm.modelName(1), std::string("b"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 rm.setPolicy(std::make_unique<LookupTablePolicy>()));
    }

    /// Targets set from a GUI thread while the worker observes: every set lands, and the last
    /// one is what the worker ends with.
    void targetsFromAnotherThread()
    {
        RuntimeManager rm(ladder(), latency(50), std::make_unique<ReactivePolicy>());
        std::atomic<bool> done{false};
        std::thread gui([&] {
            for (int i = 0; i < 2000; ++i)
                rm.setTargets(latency(i % 2 ? 30 : 50));
            rm.setTargets(latency(27));
            done = true;
        });
        std::int64_t t = 0;
        while (!done.load()) {
            rm.observe(FrameObservation{++t, rm.table().latencyMs(rm.level()), rm.level(), 0});
            (void)rm.history();
        }
        gui.join();
        rm.poll();
        QCOMPARE(*rm.targets().latencyMs, 27.0);
        QCOMPARE(rm.level(), 1);  // 26 ms
    }

    void perFrameIsAllocationFreeAndCheap()
    {
        FakeClock clock;
        RuntimeManager::Options o;
        o.clock = clock.clock();
        RuntimeManager rm(ladder(), latency(50), std::make_unique<ReactivePolicy>(), o);
        Noise noise(42);
        std::vector<FrameObservation> frames;
        for (int i = 0; i < 20000; ++i) {
            const double ms = 46 * (1 + 0.05 * noise.next());
            frames.push_back({1'000'000'000 + i * 46'000'000LL, ms, 6, 0});
        }
        const std::uint64_t before = rm.decisionCount();
        g_allocations = 0;
        g_countAllocations = true;
        const auto start = std::chrono::steady_clock::now();
        for (const FrameObservation& f : frames) {
            clock.nowNs = f.tNs;
            rm.observe(f);
        }
        const auto elapsed = std::chrono::steady_clock::now() - start;
        g_countAllocations = false;
        QCOMPARE(rm.decisionCount(), before);  // steady state: no decision
        QCOMPARE(g_allocations.load(), 0L);
        const double us =
            std::chrono::duration<double, std::micro>(elapsed).count() / double(frames.size());
        qInfo("reactive observe(): %.3f µs per frame (not asserted)", us);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeManager)
#include "tst_runtime_manager.moc"
