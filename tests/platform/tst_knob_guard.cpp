// SPDX-License-Identifier: MIT
#include <QtTest>
#include <csignal>
#include <cstdlib>
#include <cstring>

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

/// The environment variable that makes this binary the signalled child of restoresOnSignal:
/// "ROOT|SIGNAL|CHAIN".
constexpr const char* kChildVariable = "DOFA_TEST_SIGNAL_CHILD";

/// The child's part of restoresOnSignal, in a process of its own (exec'd, not only forked: a
/// fork of a multi-threaded process, which Qt Test's watchdog thread makes this one, cannot be
/// signalled under ThreadSanitizer, which then ignores its interceptors and never delivers the
/// signal). Sets three knobs under a guard that is never destroyed, so only the signal handler
/// can restore them, and raises the signal. Exits 42 if a chained previous handler ran, 4 if
/// the process outlived the signal, 3 if a knob could not be set.
int runSignalledChild(const char* spec)
{
    const QStringList parts = QString::fromUtf8(spec).split(QLatin1Char('|'));
    if (parts.size() != 3)
        return 2;
    const int sig = parts[1].toInt();
    const bool chain = parts[2] == QLatin1String("1");
    ::signal(sig, chain ? chainedHandler : SIG_DFL);
    const Platform p = discoverRoot(parts[0].toStdString());
    auto* guard = new KnobGuard(true);  // never destroyed: only the signal restores
    bool ok = guard->set(p.knob("cpu.policy0.max_khz"), "115200").isOk();
    ok = ok && guard->set(p.knob("gpu.min_khz"), "1109250").isOk();
    ok = ok && guard->set(p.knob("gpu.governor"), "performance").isOk();
    if (!ok)
        return 3;
    ::raise(sig);
    return g_chained ? 42 : 4;
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
        // The child execs this binary (runSignalledChild): argv and environment are built
        // before the fork, so that the child only calls async-signal-safe functions.
        const QByteArray variable = QByteArray(kChildVariable) + '=' +
                                    QByteArray::fromStdString(tree.root()) + '|' +
                                    QByteArray::number(sig) + '|' + (chain ? "1" : "0");
        std::vector<char*> env{const_cast<char*>(variable.constData())};
        for (char** e = environ; *e; ++e)
            if (std::strncmp(*e, kChildVariable, std::strlen(kChildVariable)) != 0)
                env.push_back(*e);
        env.push_back(nullptr);
        char self[] = "/proc/self/exe";
        char* argv[] = {self, nullptr};
        std::fflush(nullptr);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::execve(self, argv, env.data());
            ::_exit(127);
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

int main(int argc, char** argv)
{
    // _exit: the guard is leaked on purpose, and LeakSanitizer (sanitize.sh asan) would turn
    // the exit status into its own at exit.
    if (const char* spec = std::getenv(kChildVariable))
        ::_exit(runSignalledChild(spec));
    QCoreApplication app(argc, argv);
    TestKnobGuard test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_knob_guard.moc"
