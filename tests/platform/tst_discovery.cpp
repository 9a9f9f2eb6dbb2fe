// SPDX-License-Identifier: MIT
#include <QtTest>

#include "fixture_tree.h"
#include "platform/platform.h"

using namespace dofa;

namespace {

double readValue(const Platform& p, const std::string& id)
{
    const auto m = p.monitor(id);
    if (!m)
        throw std::runtime_error("no monitor " + id);
    return m->read().value().value;
}

QStringList ids(const Platform& p)
{
    QStringList out;
    for (const auto& m : p.monitors())
        out << QString::fromStdString(m->info().id);
    for (const auto& k : p.knobs())
        out << QString::fromStdString(k->info().id);
    return out;
}

}  // namespace

/// Discovery and reading on each fixture board (reference/jetson-platform.md §1-3).
class TestDiscovery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boards_data()
    {
        QTest::addColumn<QString>("board");
        QTest::addColumn<QStringList>("expected");  // monitor and knob ids that must exist
        QTest::addColumn<double>("totalMw");
        QTest::addColumn<QString>("totalRule");
        QTest::addColumn<qint64>("gpuKhz");  // -1: no GPU
        QTest::addColumn<qint64>("gpuLoad");
        QTest::addColumn<int>("monitorCount");
        QTest::addColumn<int>("knobCount");
        const QStringList rails = {"power.rail.VDD_IN",
                                   "power.rail.VDD_CPU_GPU_CV",
                                   "power.rail.VDD_SOC",
                                   "voltage.rail.VDD_IN",
                                   "current.rail.VDD_IN",
                                   "freq.gpu",
                                   "load.gpu",
                                   "gpu.min_khz",
                                   "gpu.max_khz",
                                   "gpu.governor",
                                   "cpu.policy0.max_khz",
                                   "freq.cpu.policy0"};
        // 3 rails x (P, V, I) + total + GPU freq and load + CPU freq per policy + thermal zones.
        QTest::addRow("Xavier NX JetPack 4 (iio)")
            << "xavier-nx-jp4" << (rails + QStringList{"freq.cpu.policy4", "temp.CPU-therm"})
            << 5336.0 << "VDD_IN" << 599250LL << 610LL << 9 + 1 + 2 + 3 + 4 << 9 + 3;
        QTest::addRow("Xavier NX JetPack 5 (hwmon6)")
            << "xavier-nx-jp5" << (rails + QStringList{"temp.tj-thermal"}) << 12670.24 << "VDD_IN"
            << 1109250LL << 70LL << 9 + 1 + 2 + 3 + 3 << 9 + 3;
        QTest::addRow("Orin Nano JetPack 6 (hwmon1, gpu)")
            << "orin-nano-jp6" << (rails + QStringList{"cpu.policy4.governor"}) << 4542.408
            << "VDD_IN" << 612000LL << 682LL << 9 + 1 + 2 + 2 + 4 << 6 + 3;
        QTest::addRow("AGX Orin (two chips, NC, no VDD_IN)")
            << "agx-orin-jp5" << QStringList{"power.rail.VDD_GPU_SOC", "power.rail.VDD_CPU_CV",
                                             "power.rail.VIN_SYS_5V0", "power.rail.VDDQ_VDD2_1V8AO",
                                             "freq.cpu.policy8",       "gpu.max_khz"}
            << 2390.0 + 795.0 + 3520.0 + 300.0 << "sum of rails" << 1300500LL << 130LL
            << 12 + 1 + 2 + 3 + 5 << 9 + 3;
        QTest::addRow("x86 with RAPL")
            << "x86-rapl" << QStringList{"power.rapl.package-0",      "energy.rapl.package-0",
                                         "power.rapl.package-0.core", "power.rapl.psys",
                                         "freq.cpu.policy3",          "cpu.policy3.governor",
                                         "temp.x86_pkg_temp"}
            << -1.0 << "psys" << -1LL << -1LL << 8 + 1 + 4 + 2 << 12;
    }
    void boards()
    {
        QFETCH(QString, board);
        QFETCH(QStringList, expected);
        QFETCH(double, totalMw);
        QFETCH(QString, totalRule);
        QFETCH(qint64, gpuKhz);
        QFETCH(qint64, gpuLoad);
        QFETCH(int, monitorCount);
        QFETCH(int, knobCount);
        FixtureTree tree(board.toStdString());
        QVERIFY(tree.isValid());
        const Platform p = discoverTree(tree);
        const QStringList found = ids(p);
        for (const QString& id : expected)
            QVERIFY2(found.contains(id), qPrintable(id + " missing; found " + found.join(' ')));
        QCOMPARE(int(p.monitors().size()), monitorCount);
        QCOMPARE(int(p.knobs().size()), knobCount);
        QVERIFY(p.hasHardware());
        QVERIFY(!p.isSimulated());

        const auto total = p.totalPower();
        QVERIFY(total);
        QCOMPARE(total->info().id, std::string("power.total"));
        QCOMPARE(total->info().unit, Unit::MilliWatt);
        QVERIFY2(total->info().description.find(totalRule.toStdString()) != std::string::npos,
                 total->info().description.c_str());
        QVERIFY(p.description().find(total->info().description) != std::string::npos);
        if (totalMw >= 0)
            QCOMPARE(total->read().value().value, totalMw);

        // No rail named NC, no channel 7 ("sum of shunt voltages").
        for (const QString& id : found) {
            QVERIFY2(!id.endsWith(".NC"), qPrintable(id));
            QVERIFY2(!id.contains("shunt"), qPrintable(id));
        }
        if (gpuKhz >= 0) {
            QCOMPARE(readValue(p, "freq.gpu"), double(gpuKhz));
            QCOMPARE(p.monitor("freq.gpu")->info().unit, Unit::KiloHertz);
            QCOMPARE(readValue(p, "load.gpu"), double(gpuLoad));
            QCOMPARE(p.monitor("load.gpu")->info().unit, Unit::PerMille);
        } else {
            QVERIFY(!p.monitor("freq.gpu"));
        }
        // Every monitor reads or says why not; none is silently 0.
        for (const auto& m : p.monitors()) {
            const auto s = m->read();
            if (!s)
                QVERIFY2(!s.error().empty(), m->info().id.c_str());
        }
    }

    void railUnitsOnEachLayout()
    {
        FixtureTree jp4("xavier-nx-jp4");
        const Platform iio = discoverTree(jp4);
        QCOMPARE(readValue(iio, "power.rail.VDD_CPU_GPU_CV"), 2617.0);  // in_power1_input, mW
        QCOMPARE(readValue(iio, "voltage.rail.VDD_CPU_GPU_CV"), 5016.0);
        QCOMPARE(readValue(iio, "current.rail.VDD_CPU_GPU_CV"), 522.0);
        FixtureTree jp5("xavier-nx-jp5");
        const Platform hwmon = discoverTree(jp5);
        QCOMPARE(readValue(hwmon, "power.rail.VDD_CPU_GPU_CV"), 7050.0);  // 5000 mV x 1410 mA
        QCOMPARE(readValue(hwmon, "voltage.rail.VDD_SOC"), 5000.0);
        QCOMPARE(readValue(hwmon, "current.rail.VDD_SOC"), 424.0);
        QCOMPARE(readValue(hwmon, "temp.cpu-thermal"), 58937.0);
        QCOMPARE(readValue(hwmon, "freq.cpu.policy2"), 1907200.0);
    }

    void hwmonIndexAndBusDoNotMatter()
    {
        FixtureTree tree("xavier-nx-jp5");
        std::filesystem::rename(tree.path("/sys/bus/i2c/devices/7-0040/hwmon/hwmon6"),
                                tree.path("/sys/bus/i2c/devices/7-0040/hwmon/hwmon11"));
        std::filesystem::rename(tree.path("/sys/bus/i2c/devices/7-0040"),
                                tree.path("/sys/bus/i2c/devices/2-0040"));
        const Platform p = discoverTree(tree);
        QCOMPARE(readValue(p, "power.total"), 12670.24);
        QVERIFY(p.description().find("INA3221 2-0040 (hwmon hwmon11)") != std::string::npos);
    }

    void skipsThingsThatAreNotSensors()
    {
        FixtureTree tree("xavier-nx-jp4");
        const Platform p = discoverTree(tree);
        // The vic devfreq node is not the GPU; the PMIC zone is a constant, not a measurement.
        QVERIFY(p.monitor("freq.gpu")->info().source.find("gv11b") != std::string::npos);
        QVERIFY(!p.monitor("temp.PMIC-Die"));
        // An offline zone is unavailable, not -256 °C.
        FixtureTree agx("agx-orin-jp5");
        const auto offline = discoverTree(agx).monitor("temp.CV0-therm")->read();
        QVERIFY(!offline);
        QVERIFY(offline.error().find("offline") != std::string::npos);
    }

    void gpuNodeMissing()
    {
        FixtureTree tree("xavier-nx-jp4");
        tree.remove("/sys/class/devfreq/17000000.gv11b");
        const Platform p = discoverTree(tree);
        QVERIFY(!p.monitor("freq.gpu"));
        QVERIFY(!p.knob("gpu.max_khz"));
        QVERIFY(p.description().find("no GPU among the devfreq nodes") != std::string::npos);
        QVERIFY(p.monitor("power.total"));  // the rest still works
    }

    void badContentGivesErrorsNamingTheFile()
    {
        FixtureTree tree("agx-orin-jp5");
        const Platform p = discoverTree(tree);
        const std::string in = "/sys/bus/i2c/devices/1-0041/hwmon/hwmon4/in2_input";
        tree.write(in, "not a number\n");
        const auto rail = p.monitor("power.rail.VDDQ_VDD2_1V8AO")->read();
        QVERIFY(!rail);
        QVERIFY2(rail.error().find(tree.path(in)) != std::string::npos, rail.error().c_str());
        const auto total = p.totalPower()->read();  // a sum with a hole is no sum
        QVERIFY(!total);
        QVERIFY(total.error().find("VDDQ_VDD2_1V8AO") != std::string::npos);

        const std::string cur =
            "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/cur_freq";
        tree.remove(cur);
        const auto gpu = p.monitor("freq.gpu")->read();
        QVERIFY(!gpu);
        QVERIFY(gpu.error().find(tree.path(cur)) != std::string::npos);

        // Garbage at discovery time: the rail is skipped with a reason, nothing crashes.
        FixtureTree broken("xavier-nx-jp5");
        broken.remove("/sys/bus/i2c/devices/7-0040/hwmon/hwmon6/curr3_input");
        broken.write("/sys/devices/system/cpu/cpufreq/policy0/scaling_available_frequencies",
                     "garbage\n");
        const Platform q = discoverTree(broken);
        QVERIFY(!q.monitor("power.rail.VDD_SOC"));
        QVERIFY(q.description().find("curr3_input") != std::string::npos);
        QVERIFY(q.knob("cpu.policy0.max_khz")->info().allowed.empty());
        QCOMPARE(readValue(q, "power.total"), 12670.24);
    }

    void nothingFoundIsSaidPlainly()
    {
        QTemporaryDir empty;
        Platform::Options options;
        options.root = empty.path().toStdString();
        options.nvmlLibrary = "libdofa-no-such-nvml.so.1";
        const Platform p = Platform::discover(options);
        QVERIFY(!p.hasHardware());
        QVERIFY(p.monitors().empty());
        QVERIFY(!p.totalPower());
        QCOMPARE(int(p.knobs().size()), 1);  // app.affinity.<tid> exists everywhere
        const std::string text = p.description();
        QVERIFY2(text.find("No hardware monitors or knobs found under " + options.root) !=
                     std::string::npos,
                 text.c_str());
        QVERIFY(text.find("SIMULATED") != std::string::npos);
        QVERIFY(text.find("libdofa-no-such-nvml.so.1") != std::string::npos);
    }

    void appKnobsWithoutHardware()
    {
        QTemporaryDir empty;
        int threads = 3;
        Platform::Options options;
        options.root = empty.path().toStdString();
        options.nvmlLibrary.clear();
        options.threadCountGetter = [&] { return threads; };
        options.threadCountSetter = [&](int n) { threads = n; };
        const Platform p = Platform::discover(options);
        QVERIFY(p.knob("app.threads"));
        QCOMPARE(p.knob("app.threads")->setInt(1).value(), std::string("1"));
        QCOMPARE(threads, 1);
        QVERIFY(!p.hasHardware());  // app knobs are not hardware
    }
};

QTEST_GUILESS_MAIN(TestDiscovery)
#include "tst_discovery.moc"
