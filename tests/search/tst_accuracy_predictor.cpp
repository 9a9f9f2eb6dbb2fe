// SPDX-License-Identifier: MIT
// The accuracy predictor learns a known function of the arch well enough to rank archs.
#include <QtTest>

#include <torch/torch.h>

#include "search/accuracy_predictor.h"

using namespace dofa;

class TestAccuracyPredictor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void encodingIsOneHot()
    {
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        AccuracyPredictor p(spec, 16);
        QCOMPARE(p.inputSize(), 20 * 6 + 25);  // as OFA's ArchEncoder: 60 ks + 60 e + |R|
        SubnetArch a = SubnetArch::max(spec);
        a.d.assign(5, 2);
        a = a.canonical(spec);
        const torch::Tensor x = p.encode({a});
        // 10 active blocks, one kernel and one expand bit each, one resolution bit.
        QCOMPARE(x.sum().item<double>(), 21.0);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)p.predict(a));
    }

    void learnsAndRanks()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        std::mt19937 rng(2);
        auto truth = [&](const SubnetArch& a) {
            double v = 80.0 + 0.5 * static_cast<double>(a.r - 24);
            for (int i = 0; i < spec.numElasticBlocks(); ++i) {
                if (a.isActive(spec, i)) {
                    v += 0.3 * a.e[i] + (a.ks[i] == 5 ? 0.2 : 0.0);
                }
            }
            return v;
        };
        std::vector<SubnetArch> train, test;
        std::vector<double> y;
        for (int i = 0; i < 300; ++i) {
            train.push_back(SubnetArch::sample(spec, rng));
            y.push_back(truth(train.back()));
        }
        for (int i = 0; i < 60; ++i) {
            test.push_back(SubnetArch::sample(spec, rng));
        }
        AccuracyPredictor p(spec, 128);
        const double rmse = p.fit(train, y, 600);
        QVERIFY2(rmse < 0.5, qPrintable(QString::number(rmse)));
        const std::vector<double> pred = p.predict(test);
        double err = 0;
        int concordant = 0, pairs = 0;
        for (size_t i = 0; i < test.size(); ++i) {
            err += std::abs(pred[i] - truth(test[i]));
            for (size_t j = i + 1; j < test.size(); ++j) {
                const double dt = truth(test[i]) - truth(test[j]);
                if (std::abs(dt) > 0.5) {
                    ++pairs;
                    concordant += (dt > 0) == (pred[i] > pred[j]) ? 1 : 0;
                }
            }
        }
        err /= static_cast<double>(test.size());
        QVERIFY2(err < 1.0, qPrintable(QString::number(err)));
        QVERIFY2(concordant > 0.9 * pairs, qPrintable(QString("%1/%2").arg(concordant).arg(pairs)));
    }
};

QTEST_GUILESS_MAIN(TestAccuracyPredictor)
#include "tst_accuracy_predictor.moc"
