// SPDX-License-Identifier: MIT
// Progressive shrinking on a tiny synthetic task: it learns, it checkpoints, it resumes to
// bit-identical weights.
#include <QtTest>

#include <torch/torch.h>

#include "train/progressive_shrinking.h"

using namespace dofa;

namespace {

// Class c: a bright 6x6 square at one of ten positions, plus noise. Learnable in few steps.
FashionMnist syntheticData(int n)
{
    torch::manual_seed(11);
    FashionMnist ds;
    ds.labels = torch::arange(n).remainder(10).to(torch::kInt64);
    torch::Tensor img = torch::randint(0, 60, {n, 28, 28}, torch::kInt32);
    for (int i = 0; i < n; ++i) {
        const int c = i % 10;
        const int y = 3 + (c / 5) * 12, x = 1 + (c % 5) * 5;
        img[i].narrow(0, y, 8).narrow(1, x, 5).add_(180);
    }
    ds.images = img.clamp(0, 255).to(torch::kUInt8);
    return ds;
}

TrainConfig tinyConfig(const SupernetSpec& spec)
{
    TrainConfig c = TrainConfig::progressiveShrinking(spec, 0.1);  // one epoch per phase
    c.phases.resize(3);                                            // largest, kernel, depth-1
    c.phases[2].reorganizeStage = 0;  // exercise channel sorting on resume too
    c.batchSize = 32;
    c.valImages = 100;
    c.valLimit = 100;
    c.augmentPad = 1;
    return c;
}

std::vector<std::pair<std::string, torch::Tensor>> weights(const Supernet& net)
{
    return net->stateDict();
}

}  // namespace

class TestProgressiveShrinking : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void learnsAndResumesIdentically()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const FashionMnist data = syntheticData(500);
        TrainConfig config = tinyConfig(spec);
        config.phases[0].epochs = 3;
        QTemporaryDir dir;

        // Straight through.
        ProgressiveShrinking straight(spec, config, dir.filePath("a.ckpt").toStdString());
        QVERIFY(!straight.resumed());
        int progressCalls = 0;
        QVERIFY(straight.run(data,
                             [&](const ProgressiveShrinking::Progress& p) {
                                 ++progressCalls;
                                 QVERIFY(p.fraction > 0 && p.fraction <= 1.0 + 1e-9);
                             },
                             {}));
        QVERIFY(progressCalls > 0);
        QCOMPARE(straight.history().size(), size_t{5});
        const EpochRecord& last = straight.history().back();
        QVERIFY(std::isfinite(last.loss));
        QVERIFY2(straight.history()[2].valTop1Max > 40.0,
                 qPrintable(QString::number(straight.history()[2].valTop1Max)));

        // Stopped after the 4th epoch (first of phase 'kernel'), then resumed.
        std::atomic<bool> stop{false};
        const std::string ckpt = dir.filePath("b.ckpt").toStdString();
        {
            ProgressiveShrinking first(spec, config, ckpt);
            int epochs = 0;
            QVERIFY(!first.run(
                data, {}, [&](const EpochRecord&) { stop = ++epochs == 4; }, &stop));
            QCOMPARE(first.history().size(), size_t{4});
        }
        ProgressiveShrinking resumed(spec, config, ckpt);
        QVERIFY(resumed.resumed());
        QCOMPARE(resumed.history().size(), size_t{4});
        QVERIFY(resumed.run(data, {}, {}));
        QCOMPARE(resumed.history().size(), size_t{5});
        const auto a = weights(straight.net());
        const auto b = weights(resumed.net());
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QVERIFY2(torch::equal(a[i].second, b[i].second), a[i].first.c_str());
        }
    }

    void sandwichTrainsTheLargestEveryStep_data()
    {
        QTest::addColumn<bool>("sandwich");
        QTest::addRow("sampled only") << false;
        QTest::addRow("sandwich") << true;
    }
    void sandwichTrainsTheLargestEveryStep()
    {
        // A phase that samples depth 1 only never runs the second and third block of a stage;
        // with the sandwich rule the largest sub-network runs them in every step.
        QFETCH(bool, sandwich);
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        TrainConfig config = tinyConfig(spec);
        config.phases.resize(1);
        TrainPhase& phase = config.phases[0];
        phase.d = {spec.depths.front()};
        phase.subnetsPerStep = 2;
        phase.sandwich = sandwich;
        phase.distill = false;
        config.trainLimit = 64;
        config.valLimit = 0;
        config.valImages = 0;
        QCOMPARE(TrainPhase::fromJson(phase.toJson()).sandwich, sandwich);

        ProgressiveShrinking trainer(spec, config, "");
        const std::string deepKey =
            "blocks." + std::to_string(spec.maxDepth()) + ".conv.point_linear.conv.conv.weight";
        auto deepWeight = [&] {
            for (const auto& [key, t] : trainer.net()->stateDict()) {
                if (key == deepKey) {
                    return t.clone();
                }
            }
            return torch::Tensor();
        };
        const torch::Tensor before = deepWeight();
        QVERIFY(before.defined());
        QVERIFY(trainer.run(syntheticData(200), {}, {}));
        QCOMPARE(!torch::equal(before, deepWeight()), sandwich);
    }

    void otherConfigRefusesCheckpoint()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        TrainConfig config = tinyConfig(spec);
        config.phases.resize(1);
        config.trainLimit = 64;
        QTemporaryDir dir;
        const std::string ckpt = dir.filePath("c.ckpt").toStdString();
        ProgressiveShrinking(spec, config, ckpt).run(syntheticData(200), {}, {});
        TrainConfig changedPhase = config;
        changedPhase.phases[0].lr *= 2;
        config.batchSize = 16;
        for (const TrainConfig& other : {config, changedPhase}) {
            try {
                ProgressiveShrinking(spec, other, ckpt);
                QFAIL("mismatched config accepted");
            } catch (const std::runtime_error& e) {
                QVERIFY2(QString(e.what()).contains("another training config"), e.what());
            }
        }
    }

    void appendedPhaseContinuesAFinishedRun()
    {
        // A finished schedule extended by one phase resumes with that phase only: the first
        // phase's epochs stay in the history and its weights are the starting point.
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        TrainConfig config = tinyConfig(spec);
        config.phases.resize(1);
        config.trainLimit = 64;
        config.valLimit = 20;
        QTemporaryDir dir;
        const std::string ckpt = dir.filePath("d.ckpt").toStdString();
        const FashionMnist data = syntheticData(200);
        std::vector<std::pair<std::string, torch::Tensor>> afterFirst;
        {
            ProgressiveShrinking first(spec, config, ckpt);
            QVERIFY(first.run(data, {}, {}));
            afterFirst = weights(first.net());
        }
        TrainConfig extended = config;
        extended.phases.push_back(TrainConfig::progressiveShrinking(spec, 0.1).phases[1]);
        QVERIFY(ProgressiveShrinking::canResumeWith(config, extended));
        QVERIFY(!ProgressiveShrinking::canResumeWith(extended, config));
        ProgressiveShrinking second(spec, extended, ckpt);
        QVERIFY(second.resumed());
        const auto firstEpochs = static_cast<size_t>(config.phases[0].epochs);
        QCOMPARE(second.history().size(), firstEpochs);
        const auto loaded = weights(second.net());
        for (size_t i = 0; i < loaded.size(); ++i) {
            QVERIFY2(torch::equal(loaded[i].second, afterFirst[i].second), loaded[i].first.c_str());
        }
        QVERIFY(second.run(data, {}, {}));
        QCOMPARE(second.history().size(),
                 firstEpochs + static_cast<size_t>(extended.phases[1].epochs));
        QCOMPARE(second.history().back().phase, extended.phases[1].name);
        // The checkpoint now carries the extended schedule.
        QVERIFY(ProgressiveShrinking(spec, extended, ckpt).resumed());
    }
};

QTEST_GUILESS_MAIN(TestProgressiveShrinking)
#include "tst_progressive_shrinking.moc"
