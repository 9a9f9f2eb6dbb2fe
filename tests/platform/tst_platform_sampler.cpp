// SPDX-License-Identifier: MIT
#include <QtTest>

#include "fixture_tree.h"
#include "platform/monitor.h"
#include "platform/platform.h"
#include "platform/platform_sampler.h"

using namespace dofa;

namespace {

constexpr std::int64_t kMs = 1'000'000;

}  // namespace

/// PlatformSampler: a run's one reader of the power and clock monitors.
class TestPlatformSampler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void channelsAreTheBoardsTotalRailsAndClocks()
    {
        FixtureTree tree("agx-orin-jp5");
        QVERIFY(tree.isValid());
        const Platform p = discoverTree(tree);
        PlatformSampler sampler(p);
        QVERIFY(sampler.hasTotal() && sampler.hasCpuClock() && sampler.hasGpuClock());
        // Every power monitor but the total is a rail, in discovery order.
        std::vector<std::string> rails;
        for (const auto& m : p.monitors())
            if (m->info().unit == Unit::MilliWatt && m != p.totalPower())
                rails.push_back(m->info().id);
        QCOMPARE(sampler.railIds(), rails);
        QCOMPARE(sampler.railIds().front(), std::string("power.rail.VDD_GPU_SOC"));

        QVERIFY(sampler.sampleIfDue(5 * kMs));
        const PlatformSample& s = sampler.latest();
        QCOMPARE(s.tNs, 5 * kMs);
        QCOMPARE(s.railsMw.size(), rails.size());
        // The same numbers as the monitors give.
        QCOMPARE(*s.totalMw, p.totalPower()->read().value().value);
        QCOMPARE(*s.railsMw[0], p.monitor(rails[0])->read().value().value);
        QCOMPARE(*s.gpuKhz, p.monitor("freq.gpu")->read().value().value);
        QVERIFY(s.cpuKhz && *s.cpuKhz > 0);
    }

    void readsOncePerPeriodOnTheCallersClock()
    {
        FixtureTree tree("agx-orin-jp5");
        const Platform p = discoverTree(tree);
        PlatformSampler sampler(p, 100 * kMs);
        const std::string gpu =
            "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/cur_freq";
        tree.write(gpu, "306000000\n");
        QVERIFY(sampler.sampleIfDue(1000 * kMs));  // the first call always samples
        QCOMPARE(sampler.count(), std::uint64_t{1});
        QCOMPARE(*sampler.latest().gpuKhz, 306000.0);
        // Within the period nothing is read: the new clock is not seen.
        tree.write(gpu, "1300500000\n");
        QVERIFY(!sampler.sampleIfDue(1099 * kMs));
        QCOMPARE(sampler.count(), std::uint64_t{1});
        QCOMPARE(*sampler.latest().gpuKhz, 306000.0);
        QVERIFY(sampler.sampleIfDue(1100 * kMs));
        QCOMPARE(sampler.count(), std::uint64_t{2});
        QCOMPARE(*sampler.latest().gpuKhz, 1300500.0);
        QCOMPARE(sampler.latest().tNs, 1100 * kMs);
    }

    void unreadableMonitorsAreMissingValuesNotZeros()
    {
        FixtureTree tree("agx-orin-jp5");
        const Platform p = discoverTree(tree);
        PlatformSampler sampler(p);
        tree.remove("/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/cur_freq");
        tree.write("/sys/bus/i2c/devices/1-0040/hwmon/hwmon3/in1_input", "not a number\n");
        QVERIFY(sampler.sampleIfDue(0));
        QVERIFY(!sampler.latest().gpuKhz);
        QVERIFY(!sampler.latest().railsMw[0]);  // VDD_GPU_SOC is in1
        QVERIFY(!sampler.latest().totalMw);     // a sum with a hole is no sum
        QVERIFY(sampler.latest().railsMw[1]);

        // Without sensors: nothing to read, every value missing.
        QTemporaryDir empty;
        Platform::Options options;
        options.root = empty.path().toStdString();
        options.nvmlLibrary.clear();
        options.affinityOfCallingThread = false;
        PlatformSampler none(Platform::discover(options));
        QVERIFY(!none.hasTotal() && none.railIds().empty());
        QVERIFY(none.sampleIfDue(0));
        QVERIFY(!none.latest().totalMw && !none.latest().cpuKhz);
    }
};

QTEST_GUILESS_MAIN(TestPlatformSampler)
#include "tst_platform_sampler.moc"
