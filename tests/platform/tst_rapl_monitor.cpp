// SPDX-License-Identifier: MIT
#include <QtTest>

#include "fixture_tree.h"
#include "platform/platform.h"
#include "platform/rapl_monitor.h"

using namespace dofa;

namespace {

MonitorInfo named(const std::string& id)
{
    MonitorInfo info;
    info.id = id;
    return info;
}

}  // namespace

/// RAPL energy counters (µJ) turned into energy and power, wrap-around included (§3.1).
class TestRaplMonitor : public QObject
{
    Q_OBJECT
private:
    const std::string kZone = "/sys/class/powercap/intel-rapl:0";
    const std::string kEnergy = kZone + "/energy_uj";

private Q_SLOTS:
    void counterDelta()
    {
        const std::uint64_t max = 262143328850ULL;
        QCOMPARE(RaplMonitor::counterDelta(100, 250, max), 150ULL);
        QCOMPARE(RaplMonitor::counterDelta(max - 10, 5, max), 15ULL);  // our wrap convention
    }

    void powerFromEnergyOverTime()
    {
        FixtureTree tree("x86-rapl");
        std::int64_t nowNs = 1'000'000'000;
        const SysfsRoot root(tree.root());
        tree.write(kEnergy, "1000000\n");
        RaplMonitor power(root, named("power.rapl.package-0"), kZone, RaplMonitor::Mode::Power,
                          [&] { return nowNs; });
        RaplMonitor energy(root, named("energy.rapl.package-0"), kZone, RaplMonitor::Mode::Energy,
                           [&] { return nowNs; });
        QCOMPARE(power.info().unit, Unit::MilliWatt);
        QCOMPARE(energy.info().unit, Unit::MicroJoule);

        // 12.5 J in 0.5 s = 25 W.
        nowNs += 500'000'000;
        tree.write(kEnergy, "13500000\n");
        QCOMPARE(power.read().value().value, 25000.0);
        QCOMPARE(energy.read().value().value, 12500000.0);

        // Wrap: 10 µJ before the end of the range, then 5 µJ after: 15 µJ in 1 ms = 15 mW.
        tree.write(kEnergy, "262143328840\n");
        nowNs += 1'000'000;
        (void)power.read();
        (void)energy.read();
        tree.write(kEnergy, "5\n");
        nowNs += 1'000'000;
        QCOMPARE(power.read().value().value, 15.0);
        const double before = 12500000.0 + (262143328840.0 - 13500000.0);
        QCOMPARE(energy.read().value().value, before + 15.0);  // monotonic across the wrap

        // No time between readings: no power value rather than a division by zero.
        QVERIFY(!power.read());
    }

    void unreadableCounterIsUnavailable()
    {
        FixtureTree tree("x86-rapl");
        const SysfsRoot root(tree.root());
        RaplMonitor power(root, named("p"), kZone, RaplMonitor::Mode::Power);
        tree.write(kEnergy, "-\n");
        const auto bad = power.read();
        QVERIFY(!bad);
        QVERIFY(bad.error().find(tree.path(kEnergy)) != std::string::npos);
        tree.remove(kEnergy);
        QVERIFY(!power.read());

        // Unreadable from the start: the first readable sample only primes the power monitor.
        RaplMonitor late(root, named("p"), kZone, RaplMonitor::Mode::Power);
        tree.write(kEnergy, "100\n");
        const auto first = late.read();
        QVERIFY(!first);
        QVERIFY(first.error().find("two readings") != std::string::npos);
    }

    void counterBackwardsWithoutRange()
    {
        FixtureTree tree("x86-rapl");
        tree.remove(kZone + "/max_energy_range_uj");
        std::int64_t nowNs = 0;
        RaplMonitor power(SysfsRoot(tree.root()), named("p"), kZone, RaplMonitor::Mode::Power,
                          [&] { return nowNs; });
        tree.write(kEnergy, "5\n");
        nowNs += 1000;
        const auto r = power.read();
        QVERIFY(!r);
        QVERIFY(r.error().find("max_energy_range_uj") != std::string::npos);
    }

    void totalIsPsysElsePackages()
    {
        FixtureTree tree("x86-rapl");
        Platform::Options options;
        options.root = tree.root();
        options.nvmlLibrary.clear();
        const Platform withPsys = Platform::discover(options);
        QVERIFY(withPsys.totalPower()->info().description.find("psys") != std::string::npos);

        tree.remove("/sys/class/powercap/intel-rapl:1");
        const Platform packages = Platform::discover(options);
        const auto total = packages.totalPower();
        QVERIFY(total);
        QVERIFY(total->info().description.find("intel-rapl:0") != std::string::npos);
        tree.write(kEnergy, "200000000000\n");  // moves forward: a positive power
        const auto s = total->read();
        QVERIFY2(s, s.error().c_str());
        QVERIFY(s.value().value > 0);
    }
};

QTEST_GUILESS_MAIN(TestRaplMonitor)
#include "tst_rapl_monitor.moc"
