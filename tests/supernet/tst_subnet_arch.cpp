// SPDX-License-Identifier: MIT
#include <QJsonDocument>
#include <QtTest>
#include <random>

#include "supernet/subnet_arch.h"

using namespace dofa;

class TestSubnetArch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Reference MMACs (count_flops_given_config) and params, reference/ofa-supernet.md §1.4.
    void referenceCosts_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("which");
        QTest::addColumn<int>("r");
        QTest::addColumn<double>("mmacs");
        QTest::addColumn<qint64>("params");
        QTest::addRow("w1.0 max 128") << "ofa-mbv3-w1.0"
                                      << "max" << 128 << 188.25 << 7664760LL;
        QTest::addRow("w1.0 max 160") << "ofa-mbv3-w1.0"
                                      << "max" << 160 << 291.32 << 7664760LL;
        QTest::addRow("w1.0 max 224") << "ofa-mbv3-w1.0"
                                      << "max" << 224 << 566.17 << 7664760LL;
        QTest::addRow("w1.0 min 128") << "ofa-mbv3-w1.0"
                                      << "min" << 128 << 41.48 << 3410792LL;
        QTest::addRow("w1.0 min 160") << "ofa-mbv3-w1.0"
                                      << "min" << 160 << 63.24 << 3410792LL;
        QTest::addRow("w1.0 min 224") << "ofa-mbv3-w1.0"
                                      << "min" << 224 << 121.28 << 3410792LL;
        QTest::addRow("w1.2 max 160") << "ofa-mbv3-w1.2"
                                      << "max" << 160 << 433.56 << 10701632LL;
        QTest::addRow("w1.2 max 224") << "ofa-mbv3-w1.2"
                                      << "max" << 224 << 843.10 << 10701632LL;
        QTest::addRow("w1.2 min 160") << "ofa-mbv3-w1.2"
                                      << "min" << 160 << 100.32 << 4602456LL;
        QTest::addRow("w1.2 min 224") << "ofa-mbv3-w1.2"
                                      << "min" << 224 << 193.08 << 4602456LL;
    }
    void referenceCosts()
    {
        QFETCH(QString, preset);
        QFETCH(QString, which);
        QFETCH(int, r);
        QFETCH(double, mmacs);
        QFETCH(qint64, params);
        const SupernetSpec spec = SupernetSpec::preset(preset.toStdString());
        SubnetArch a = which == "max" ? SubnetArch::max(spec) : SubnetArch::min(spec);
        a.r = r;
        // Exact to the published two decimals.
        QCOMPARE(std::llround(static_cast<double>(a.macs(spec)) / 1e4), std::llround(mmacs * 100));
        QCOMPARE(static_cast<qint64>(a.params(spec)), params);
    }

    void textRoundTrip()
    {
        for (const std::string& name : SupernetSpec::presetNames()) {
            const SupernetSpec spec = SupernetSpec::preset(name);
            std::mt19937 rng(7);
            for (int i = 0; i < 200; ++i) {
                const SubnetArch a = SubnetArch::sample(spec, rng);
                QVERIFY(a.validate(spec).empty());
                const SubnetArch b = SubnetArch::parse(a.toString(), spec);
                QCOMPARE(b.toString(), a.toString());
                QVERIFY(b == a);
                QVERIFY(SubnetArch::fromJson(a.toJson(), spec) == a);
                // The JSON form is an arch text too (what every command's --arch reads).
                const QByteArray json = QJsonDocument(a.toJson()).toJson();
                QVERIFY(SubnetArch::parse(json.toStdString(), spec) == a);
            }
        }
    }

    void textForm()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const SubnetArch a = SubnetArch::parse("r28-k53.3.55.5-e43.2.44.4", spec);
        QCOMPARE(a.r, 28);
        QCOMPARE(a.d, (std::vector<int>{2, 1, 2, 1}));
        QCOMPARE(a.ks[0], 5);
        QCOMPARE(a.ks[1], 3);
        QCOMPARE(a.ks[2], 0);  // skipped block, canonical zero
        QCOMPARE(a.e[3], 2);
        QCOMPARE(SubnetArch::parse("max", spec).toString(),
                 std::string("r32-k555.555.555.555-e444.444.444.444"));
        QCOMPARE(SubnetArch::parse("min", spec).toString(), std::string("r24-k3.3.3.3-e2.2.2.2"));
    }

    void badArchsSayWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("needle");
        QTest::addRow("resolution") << "r30-k5.5.5.5-e4.4.4.4"
                                    << "resolution 30";
        QTest::addRow("kernel") << "r28-k7.5.5.5-e4.4.4.4"
                                << "kernel 7";
        QTest::addRow("expand") << "r28-k5.5.5.5-e6.4.4.4"
                                << "expand ratio 6";
        QTest::addRow("stages") << "r28-k5.5.5-e4.4.4"
                                << "stage groups";
        QTest::addRow("depth") << "r28-k5555.5.5.5-e4444.4.4.4"
                               << "at most 3";
        QTest::addRow("mismatch") << "r28-k55.5.5.5-e4.4.4.4"
                                  << "expand ratios";
        QTest::addRow("garbage") << "hello"
                                 << "three parts";
        QTest::addRow("json syntax") << R"({"ks": [5, 5)"
                                     << "not a JSON object";
        QTest::addRow("json field") << R"( {"ks": [5], "e": [4], "d": [1], "r": 28})"
                                    << "arch JSON";
    }
    void badArchsSayWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, needle);
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        try {
            SubnetArch::parse(text.toStdString(), spec);
            QFAIL("no exception");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains(needle), e.what());
        }
    }

    void jsonAcceptsOfaListResolution()
    {
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        QJsonObject o = SubnetArch::max(spec).toJson();
        o["r"] = QJsonArray{160};
        QCOMPARE(SubnetArch::fromJson(o, spec).r, 160);
        // As OFA prints a sampled net config, on one line.
        QCOMPARE(
            SubnetArch::parse(QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(), spec)
                .r,
            160);
        o["ks"] = QJsonArray{3, 5};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SubnetArch::fromJson(o, spec));
    }

    void costsAreMonotone()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const SubnetArch lo = SubnetArch::min(spec), hi = SubnetArch::max(spec);
        QVERIFY(lo.macs(spec) < hi.macs(spec));
        QVERIFY(lo.params(spec) < hi.params(spec));
    }
};

QTEST_GUILESS_MAIN(TestSubnetArch)
#include "tst_subnet_arch.moc"
