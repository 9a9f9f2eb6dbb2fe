// SPDX-License-Identifier: MIT
#include <QtTest>

#include "fixture_tree.h"
#include "platform/affinity_knob.h"
#include "platform/dvfs_bound_knob.h"
#include "platform/platform.h"
#include "platform/sysfs_choice_knob.h"
#include "platform/thread_count_knob.h"

using namespace dofa;

namespace {

const std::string kPolicy0 = "/sys/devices/system/cpu/cpufreq/policy0";

std::shared_ptr<DvfsDomain> cpuDomain(const SysfsRoot& root)
{
    DvfsDomain::Files f;
    f.minPath = kPolicy0 + "/scaling_min_freq";
    f.maxPath = kPolicy0 + "/scaling_max_freq";
    f.curPath = kPolicy0 + "/scaling_cur_freq";
    f.availablePath = kPolicy0 + "/scaling_available_frequencies";
    return std::make_shared<DvfsDomain>(root, f);
}

}  // namespace

/// Knobs: snapping, min <= max write order, read-back, units, read-only, bad input.
class TestKnobs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void snapsToTheTable()
    {
        FixtureTree tree("xavier-nx-jp4");
        const Platform p = discoverTree(tree);
        const auto max = p.knob("cpu.policy0.max_khz");
        QVERIFY(max && max->isWritable());
        QCOMPARE(max->info().unit, Unit::KiloHertz);
        QCOMPARE(int(max->info().allowed.size()), 25);
        // 1000000 lies between 960000 and 1036800, nearer the latter.
        QCOMPARE(max->setInt(1000000).value(), std::string("1036800"));
        QCOMPARE(tree.read(kPolicy0 + "/scaling_max_freq"), std::string("1036800\n"));
        QCOMPARE(max->setInt(99999999).value(), std::string("1907200"));
        QCOMPARE(max->getInt().value(), 1907200);
    }

    void devfreqSpeaksHz()
    {
        FixtureTree tree("orin-nano-jp6");
        const Platform p = discoverTree(tree);
        const auto gpuMax = p.knob("gpu.max_khz");
        QCOMPARE(gpuMax->getInt().value(), 624750);
        QCOMPARE(gpuMax->setInt(500000).value(), std::string("510000"));
        QCOMPARE(
            tree.read("/sys/devices/platform/bus@0/17000000.gpu/devfreq/17000000.gpu/max_freq"),
            std::string("510000000\n"));
        // The write went through the /sys/class/devfreq link to the device's own directory.
        QVERIFY(gpuMax->info().source.find("/sys/devices/platform/bus@0/17000000.gpu/devfreq") !=
                std::string::npos);
    }

    void noTableClampsToHardwareLimits()
    {
        FixtureTree tree("x86-rapl");  // intel_pstate: no frequency table
        const Platform p = discoverTree(tree);
        const auto max = p.knob("cpu.policy0.max_khz");
        QVERIFY(max->info().allowed.empty());
        QCOMPARE(max->setInt(99999999).value(), std::string("4700000"));
        QCOMPARE(p.knob("cpu.policy0.min_khz")->setInt(1).value(), std::string("400000"));
        QCOMPARE(max->setInt(3333333).value(), std::string("3333333"));
    }

    void writeOrderKeepsMinBelowMax_data()
    {
        QTest::addColumn<qint64>("newMin");
        QTest::addColumn<qint64>("newMax");
        QTest::addColumn<QString>("firstWritten");
        // Start: [1190400, 1420800].
        QTest::addRow("raise both above max") << 1651200LL << 1907200LL << "scaling_max_freq";
        QTest::addRow("lower both below min") << 115200LL << 499200LL << "scaling_min_freq";
        QTest::addRow("lock at max") << 1420800LL << 1420800LL << "scaling_max_freq";
        QTest::addRow("widen") << 115200LL << 1907200LL << "scaling_max_freq";
        QTest::addRow("narrow") << 1267200LL << 1344000LL << "scaling_min_freq";
    }
    void writeOrderKeepsMinBelowMax()
    {
        QFETCH(qint64, newMin);
        QFETCH(qint64, newMax);
        QFETCH(QString, firstWritten);
        FixtureTree tree("xavier-nx-jp4");
        SysfsRoot root(tree.root());
        std::vector<std::string> written;
        bool crossed = false;
        root.setWriteObserver([&](const std::string& path, const std::string&) {
            written.push_back(path.substr(path.rfind('/') + 1));
            const SysfsRoot r(tree.root());
            crossed |= r.readInt(kPolicy0 + "/scaling_min_freq").value() >
                       r.readInt(kPolicy0 + "/scaling_max_freq").value();
        });
        auto domain = cpuDomain(root);
        const auto range = domain->setRange(newMin, newMax);
        QVERIFY2(range, range.error().c_str());
        QCOMPARE(range.value().first, newMin);
        QCOMPARE(range.value().second, newMax);
        QCOMPARE(int(written.size()), 2);
        QCOMPARE(QString::fromStdString(written.front()), firstWritten);
        QVERIFY(!crossed);
    }

    void boundPushesTheOtherBound()
    {
        FixtureTree tree("xavier-nx-jp4");
        const Platform p = discoverTree(tree);
        const auto min = p.knob("cpu.policy2.min_khz");
        const auto max = p.knob("cpu.policy2.max_khz");
        QCOMPARE(min->setInt(1907200).value(), std::string("1907200"));  // above max: max follows
        QCOMPARE(max->getInt().value(), 1907200);
        QCOMPARE(max->setInt(115200).value(), std::string("115200"));  // below min: min follows
        QCOMPARE(min->getInt().value(), 115200);
    }

    void readBackMismatchIsReported()
    {
        FixtureTree tree("xavier-nx-jp4");
        SysfsRoot root(tree.root());
        // A kernel that caps the max at 1497600 (nvpmodel) whatever is written.
        root.setWriteObserver([&](const std::string& path, const std::string& value) {
            if (path.find("scaling_max_freq") != std::string::npos && std::stoll(value) > 1497600)
                tree.write(path, "1497600\n");
        });
        DvfsBoundKnob max(cpuDomain(root), DvfsBoundKnob::Bound::Max, "cpu.policy0.max_khz", "");
        const auto r = max.setInt(1907200);
        QVERIFY(!r);
        QVERIFY2(r.error().find("reads back 1497600") != std::string::npos, r.error().c_str());
        QVERIFY(r.error().find(tree.path(kPolicy0 + "/scaling_max_freq")) != std::string::npos);
    }

    void governorChoices()
    {
        FixtureTree tree("orin-nano-jp6");
        const Platform p = discoverTree(tree);
        const auto gov = p.knob("cpu.policy0.governor");
        QCOMPARE(gov->get().value(), std::string("schedutil"));
        QCOMPARE(int(gov->info().choices.size()), 5);
        const auto bad = gov->set("turbo");
        QVERIFY(!bad);
        QVERIFY(bad.error().find("not one of") != std::string::npos);
        QCOMPARE(tree.read(kPolicy0 + "/scaling_governor"), std::string("schedutil\n"));
        QCOMPARE(gov->set("performance").value(), std::string("performance"));
        QCOMPARE(p.knob("gpu.governor")->set("performance").value(), std::string("performance"));
    }

    void readOnlyKnobsSaySo()
    {
        FixtureTree tree("xavier-nx-jp5");
        const Platform p = discoverTree(tree, true);
        for (const auto& k : p.knobs()) {
            QVERIFY2(!k->isWritable(), k->info().id.c_str());
            QVERIFY(k->get());  // still reads
        }
        const auto max = p.knob("gpu.max_khz");
        const auto r = max->setInt(510000);
        QVERIFY(!r);
        QVERIFY2(r.error().find("read-only") != std::string::npos, r.error().c_str());
        QVERIFY(r.error().find("max_freq") != std::string::npos);
        QCOMPARE(max->getInt().value(), 1109250);
        QVERIFY(p.description().find("read-only") != std::string::npos);
    }

    void unparseableKnobFile()
    {
        FixtureTree tree("orin-nano-jp6");
        const Platform p = discoverTree(tree);
        tree.write(kPolicy0 + "/scaling_max_freq", "max\n");
        const auto max = p.knob("cpu.policy0.max_khz");
        const auto got = max->get();
        QVERIFY(!got);
        QVERIFY(got.error().find(tree.path(kPolicy0 + "/scaling_max_freq")) != std::string::npos);
        QVERIFY(!max->setInt(729600));
        QVERIFY(!p.knob("cpu.policy0.min_khz")->set("fast"));  // bad request, named
        QVERIFY(p.knob("cpu.policy0.min_khz")->set("fast").error().find("'fast'") !=
                std::string::npos);
    }

    void threadCount()
    {
        int threads = 4;
        ThreadCountKnob knob([&] { return threads; }, [&](int n) { threads = n; }, 6);
        QCOMPARE(knob.info().id, std::string("app.threads"));
        QCOMPARE(knob.setInt(2).value(), std::string("2"));
        QCOMPARE(knob.setInt(64).value(), std::string("6"));
        QCOMPARE(knob.setInt(0).value(), std::string("1"));
        QVERIFY(!knob.set("two"));
        ThreadCountKnob noSetter([] { return 1; }, nullptr);
        QVERIFY(!noSetter.isWritable());
        QVERIFY(!noSetter.setInt(2));
    }

    void cpuLists()
    {
        QCOMPARE(AffinityKnob::parseCpuList("0-2,5").value(), (std::vector<int>{0, 1, 2, 5}));
        QCOMPARE(AffinityKnob::parseCpuList("3,1,1").value(), (std::vector<int>{1, 3}));
        QVERIFY(!AffinityKnob::parseCpuList(""));
        QVERIFY(!AffinityKnob::parseCpuList("2-1"));
        QVERIFY(!AffinityKnob::parseCpuList("a"));
        QCOMPARE(AffinityKnob::formatCpuList({0, 1, 2, 5, 7, 8}), std::string("0-2,5,7-8"));
    }

    void affinityOfAThread()
    {
        AffinityKnob knob;
        const std::string original = knob.get().value();
        const int first = int(knob.info().allowed.front());
        QCOMPARE(knob.set(std::to_string(first)).value(), std::to_string(first));
        QVERIFY(!knob.set("4000"));  // not available to this process
        QCOMPARE(knob.set(original).value(), original);
    }
};

QTEST_GUILESS_MAIN(TestKnobs)
#include "tst_knobs.moc"
