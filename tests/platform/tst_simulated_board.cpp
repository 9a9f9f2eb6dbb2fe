// SPDX-License-Identifier: MIT
#include <QtTest>

#include "platform/knob_guard.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"

using namespace dofa;
using namespace std::chrono_literals;
using P = SimulatedBoard::Processor;

/// The simulated Xavier NX-like board: always labelled, tables, power model, delay injection.
class TestSimulatedBoard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void alwaysLabelledSimulated()
    {
        const Platform p = Platform::simulated();
        QVERIFY(p.isSimulated());
        QVERIFY(!p.hasHardware());
        QVERIFY(SimulatedBoard::isSimulated());
        QVERIFY(std::string(SimulatedBoard::name()).find("SIMULATED") != std::string::npos);
        QVERIFY(p.description().rfind("SIMULATED", 0) == 0);
        QVERIFY(p.totalPower());
        for (const auto& m : p.monitors()) {
            QVERIFY2(m->info().simulated, m->info().id.c_str());
            QVERIFY2(m->info().description.find("SIMULATED") != std::string::npos,
                     m->info().id.c_str());
            QVERIFY(m->read());
        }
        for (const auto& k : p.knobs())
            if (k->info().id.rfind("app.", 0) != 0)
                QVERIFY2(k->info().simulated, k->info().id.c_str());
    }

    void tables()
    {
        QCOMPARE(int(SimulatedBoard::cpuTableKhz().size()), 25);
        QCOMPARE(SimulatedBoard::cpuTableKhz().back(), 1907200);
        QCOMPARE(SimulatedBoard::gpuTableKhz().front(), 114750);
        QCOMPARE(SimulatedBoard::gpuTableKhz().back(), 1109250);
    }

    void knobsSnapAndKeepOrder()
    {
        auto board = std::make_shared<SimulatedBoard>();
        const Platform p = Platform::simulated(board, Platform::Options());
        const auto gpuMax = p.knob("gpu.max_khz");
        QCOMPARE(gpuMax->setInt(600000).value(), std::string("599250"));
        QCOMPARE(board->frequencyKhz(P::Gpu), 599250);
        QCOMPARE(p.monitor("freq.gpu")->read().value().value, 599250.0);
        QCOMPARE(p.knob("gpu.min_khz")->setInt(1109250).value(), std::string("1109250"));
        QCOMPARE(gpuMax->getInt().value(), 1109250);  // pushed up
        {
            KnobGuard guard(false);
            QVERIFY(guard.set(p.knob("cpu.policy0.max_khz"), "115200"));
            QCOMPARE(board->frequencyKhz(P::Cpu), 115200);
        }
        QCOMPARE(board->frequencyKhz(P::Cpu), 1907200);
    }

    void powerModel()
    {
        SimulatedBoard board;
        // Idle: 300 + 1400 + 1500 mW of static power.
        QCOMPARE(board.totalMw(), 3200.0);
        board.setLoad(P::Gpu, 1000);
        board.setLoad(P::Cpu, 1000);
        QCOMPARE(board.totalMw(), 3200.0 + 4500.0 + 6000.0);
        const double full = board.totalMw();
        board.setRange(P::Gpu, 114750, 554625);  // snaps to 510000 or 599250
        QVERIFY(board.totalMw() < full);
        board.setLoad(P::Gpu, 5000);  // clamped to 1000
        QCOMPARE(board.load(P::Gpu), 1000);
        QVERIFY(board.temperatureMilliC() > 35000.0);
    }

    void delayStretchesMeasuredTime()
    {
        SimulatedBoard board;
        QCOMPARE(board.delayFactor(P::Gpu), 1.0);
        std::chrono::nanoseconds slept{0};
        board.setSleeper([&](std::chrono::nanoseconds d) { slept += d; });
        QCOMPARE(board.injectDelay(10ms, P::Gpu), 0ns);
        QCOMPARE(slept, 0ns);

        board.setRange(P::Gpu, 114750, 510000);
        const double factor = 1109250.0 / 510000.0;
        QCOMPARE(board.delayFactor(P::Gpu), factor);
        const auto extra = board.injectDelay(10ms, P::Gpu);
        QCOMPARE(slept, extra);
        QVERIFY(std::abs(double(extra.count()) - 10e6 * (factor - 1)) < 2);
        QCOMPARE(board.stretch(10ms, P::Cpu), std::chrono::nanoseconds(10ms));  // CPU at max
    }
};

QTEST_GUILESS_MAIN(TestSimulatedBoard)
#include "tst_simulated_board.moc"
