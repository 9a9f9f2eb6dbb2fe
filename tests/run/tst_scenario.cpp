// SPDX-License-Identifier: MIT
// Run commands and scenario files (what `dofa run --scenario` and `--stdin` read), the telemetry
// CSV and the run summary.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "run/run_summary.h"
#include "run/scenario.h"
#include "run/telemetry_csv.h"

using namespace dofa;

class TestScenario : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void commandsParseAndPrint_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("printed");
        QTest::addRow("latency") << "latency 40"
                                 << "latency 40";
        QTest::addRow("latency off") << "latency off"
                                     << "latency off";
        QTest::addRow("power model 1") << "power 4.5 model 1"
                                       << "power 4.5 model 1";
        QTest::addRow("accuracy") << "accuracy 85  # floor"
                                  << "accuracy 85";
        QTest::addRow("cpu") << "load cpu 2"
                             << "load cpu 2";
        QTest::addRow("pinned cpu") << "load cpu 2 on 0-1"
                                    << "load cpu 2 on 0-1";
        QTest::addRow("model") << "load model max 1"
                               << "load model max 1";
        QTest::addRow("off") << "load off"
                             << "load off";
        QTest::addRow("stop") << "stop"
                              << "stop";
    }
    void commandsParseAndPrint()
    {
        QFETCH(QString, text);
        QFETCH(QString, printed);
        const RunCommand c = RunCommand::parse(text.toStdString());
        QCOMPARE(QString::fromStdString(c.toString()), printed);
        QCOMPARE(QString::fromStdString(RunCommand::parse(c.toString()).toString()), printed);
    }

    void badCommandsSayWhatIsExpected_data()
    {
        QTest::addColumn<QString>("text");
        for (const char* t :
             {"", "latency", "latency -3", "latency 0", "latency fast", "power 5 model", "load",
              "load cpu 0", "load cpu 2 on", "load cpu 2 at 1", "load cpu 2 on x", "load gpu 2",
              "stop now", "jump 3",
              // Found by fuzz_scenario: numbers that became ints out of range (undefined).
              "latency 5 model 1e30", "power 2 model 1.5", "load cpu 2.5", "load cpu 1e12",
              "load model max 1e30", "latency inf", "accuracy nan"}) {
            QTest::addRow("%s", t) << t;
        }
    }
    void badCommandsSayWhatIsExpected()
    {
        QFETCH(QString, text);
        try {
            RunCommand::parse(text.toStdString());
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("expected") || QString(e.what()).contains("'"),
                     e.what());
        }
    }

    void scenarioEventsComeDueInFileOrder()
    {
        Scenario s = Scenario::parse(
            "# a comment\n"
            "0s latency 40\n"
            "\n"
            "1500ms latency 15   # tighten\n"
            "@100 load cpu 2\n"
            "3s latency off\n",
            "test.scn");
        QCOMPARE(s.events().size(), size_t{4});
        QCOMPARE(s.events()[1].line, 4);
        QCOMPARE(*s.events()[1].atSeconds, 1.5);
        QCOMPARE(*s.events()[2].atFrame, std::int64_t{100});
        auto due = s.due(0.0, 0);
        QCOMPARE(due.size(), size_t{1});
        QCOMPARE(*due[0].value, 40.0);
        // Frame 500 has passed frame 100: that event does not wait for the 1.5 s line above it.
        due = s.due(1.0, 500);
        QCOMPARE(due.size(), size_t{1});
        QVERIFY(due[0].kind == RunCommand::Kind::LoadCpu);
        QVERIFY(s.due(1.2, 501).empty());
        due = s.due(10.0, 502);  // both time events at once, in file order
        QCOMPARE(due.size(), size_t{2});
        QCOMPARE(*due[0].value, 15.0);
        QVERIFY(!due[1].value);
        QVERIFY(s.finished());
        QVERIFY(s.due(20.0, 600).empty());
    }

    void badScenarioNamesFileAndLine()
    {
        try {
            Scenario::parse("0s latency 40\nsoon latency 10\n", "demo.scn");
            QFAIL("accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).startsWith("demo.scn:2: "), e.what());
        }
        try {
            Scenario::parse("0s latency 40\n2s latency\n", "demo.scn");
            QFAIL("accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).startsWith("demo.scn:2: "), e.what());
        }
        try {
            Scenario::parse("@1e30 latency 5\n", "demo.scn");  // a frame index beyond int64
            QFAIL("accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).startsWith("demo.scn:1: "), e.what());
        }
        try {
            Scenario::load("/nonexistent/x.scn");
            QFAIL("accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("/nonexistent/x.scn"), e.what());
        }
    }

    void telemetryIsWrittenUnderAPartNameThenRenamed()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.csv").toStdString();
        {
            TelemetryCsvWriter w(path);
            FrameRecord r;
            r.frame = 7;
            r.level = 2;
            r.latencyMs = 1.25;
            r.targetLatencyMs = 1.0;
            r.label = 3;
            r.predicted = 3;
            r.topClass = {3, 5, -1};  // a model with two classes
            r.topScore = {0.75f, 0.25f, 0.f};
            r.nextLevel = 1;
            r.decisions.push_back(Decision{});
            r.decisions.back().reason = "p50 1.25 ms > target 1 ms, \"step\"";
            w.write(r);
            QVERIFY(QFile::exists(QString::fromStdString(path + ".part")));
            QVERIFY(!QFile::exists(QString::fromStdString(path)));
            w.close();
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".part")));
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines[0], QByteArray(TelemetryCsvWriter::header()));
        QCOMPARE(lines[1].split(',').size(), lines[0].split(',').size() + 1);  // comma in text
        QVERIFY(lines[1].startsWith("7,0,"));
        QVERIFY(lines[1].contains(",1.2500,1.000,0,3,3,1,3,0.7500,5,0.2500,,,"));
        QVERIFY(lines[1].endsWith("\"p50 1.25 ms > target 1 ms, \"\"step\"\"\""));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, TelemetryCsvWriter("/nonexistent/dir/t.csv"));
    }

    void decisionTextJoinsTheFramesDecisions()
    {
        FrameRecord r;
        QCOMPARE(r.decisionText(), std::string());
        for (const char* reason : {"targets: latency 5 ms", "p50 6 ms > target 5 ms"}) {
            r.decisions.push_back(Decision{});
            r.decisions.back().reason = reason;
        }
        QCOMPARE(r.decisionText(), std::string("targets: latency 5 ms; p50 6 ms > target 5 ms"));
    }

    void summaryCountsFramesTargetsAccuracyAndChanges()
    {
        RunSummary s;
        for (int i = 0; i < 10; ++i) {
            FrameRecord r;
            r.latencyMs = i + 1;  // 1..10 ms
            r.targetLatencyMs = 8.0;
            r.label = i % 2;
            r.predicted = 0;
            r.level = i < 5 ? 1 : 0;
            r.nextLevel = i == 4 ? 0 : r.level;
            s.add(r);
        }
        const RunSummary::PerModel& m = s.model(0);
        QCOMPARE(m.frames, std::int64_t{10});
        QCOMPARE(m.meanLatencyMs(), 5.5);
        QCOMPARE(m.p90LatencyMs(), 9.1);
        QCOMPARE(m.withinTargetShare(), 0.8);
        QCOMPARE(m.top1(), 50.0);
        QCOMPARE(m.levelChanges, std::int64_t{1});
        QCOMPARE(m.framesAtLevel[0], std::int64_t{5});
        const QString text = QString::fromStdString(s.text(2.0));
        QVERIFY2(text.contains("80.0 % of frames"), qPrintable(text));
        QVERIFY2(text.contains("50.00 %"), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
