// SPDX-License-Identifier: MIT
// The SIMULATED governor model (SimulatedGovernor) on scripted utilisation, and the board running
// it on a scripted clock: frequency decisions, frames integrated over them, the energy meter and
// the cpu.policy0.governor knob. Deterministic: no real time is measured or slept.
#include <QtTest>

#include "platform/knob_guard.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "platform/simulated_governor.h"

using namespace dofa;
using namespace std::chrono_literals;
using G = SimulatedGovernor::Kind;
using P = SimulatedBoard::Processor;

namespace {

const std::vector<std::int64_t>& table()
{
    return SimulatedBoard::cpuTableKhz();
}
const std::int64_t kLo = 115200;
const std::int64_t kHi = 1907200;

/// A board on a scripted clock whose sleeper advances that clock, CPU fully loaded while busy.
struct ScriptedBoard
{
    std::shared_ptr<SimulatedBoard> board = std::make_shared<SimulatedBoard>();
    std::shared_ptr<std::int64_t> now = std::make_shared<std::int64_t>(0);

    explicit ScriptedBoard(G kind)
    {
        board->setClock([t = now] { return *t; });
        board->setSleeper([t = now](std::chrono::nanoseconds d) { *t += d.count(); });
        board->setLoad(P::Cpu, 1000);
        board->setGovernor(kind);
    }
    /// Idle until `t` ns, then the governor's decisions so far are made (energyMj reads time).
    void idleUntil(std::int64_t t)
    {
        *now = t;
        (void)board->energyMj();
    }
    /// A frame that took `ms` on the host (f_max) ending now + ms; returns the injected delay.
    std::int64_t frame(double ms)
    {
        const auto d = std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6));
        *now += d.count();
        return board->injectDelay(d, P::Cpu).count();
    }
};

}  // namespace

class TestSimulatedGovernor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void names()
    {
        QCOMPARE(SimulatedGovernor::names().size(), std::size_t(4));
        for (const std::string& n : SimulatedGovernor::names()) {
            const auto k = SimulatedGovernor::fromName(n);
            QVERIFY(k);
            QCOMPARE(std::string(SimulatedGovernor::name(*k)), n);
        }
        QVERIFY(!SimulatedGovernor::fromName("turbo"));
        QVERIFY(!SimulatedGovernor::fromName("Performance"));
        QVERIFY(!SimulatedGovernor(G::Performance).isDynamic());
        QVERIFY(SimulatedGovernor(G::Schedutil).isDynamic());
    }

    void performanceAndPowersaveIgnoreLoad()
    {
        SimulatedGovernor perf(G::Performance), save(G::Powersave);
        for (const double busy : {0.0, 0.3, 1.0}) {
            QCOMPARE(perf.decide(busy, kLo, kLo, kHi, table()), kHi);
            QCOMPARE(perf.decide(busy, kLo, kLo, 1190400, table()), 1190400);  // max bound
            QCOMPARE(save.decide(busy, kHi, kLo, kHi, table()), kLo);
            QCOMPARE(save.decide(busy, kHi, 499200, kHi, table()), 499200);  // min bound
        }
    }

    void ondemandJumpsAboveThresholdElseProportional_data()
    {
        QTest::addColumn<double>("busy");
        QTest::addColumn<qint64>("maxBound");
        QTest::addColumn<qint64>("expected");
        // f_lo + busy (f_hi - f_lo), the closest table step (115200 + k 76800).
        QTest::addRow("idle") << 0.0 << qint64(kHi) << qint64(kLo);
        QTest::addRow("half: 1011200 -> 1036800") << 0.5 << qint64(kHi) << qint64(1036800);
        QTest::addRow("at threshold: 1548800 -> 1574400") << 0.80 << qint64(kHi) << qint64(1574400);
        QTest::addRow("above threshold: max") << 0.81 << qint64(kHi) << qint64(kHi);
        QTest::addRow("above threshold, capped") << 0.95 << qint64(1190400) << qint64(1190400);
        QTest::addRow("proportional, capped") << 0.75 << qint64(1190400) << qint64(1190400);
        QTest::addRow("busy over 1 clamps") << 7.0 << qint64(kHi) << qint64(kHi);
    }
    void ondemandJumpsAboveThresholdElseProportional()
    {
        QFETCH(double, busy);
        QFETCH(qint64, maxBound);
        QFETCH(qint64, expected);
        SimulatedGovernor g(G::Ondemand);
        // Not frequency-invariant: the current clock does not matter.
        QCOMPARE(qint64(g.decide(busy, kLo, kLo, maxBound, table())), expected);
        QCOMPARE(qint64(g.decide(busy, kHi, kLo, maxBound, table())), expected);
    }

    void schedutilFollowsInvariantUtilisation()
    {
        SimulatedGovernor g(G::Schedutil);
        const double d = std::pow(0.5, 10.0 / 32.0);
        // Fully busy at f_max from no history: util = 1 - d = 0.1946; 1.25 f_hi util = 463.9 MHz,
        // the lowest step at or above it is 499.2 MHz.
        std::int64_t f = g.decide(1.0, kHi, kLo, kHi, table());
        QCOMPARE(f, 499200);
        QVERIFY(std::abs(g.utilisation() - (1 - d)) < 1e-12);
        // Fully busy at 499.2 MHz is only 26 % of the work f_max does: util climbs slowly,
        // 0.2076, 1.25 f_hi util = 495.0 MHz, the same step.
        const double u2 = (1 - d) * d + (499200.0 / kHi) * (1 - d);
        f = g.decide(1.0, f, kLo, kHi, table());
        QVERIFY(std::abs(g.utilisation() - u2) < 1e-12);
        QCOMPARE(f, 499200);
        // Kept fully busy it climbs to f_max and stays there, never going down.
        std::int64_t last = f;
        for (int i = 0; i < 200; ++i) {
            f = g.decide(1.0, f, kLo, kHi, table());
            QVERIFY(f >= last);
            last = f;
        }
        QCOMPARE(f, kHi);
        // A 40 % duty cycle at f_max settles where 1.25 x 0.4 of f_max is: 953.6 MHz.
        for (int i = 0; i < 400; ++i) {
            f = g.decide(0.4 * kHi / static_cast<double>(f), f, kLo, kHi, table());
        }
        QVERIFY2(std::abs(g.utilisation() - 0.4) < 1e-6,
                 qPrintable(QString::number(g.utilisation())));
        QCOMPARE(f, 960000);  // lowest step >= 953600
        // Idle, it decays to the minimum (and to the min bound when one is set).
        for (int i = 0; i < 200; ++i) {
            f = g.decide(0.0, f, kLo, kHi, table());
        }
        QCOMPARE(f, kLo);
        QCOMPARE(g.decide(0.0, f, 499200, kHi, table()), 499200);
    }

    void boardOndemandIntegratesAFrameOverItsDecisions()
    {
        ScriptedBoard s(G::Ondemand);
        QCOMPARE(s.board->governor(), G::Ondemand);
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kHi);  // starts where the clock was
        s.idleUntil(100'000'000);
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kLo);  // idle periods: f_lo
        // 2 ms of host work from 100 ms: [100, 110) at 115.2 MHz does 0.604 ms of it; that
        // period was 100 % busy (> 80 %), so from 110 ms it runs at f_max: ends at 111.396 ms.
        const std::int64_t extra = s.frame(2.0);
        const double remaining = 2e6 - 1e7 * double(kLo) / double(kHi);
        const double expected = 110e6 + remaining - 102e6;
        QVERIFY2(std::abs(double(extra) - expected) <= 2, qPrintable(QString::number(extra)));
        QCOMPARE(*s.now, 102'000'000 + extra);  // slept through the sleeper
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kHi);
        // The next idle period (110..120 has the frame's 1.4 ms: 14 %) brings it down again.
        s.idleUntil(130'000'000);
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kLo);
    }

    void boardGovernorsOrderLatency()
    {
        // The same frame after the same idle: fixed clocks stretch by f_max / f; ondemand jumps
        // to f_max after one busy period; schedutil's invariant utilisation grows by f / f_max
        // per busy period, so from an idle past a short frame ends before it leaves f_lo, while
        // a long one sees it climb.
        auto delay = [](G kind, double ms) {
            ScriptedBoard s(kind);
            s.idleUntil(100'000'000);
            return double(s.frame(ms));
        };
        const double stretch = double(kHi) / double(kLo) - 1;
        QCOMPARE(delay(G::Performance, 2.0), 0.0);
        QVERIFY(std::abs(delay(G::Powersave, 2.0) - 2e6 * stretch) <= 2);
        const double ondemand = delay(G::Ondemand, 2.0), schedutil = delay(G::Schedutil, 2.0);
        QVERIFY2(ondemand < schedutil, qPrintable(QString("%1 %2").arg(ondemand).arg(schedutil)));
        QVERIFY(std::abs(schedutil - 2e6 * stretch) <= 2);
        const double longFrame = delay(G::Schedutil, 20.0);
        QVERIFY2(longFrame < 0.9 * 20e6 * stretch, qPrintable(QString::number(longFrame)));
        QVERIFY(delay(G::Ondemand, 20.0) < longFrame);
    }

    void energyMeterChargesBusyTimeAtItsClock()
    {
        // 10 frames of 2 ms (at f_max) every 50 ms: static rails 3200 mW for 500 ms, CPU term
        // 4500 mW x (f / f_max)^3 for the busy time only.
        auto run = [](G kind) {
            ScriptedBoard s(kind);
            for (int i = 0; i < 10; ++i) {
                s.idleUntil(i * 50'000'000LL);
                s.frame(2.0);
            }
            s.idleUntil(500'000'000);
            return s.board->energyMj();
        };
        QVERIFY(std::abs(run(G::Performance) - (1600.0 + 4500.0 * 0.020)) < 1e-6);
        const double r = double(kLo) / double(kHi);
        const double powersave = 1600.0 + 4500.0 * r * r * r * 0.020 / r;
        QVERIFY(std::abs(run(G::Powersave) - powersave) < 1e-3);
        const double ondemand = run(G::Ondemand);
        QVERIFY(ondemand > powersave && ondemand < 1690.0);

        // resetEnergy starts over; idle costs the static rails only.
        ScriptedBoard s(G::Performance);
        s.idleUntil(10'000'000);
        s.board->resetEnergy();
        s.idleUntil(20'000'000);
        QVERIFY(std::abs(s.board->energyMj() - 32.0) < 1e-9);
    }

    void backgroundLoadKeepsTheCpuBusy()
    {
        ScriptedBoard s(G::Ondemand);
        s.idleUntil(50'000'000);
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kLo);
        s.board->setBackgroundLoad(1000);
        const double before = s.board->energyMj();
        s.idleUntil(100'000'000);
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kHi);
        // 50 ms: 3200 mW static, and the CPU term for all of it (at f_lo for the first period).
        const double r = double(kLo) / double(kHi);
        const double expected = 160.0 + 4500.0 * (0.010 * r * r * r + 0.040);
        QVERIFY2(std::abs(s.board->energyMj() - before - expected) < 1e-6,
                 qPrintable(QString::number(s.board->energyMj() - before)));
        s.board->setBackgroundLoad(0);
        s.idleUntil(150'000'000);
        QCOMPARE(s.board->frequencyKhz(P::Cpu), kLo);
    }

    void governorKnob()
    {
        auto board = std::make_shared<SimulatedBoard>();
        const Platform p = Platform::simulated(board, Platform::Options());
        const auto knob = p.knob("cpu.policy0.governor");
        QVERIFY(knob);
        QVERIFY(knob->info().simulated);
        QVERIFY(knob->info().description.find("SIMULATED") != std::string::npos);
        QCOMPARE(knob->info().choices, SimulatedGovernor::names());
        QCOMPARE(knob->get().value(), std::string("performance"));  // the board's default
        {
            KnobGuard guard(false);
            QCOMPARE(guard.set(knob, "schedutil").value(), std::string("schedutil"));
            QCOMPARE(board->governor(), G::Schedutil);
            const auto bad = knob->set("turbo");
            QVERIFY(!bad.isOk());
            QVERIFY2(bad.error().find("not one of performance, powersave, ondemand, schedutil") !=
                         std::string::npos,
                     bad.error().c_str());
            QCOMPARE(board->governor(), G::Schedutil);  // unchanged
            QVERIFY(knob->set("powersave"));
            QCOMPARE(board->frequencyKhz(P::Cpu), kLo);
        }
        QCOMPARE(board->governor(), G::Performance);  // restored by the guard
        QCOMPARE(board->frequencyKhz(P::Cpu), kHi);
    }
};

QTEST_GUILESS_MAIN(TestSimulatedGovernor)
#include "tst_simulated_governor.moc"
