// SPDX-License-Identifier: MIT
// DynamicModel: levels come from the profile with their own BN statistics, the cache is bounded
// and least-recently-used, a cached switch is a pointer swap, and a profile for another model is
// refused with the file named.
#include <QTemporaryDir>
#include <QtTest>
#include <thread>

#include <torch/torch.h>

#include "data/preprocess.h"
#include "model/dynamic_model.h"
#include "model/inference_threads.h"
#include "model_fixtures.h"
#include "supernet/model_file.h"

using namespace dofa;

class TestDynamicModel : public QObject
{
    Q_OBJECT
private:
    SupernetSpec m_spec = SupernetSpec::preset("fmnist-mbv3");

    /// Declared latencies: this test is about the cache, not about timing.
    Profile fixedProfile() const { return test::declaredProfile(m_spec); }

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void levelsRunWithTheirOwnStatistics()
    {
        torch::manual_seed(1);
        Supernet net(m_spec);
        Profile profile = fixedProfile();
        // Level 1 carries calibrated statistics that differ from the supernet's running ones.
        BnStats stats;
        net->beginBnCalibration();
        {
            torch::NoGradGuard g;
            net->forward(torch::randn({8, 1, 28, 28}) * 3 + 1, profile.levels[1].arch);
        }
        stats = net->endBnCalibration();
        QVERIFY(!stats.empty());
        profile.levels[1].bn = stats;

        DynamicModel model(net, profile, 0);
        QCOMPARE(model.level(), 3);  // starts on the most accurate level
        model.setLevel(1);
        const torch::Tensor images = torch::randint(0, 256, {2, 28, 28}, torch::kUInt8);
        const torch::Tensor got = model.forward(images);
        const StaticSubnet withStats = net->extract(profile.levels[1].arch, &stats);
        const StaticSubnet without = net->extract(profile.levels[1].arch);
        const torch::Tensor x = preprocess::toInput(images, 28, m_spec.mean, m_spec.std);
        torch::NoGradGuard g;
        QVERIFY(torch::allclose(got, withStats.forward(x), 1e-5, 1e-5));
        QVERIFY(!torch::allclose(got, without.forward(x), 1e-3, 1e-3));
    }

    void cacheIsBoundedAndLeastRecentlyUsed()
    {
        Supernet net(m_spec);
        DynamicModel model(net, fixedProfile(), 2);
        QCOMPARE(model.cacheCapacity(), 2);
        QCOMPARE(model.cachedCount(), 1);  // the start level
        LevelSwitch s = model.setLevel(0);
        QVERIFY(!s.cached);
        QCOMPARE(s.from, 3);
        QCOMPARE(s.to, 0);
        QCOMPARE(model.cachedCount(), 2);
        s = model.setLevel(3);
        QVERIFY(s.cached);
        // 0 is now the least recently used: loading 1 evicts it, keeps 3.
        s = model.setLevel(1);
        QVERIFY(!s.cached);
        QVERIFY(model.isCached(1));
        QVERIFY(model.isCached(3));
        QVERIFY(!model.isCached(0));
        QCOMPARE(model.cachedCount(), 2);
        // A preload never evicts the running level.
        model.preload(2);
        QVERIFY(model.isCached(2));
        QVERIFY(model.isCached(1));
        QCOMPARE(model.level(), 1);
        QCOMPARE(model.current().arch().toString(), model.levelInfo(1).arch.toString());
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, model.setLevel(4));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, model.setLevel(-1));
    }

    void cachedSwitchesExtractNothing()
    {
        // Printed, not asserted as a timing: bench/engine_bench measures it properly. What is
        // asserted is the mechanism: a cached switch reports cached and costs no extraction.
        Supernet net(m_spec);
        DynamicModel model(net, fixedProfile(), 0);
        for (int l = 0; l < model.levelCount(); ++l) {
            model.preload(l);
        }
        QCOMPARE(model.cachedCount(), model.levelCount());
        const std::int64_t bytes = model.cacheBytes();
        QVERIFY(bytes > 0);
        QVERIFY(model.supernetBytes() > 0);
        for (int i = 0; i < 20; ++i) {
            const LevelSwitch s = model.setLevel(i % model.levelCount());
            QVERIFY(s.cached);
        }
        QCOMPARE(model.cacheBytes(), bytes);  // switching allocates no new level
        qInfo("cache of %d levels: %lld bytes; supernet %lld bytes", model.cachedCount(),
              static_cast<long long>(bytes), static_cast<long long>(model.supernetBytes()));
    }

    void levelTableFollowsTheProfile()
    {
        Supernet net(m_spec);
        const Profile p = fixedProfile();
        const LevelTable t = levelTableFromProfile(p);
        QCOMPARE(t.size(), static_cast<int>(p.levels.size()));
        for (int i = 0; i < t.size(); ++i) {
            QCOMPARE(t.level(i).id, i);
            QCOMPARE(t.level(i).top1, p.levels[static_cast<size_t>(i)].top1);
            QCOMPARE(t.latencyMs(i), p.levels[static_cast<size_t>(i)].latency.mean);
            QCOMPARE(t.level(i).arch, p.levels[static_cast<size_t>(i)].arch.toString());
        }
    }

    void pacedLevelTableKeepsTheProfileOrder()
    {
        // Paced, the two small levels are slower than back to back and than level 2: the table
        // for paced frames takes the paced latencies, raised where they would not ascend.
        Profile p = fixedProfile();  // back to back 2, 3, 4, 5 ms
        p.levels[0].pacedLatency = LatencyStats{4.5, 4.5, 5.0, 0, 4, 10};
        p.levels[1].pacedLatency = LatencyStats{3.5, 3.5, 4.0, 0, 3, 10};
        p.levels[3].pacedLatency = LatencyStats{5.5, 5.5, 6.0, 0, 5, 10};
        const LevelTable paced = levelTableFromProfile(p, FrameArrival::Paced);
        QCOMPARE(paced.latencyMs(0), 4.5);
        QCOMPARE(paced.latencyMs(1), 4.5);  // 3.5, raised to level 0's
        QCOMPARE(paced.latencyMs(2), 4.5);  // back to back 4.0 (none paced), raised
        QCOMPARE(paced.latencyMs(3), 5.5);
        const LevelTable backToBack = levelTableFromProfile(p, FrameArrival::BackToBack);
        for (int i = 0; i < backToBack.size(); ++i) {
            QCOMPARE(backToBack.latencyMs(i), p.levels[static_cast<size_t>(i)].latency.mean);
        }
    }

    void inferenceThreadsHoldOnTheThreadThatRuns()
    {
        // OpenMP's thread count is per thread: what is set on one thread must be set again on
        // the thread that runs the forwards, and then holds there, BLAS included.
        setInferenceThreads(2);
        for (const int threads : {1, 2}) {
            InferenceThreads seen;
            std::thread worker([&] {
                setInferenceThreads(threads);
                seen = inferenceThreads();
            });
            worker.join();
            QCOMPARE(seen.intraOp, threads);
            QCOMPARE(seen.openmp, threads);
            if (seen.blasThreading == "pthreads") {
                QCOMPARE(seen.blasThreads, threads);  // a pool of its own, set with the rest
            }
            QVERIFY(!seen.describe().empty());
        }
        setInferenceThreads(1);
        QCOMPARE(inferenceThreads().intraOp, 1);
    }

    void openChecksTheProfileBelongsToTheModel()
    {
        QTemporaryDir dir;
        Supernet net(m_spec);
        ModelFile f;
        f.spec = m_spec;
        f.setWeights(net);
        const std::string modelPath = dir.filePath("m.dofa").toStdString();
        f.save(modelPath);
        Profile p = fixedProfile();
        p.modelChecksum = f.checksum;
        const std::string good = dir.filePath("good.json").toStdString();
        p.save(good);
        const auto model = DynamicModel::open(modelPath, good, 2);
        QCOMPARE(model->levelCount(), 4);

        p.modelChecksum = std::string(64, 'a');
        const std::string other = dir.filePath("other.json").toStdString();
        p.save(other);
        try {
            DynamicModel::open(modelPath, other);
            QFAIL("a profile of another model was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("other.json"), e.what());
        }
        Profile empty = p;
        empty.levels.clear();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DynamicModel(net, empty));
    }
};

QTEST_GUILESS_MAIN(TestDynamicModel)
#include "tst_dynamic_model.moc"
