// SPDX-License-Identifier: MIT
// The per-layer latency table: its keys follow the arch, it covers the space, its correction
// is a real least-squares fit, and it survives JSON.
#include <QtTest>
#include <chrono>

#include <torch/torch.h>

#include "search/latency_table.h"
#include "supernet/supernet.h"

using namespace dofa;

class TestLatencyTable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void keysFollowTheArch()
    {
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        SubnetArch a = SubnetArch::max(spec);
        const auto keys = LatencyTable::layerKeys(spec, a);
        // stem, blocks.0, 20 elastic blocks, tail.
        QCOMPARE(keys.size(), size_t{23});
        QCOMPARE(QString::fromStdString(keys[0]),
                 QString("Conv-input:224x224x3-output:112x112x16"));
        // OFA's own example key shape: stage 4, a later block at r=224 (14x14, 112 wide, SE,
        // h_swish, identity shortcut, k7, e6 -> 672).
        QVERIFY(std::find(keys.begin(), keys.end(),
                          "expanded_conv-input:14x14x112-output:14x14x112-expand:672-kernel:7-"
                          "stride:1-idskip:1-se:1-hs:1") != keys.end());
        QCOMPARE(QString::fromStdString(keys.back()),
                 QString("Tail-input:7x7x160-output:1x1x1000"));
        a.d.assign(5, 2);
        QCOMPARE(LatencyTable::layerKeys(spec, a).size(), size_t{13});
    }

    void buildCoversTheSpaceAndPredicts()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        LatencyOptions opts;
        opts.warmup = 1;
        opts.runs = 3;
        int calls = 0;
        LatencyTable table = LatencyTable::build(spec, opts, [&](int done, int total) {
            ++calls;
            QVERIFY(done <= total);
        });
        QCOMPARE(static_cast<size_t>(calls), table.size());
        std::mt19937 rng(5);
        for (int i = 0; i < 30; ++i) {
            const SubnetArch a = SubnetArch::sample(spec, rng);
            QVERIFY(table.predictRaw(spec, a) > 0);
        }
        QVERIFY(table.predictRaw(spec, SubnetArch::max(spec)) >
                table.predictRaw(spec, SubnetArch::min(spec)));

        const LatencyTable back = LatencyTable::fromJson(table.toJson());
        QCOMPARE(back.size(), table.size());
        QCOMPARE(back.predictRaw(spec, SubnetArch::max(spec)),
                 table.predictRaw(spec, SubnetArch::max(spec)));
    }

    void correctionIsALeastSquaresFit()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        LatencyTable table;
        // Synthetic entries: each layer 0.1 ms, so the raw sum counts layers.
        for (int r : spec.resolutions) {
            for (int k : spec.kernelSizes) {
                for (int e : spec.expandRatios) {
                    SubnetArch a = SubnetArch::max(spec);
                    a.r = r;
                    a.ks.assign(a.ks.size(), k);
                    a.e.assign(a.e.size(), e);
                    for (const auto& key : LatencyTable::layerKeys(spec, a)) {
                        table.setEntry(key, LatencyStats::fromSamples({0.1}));
                    }
                }
            }
        }
        std::mt19937 rng(9);
        std::vector<std::pair<SubnetArch, double>> measured;
        for (int i = 0; i < 20; ++i) {
            const SubnetArch a = SubnetArch::sample(spec, rng);
            measured.emplace_back(a, 1.5 * table.predictRaw(spec, a) + 0.25);
        }
        table.fitCorrection(spec, measured);
        QVERIFY(std::abs(table.scale() - 1.5) < 1e-9);
        QVERIFY(std::abs(table.offset() - 0.25) < 1e-9);
        QVERIFY(meanAbsPercentError(table, spec, measured) < 1e-6);

        LatencyTable empty;
        try {
            (void)empty.predictRaw(spec, SubnetArch::max(spec));
            QFAIL("a missing layer was not reported");
        } catch (const std::out_of_range& e) {
            QVERIFY2(QString(e.what()).contains("no entry for layer 'Conv-input:32x32x1"),
                     e.what());
        }
        try {
            (void)LatencyTable::fromJson(
                QJsonObject{{"entries", QJsonObject{{"x", QJsonObject{{"mean_ms", -1}}}}}});
            QFAIL("a bad entry was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("entry 'x'"), e.what());
        }
    }

    void measuredLatencyIsPositiveAndOrdered()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        Supernet net(spec);
        net->eval();
        LatencyOptions opts;
        opts.warmup = 3;
        opts.runs = 15;
        const LatencyStats big = measureLatency(net->extract(SubnetArch::max(spec)), 1, opts);
        QCOMPARE(big.runs, 15);
        QVERIFY(big.mean > 0 && big.min <= big.p50 && big.p50 <= big.p90);
        const LatencyStats s = LatencyStats::fromSamples({4, 1, 3, 2});
        QCOMPARE(s.mean, 2.5);
        QCOMPARE(s.p50, 2.5);
        QCOMPARE(s.min, 1.0);
        QVERIFY(std::abs(s.p90 - 3.7) < 1e-12);
        QVERIFY(std::abs(s.std - std::sqrt(1.25)) < 1e-12);
    }

    void pacedRunsStartAtTheFrameRate()
    {
        // Paced at 100 fps, timed run k (from 1) starts no earlier than k × 10 ms after the
        // warm-up: a sleep never ends early, so this bound holds on any machine.
        std::vector<std::chrono::steady_clock::time_point> starts;
        const auto run = [&] { starts.push_back(std::chrono::steady_clock::now()); };
        const LatencyStats paced = timeRuns(run, 2, 6, {}, 100.0);
        QCOMPARE(paced.runs, 6);
        QCOMPARE(starts.size(), size_t{8});  // 2 warm-up runs back to back, then 6 paced
        for (size_t i = 2; i < starts.size(); ++i) {
            QVERIFY(starts[i] - starts[1] >= std::chrono::milliseconds(10 * (i - 1)));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, timeRuns(run, 0, 1, {}, -1.0));
    }
};

QTEST_GUILESS_MAIN(TestLatencyTable)
#include "tst_latency_table.moc"
