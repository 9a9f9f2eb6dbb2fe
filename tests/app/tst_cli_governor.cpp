// SPDX-License-Identifier: MIT
// `dofa run --governor`: a bad name is a usage error that says what is accepted; on the
// SIMULATED board the governor is applied and the level stays where it started, even when a new
// target would have moved it (the same run without --governor shows that it would).
#include <QtTest>

#include <zlib.h>

#include "cli/cli.h"
#include "cli_process.h"
#include "tiny_setup.h"

using namespace dofa::test;

namespace {

/// The `level` column of a telemetry CSV, one entry per frame.
QStringList levelsOf(const QString& csv)
{
    QFile f(csv);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split('\n');
    const int column = lines[0].split(',').indexOf("level");
    QStringList out;
    for (int i = 1; i < lines.size() && column >= 0; ++i) {
        out << lines[i].split(',').value(column);
    }
    return out;
}

}  // namespace

class TestCliGovernor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void badValuesAreUsageErrors()
    {
        CliRun r = dofaRun({"run", "--governor", "turbo", "--platform", "simulated"});
        QCOMPARE(r.code, int{dofa::kExitUsage});
        QVERIFY2(r.err.contains("--governor 'turbo': expected performance, schedutil, ondemand "
                                "or powersave"),
                 qPrintable(r.err));
        r = dofaRun({"run", "--governor", "ondemand", "--policy", "energy"});
        QCOMPARE(r.code, int{dofa::kExitUsage});
        QVERIFY2(r.err.contains("takes no --policy"), qPrintable(r.err));
        r = dofaRun({"run", "--governor", "schedutil", "--platform", "none"});
        QCOMPARE(r.code, int{dofa::kExitUsage});
        QVERIFY2(r.err.contains("--governor needs a platform"), qPrintable(r.err));
        r = dofaRun({"run", "--help"});
        QVERIFY(r.out.contains("--governor"));
    }

    void simulatedGovernorAppliedLevelFixed_data()
    {
        QTest::addColumn<QString>("governor");
        for (const char* g : {"performance", "powersave", "ondemand", "schedutil"}) {
            QTest::addRow("%s", g) << QString(g);
        }
    }
    void simulatedGovernorAppliedLevelFixed()
    {
        QFETCH(QString, governor);
        QTemporaryDir dir;
        writeSplit(dir.path(), "t10k", 40);
        QFile scn(dir.filePath("s.scn"));
        QVERIFY(scn.open(QIODevice::WriteOnly));
        // A target no level meets: any managing policy falls back to the fastest level (by the
        // profile's paced latencies), not the most accurate one it starts at.
        scn.write("@8 latency 0.0001\n");
        scn.close();
        const QStringList common = {
            "run",        "--data",       dir.path(),   "--threads", "1",     "--frames", "24",
            "--scenario", scn.fileName(), "--platform", "simulated", "--fps", "100"};
        const QString csv = dir.filePath("t.csv");
        CliRun r = dofaRun(common + QStringList{"--governor", governor, "--telemetry", csv});
        QVERIFY2(r.code == dofa::kExitOk, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("governor " + governor +
                                " on every CPU policy (SIMULATED governor model"),
                 qPrintable(r.out));
        // The board ran under it to the end (read back from the board, not the command line).
        QVERIFY2(r.out.contains("(board model, " + governor + " governor)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("policy  fixed"), qPrintable(r.out));
        QVERIFY2(r.out.contains("level changes   0"), qPrintable(r.out));
        QVERIFY2(r.out.contains("stays fixed, the clocks are left to the " + governor),
                 qPrintable(r.out));
        const QStringList levels = levelsOf(csv);
        QCOMPARE(levels.size(), 24);
        QCOMPARE(levels.count(levels.first()), 24);  // never moved...

        // ...and without --governor the same scenario moves it there.
        r = dofaRun(common + QStringList{"--policy", "lookup", "--telemetry", csv});
        QVERIFY2(r.code == dofa::kExitOk, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("(board model, performance governor)"), qPrintable(r.out));
        const QStringList managed = levelsOf(csv);
        QCOMPARE(managed.first(), levels.first());
        QVERIFY2(managed.last() != levels.first(), qPrintable(managed.join(' ')));
    }
};

QTEST_GUILESS_MAIN(TestCliGovernor)
#include "tst_cli_governor.moc"
