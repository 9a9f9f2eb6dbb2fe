// SPDX-License-Identifier: MIT
#include <QtTest>
#include <csignal>

#include "fixture_tree.h"
#include "platform/knob_guard.h"
#include "platform/platform.h"
#include "platform/signal_restorer.h"
#include "platform/thread_count_knob.h"
#include <sys/wait.h>
#include <unistd.h>

using namespace dofa;

namespace {

const std::string kPolicy0 = "/sys/devices/system/cpu/cpufreq/policy0";
const std::string kGpu = "/sys/devices/17000000.gv11b/devfreq/17000000.gv11b";

/// Byte contents of the files knobs touch, to compare before and after.
std::vector<std::string> knobFiles(const FixtureTree& tree)
{
    std::vector<std::string> out;
    for (const char* f : {"/scaling_min_freq", "/scaling_max_freq", "/scaling_governor"})
        out.push_back(tree.read(kPolicy0 + f));
    for (const char* f : {"/min_freq", "/max_freq", "/governor"})
        out.push_back(tree.read(kGpu + f));
    return out;
}

volatile sig_atomic_t g_chained = 0;
void chainedHandler(int)
{
    g_chained = 1;
}

}  // namespace

/// Snapshot -> apply -> restore, on scope exit and on SIGINT/SIGTERM.
class TestKnobGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void restoresOnScopeExit()
    {
        FixtureTree tree("xavier-nx-jp4");
        const Platform p = discoverTree(tree);
        const auto before = knobFiles(tree);
        {
            KnobGuard guard(false);
            QVERIFY(guard.set(p.knob("cpu.policy0.max_khz"), "115200"));  // lowers min too
            QVERIFY(guard.set(p.knob("gpu.min_khz"), "1109250"));         // raises max too
            QVERIFY(guard.set(p.knob("gpu.governor"), "performance"));
            QVERIFY(guard.set(p.knob("cpu.policy0.governor"), "userspace"));
            QCOMPARE(guard.size(), std::size_t(4));
            QVERIFY(knobFiles(tree) != before);
            QCOMPARE(SignalRestorer::armedCount(), 4);
        }
        QCOMPARE(knobFiles(tree), before);
        QCOMPARE(SignalRestorer::armedCount(), 0);
    }

    void restoreAcrossManyWrites_data()
    {
        QTest::addColumn<QStringList>("writes");  // knob=value, in order
        QTest::addRow("lock low") << QStringList{"cpu.policy0.max_khz=115200",
                                                 "cpu.policy0.min_khz=115200"};
        QTest::addRow("lock high") << QStringList{"cpu.policy0.min_khz=1907200"};
        QTest::addRow("low then high")
            << QStringList{"cpu.policy0.max_khz=192000", "cpu.policy0.min_khz=1907200",
                           "cpu.policy0.max_khz=1907200"};
    }
    void restoreAcrossManyWrites()
    {
        QFETCH(QStringList, writes);
        FixtureTree tree("xavier-nx-jp4");
        const Platform p = discoverTree(tree);
        const auto before = knobFiles(tree);
        KnobGuard guard(false);
        for (const QString& w : writes) {
            const QStringList kv = w.split('=');
            const auto r = guard.set(p.knob(kv[0].toStdString()), kv[1].toStdString());
            QVERIFY2(r, r.error().c_str());
        }
        const auto errors = guard.restore();
        QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
        QCOMPARE(knobFiles(tree), before);
        QCOMPARE(guard.size(), std::size_t(0));
    }

    void nestedGuardsRestoreTheFirstOriginal()
    {
        FixtureTree tree("xavier-nx-jp4");
        const Platform p = discoverTree(tree);
        const auto max = p.knob("cpu.policy4.max_khz");
        const std::string original = max->get().value();
        KnobGuard outer(false);
        QVERIFY(outer.set(max, "960000"));
        {
            KnobGuard inner(false);
            QVERIFY(inner.set(max, "499200"));
            QVERIFY(!inner.capture(max).value());  // already held: no second snapshot
        }
        QCOMPARE(max->get().value(), std::string("960000"));
        QVERIFY(outer.restore().empty());
        QCOMPARE(max->get().value(), original);
    }

    void inProcessKnobs()
    {
        int threads = 4;
        auto knob = std::make_shared<ThreadCountKnob>([&] { return threads; },
                                                      [&](int n) { threads = n; }, 8);
        {
            KnobGuard guard(false);
            QVERIFY(guard.set(knob, "1"));
            QCOMPARE(threads, 1);
        }
        QCOMPARE(threads, 4);
    }

    void readOnlyKnobCannotBeCaptured()
    {
        FixtureTree tree("xavier-nx-jp5");
        Platform::Options options;
        options.root = tree.root();
        options.readOnly = true;
        options.nvmlLibrary.clear();
        const Platform p = Platform::discover(options);
        KnobGuard guard(false);
        const auto r = guard.set(p.knob("gpu.max_khz"), "510000");
        QVERIFY(!r);
        QVERIFY(r.error().find("gpu.max_khz is read-only") != std::string::npos);
        QCOMPARE(guard.size(), std::size_t(0));
    }

    /// A child process sets knobs and is killed by a signal: the handler must put the files
    /// back before the process dies (or before a previous handler takes over).
    void restoresOnSignal_data()
    {
        QTest::addColumn<int>("sig");
        QTest::addColumn<bool>("chain");
        QTest::addRow("SIGTERM") << int(SIGTERM) << false;
        QTest::addRow("SIGINT") << int(SIGINT) << false;
        QTest::addRow("SIGTERM, previous handler chained") << int(SIGTERM) << true;
    }
    void restoresOnSignal()
    {
        QFETCH(int, sig);
        QFETCH(bool, chain);
        FixtureTree tree("xavier-nx-jp4");
        const auto before = knobFiles(tree);
        std::fflush(nullptr);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // Child: fresh handlers (the parent may have installed them already: reset first).
            ::signal(sig, chain ? chainedHandler : SIG_DFL);
            const Platform p = discoverTree(tree);
            auto* guard = new KnobGuard(true);  // never destroyed: only the signal restores
            bool ok = guard->set(p.knob("cpu.policy0.max_khz"), "115200").isOk();
            ok = ok && guard->set(p.knob("gpu.min_khz"), "1109250").isOk();
            ok = ok && guard->set(p.knob("gpu.governor"), "performance").isOk();
            if (!ok)
                ::_exit(3);
            ::raise(sig);
            ::_exit(g_chained ? 42 : 4);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        if (chain) {
            QVERIFY(WIFEXITED(status));
            QCOMPARE(WEXITSTATUS(status), 42);  // the previous handler ran after the restore
        } else {
            QVERIFY2(WIFSIGNALED(status), qPrintable(QString::number(status)));
            QCOMPARE(WTERMSIG(status), sig);  // died of the signal, as without the handler
        }
        QCOMPARE(knobFiles(tree), before);
    }
};

QTEST_GUILESS_MAIN(TestKnobGuard)
#include "tst_knob_guard.moc"
