// SPDX-License-Identifier: MIT
// DynamicModel's level backends: a level run by OpenCV DNN on its in-memory ONNX export gives
// the LibTorch logits (within 1e-4) with the same preprocessing, Auto times both and records
// the medians, levels on different backends switch back and forth, and a level OpenCV DNN
// cannot run falls back to LibTorch with the reason.
#include <QtTest>

#include <torch/torch.h>

#include "model/dynamic_model.h"
#include "model/opencv_dnn_level.h"
#include "model_fixtures.h"

using namespace dofa;

class TestLevelBackends : public QObject
{
    Q_OBJECT
private:
    SupernetSpec m_spec = SupernetSpec::preset("fmnist-mbv3");

    /// Four levels of the default preset, level 1 with its own calibrated BN statistics (the
    /// export must fold those, not the supernet's running ones).
    Profile profile(Supernet& net) const
    {
        Profile p = test::declaredProfile(m_spec);
        net->beginBnCalibration();
        {
            torch::NoGradGuard g;
            net->forward(torch::randn({8, 1, 28, 28}) * 3 + 1, p.levels[1].arch);
        }
        p.levels[1].bn = net->endBnCalibration();
        return p;
    }

    static DynamicModelOptions options(LevelBackend b)
    {
        DynamicModelOptions o;
        o.backend = b;
        return o;
    }

    /// The shipped model with its 1-thread profile: trained weights (logits of several units,
    /// so a 1e-4 agreement means something; random weights give logits near 1e-8) and eight
    /// levels with their own BN statistics.
    static std::unique_ptr<DynamicModel> shipped(const DynamicModelOptions& o)
    {
        return DynamicModel::open(DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa",
                                  DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json", o);
    }

    static double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
    {
        return (a - b).abs().max().item<double>();
    }

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void namesRoundTrip()
    {
        for (LevelBackend b : {LevelBackend::Torch, LevelBackend::OpenCvDnn, LevelBackend::Auto}) {
            QVERIFY(levelBackendFromName(levelBackendName(b)) == b);
        }
        QVERIFY(!levelBackendFromName("tensorrt"));
    }

    void openCvMatchesTorchOnEveryLevel()
    {
        torch::manual_seed(2);
        const auto torchOwned = shipped(options(LevelBackend::Torch));
        const auto cvOwned = shipped(options(LevelBackend::OpenCvDnn));
        DynamicModel& torchModel = *torchOwned;
        DynamicModel& cvModel = *cvOwned;
        double worst = 0;
        // Batch 1 (as exported) and 3 (OpenCV re-shapes the static graph), 28 px images and
        // 20 px ones (the levels at 24 and 32 px resize them: the shared preprocessing).
        for (const auto& shape :
             {std::vector<int64_t>{1, 28, 28}, std::vector<int64_t>{3, 20, 20}}) {
            const torch::Tensor images = torch::randint(0, 256, shape, torch::kUInt8);
            for (int l = 0; l < torchModel.levelCount(); ++l) {
                torchModel.setLevel(l);
                cvModel.setLevel(l);
                QCOMPARE(torchModel.levelBackend(l), "torch");
                QCOMPARE(cvModel.levelBackend(l), "opencv");
                const torch::Tensor want = torchModel.forward(images);
                const torch::Tensor got = cvModel.forward(images);
                QVERIFY(got.sizes() == want.sizes());
                const double d = maxDiff(got, want);
                QVERIFY(want.abs().max().item<double>() > 1.0);  // a comparison that can fail
                QVERIFY2(d < 1e-4, qPrintable(QString("level %1: %2").arg(l).arg(d)));
                worst = std::max(worst, d);
                const auto info = cvModel.backendInfo(l);
                QVERIFY(info && info->maxDifference && *info->maxDifference < 1e-4);
            }
        }
        qInfo("%d levels, batches 1 and 3: largest |OpenCV - LibTorch| logit %.2g",
              torchModel.levelCount(), worst);
    }

    void autoPicksTheFasterAndRecordsBothMedians()
    {
        torch::manual_seed(3);
        const auto modelOwned = shipped(options(LevelBackend::Auto));
        const auto refOwned = shipped(options(LevelBackend::Torch));
        DynamicModel& model = *modelOwned;
        DynamicModel& ref = *refOwned;
        const torch::Tensor images = torch::randint(0, 256, {1, 28, 28}, torch::kUInt8);
        for (int l = 0; l < model.levelCount(); ++l) {
            model.setLevel(l);
            ref.setLevel(l);
            const auto info = model.backendInfo(l);
            QVERIFY(info.has_value());
            QVERIFY2(info->torchMs && info->opencvMs, info->reason.c_str());
            QVERIFY(*info->torchMs > 0 && *info->opencvMs > 0);
            const LevelBackend faster =
                *info->opencvMs < *info->torchMs ? LevelBackend::OpenCvDnn : LevelBackend::Torch;
            QVERIFY(info->backend == faster);
            QCOMPARE(model.levelBackend(l), levelBackendName(faster));
            QCOMPARE(info->threads, 1);
            QVERIFY(QString::fromStdString(info->reason).startsWith("auto: "));
            QVERIFY(maxDiff(model.forward(images), ref.forward(images)) < 1e-4);
            qInfo("level %d: %s", l, info->reason.c_str());
        }
    }

    void autoMeasuresALevelOncePerThreadCount()
    {
        torch::manual_seed(4);
        Supernet net(m_spec);
        DynamicModelOptions o = options(LevelBackend::Auto);
        o.cacheCapacity = 1;
        DynamicModel model(net, profile(net), o);
        model.setLevel(0);
        const LevelBackendInfo first = *model.backendInfo(0);
        model.setLevel(1);  // evicts level 0
        QVERIFY(!model.isCached(0));
        const LevelSwitch s = model.setLevel(0);
        QVERIFY(!s.cached);
        const LevelBackendInfo again = *model.backendInfo(0);
        // Not timed again: the very same medians, the same choice.
        QCOMPARE(*again.torchMs, *first.torchMs);
        QCOMPARE(*again.opencvMs, *first.opencvMs);
        QVERIFY(again.backend == first.backend);
        QCOMPARE(model.levelBackend(0), levelBackendName(first.backend));

        // Another thread count is another machine as far as timing goes: measured afresh.
        torch::set_num_threads(2);
        model.setLevel(1);
        model.setLevel(0);
        torch::set_num_threads(1);
        QCOMPARE(model.backendInfo(0)->threads, 2);
    }

    void mixedBackendsSwitchBackAndForth()
    {
        torch::manual_seed(5);
        DynamicModelOptions o;
        for (int l = 0; l < 8; ++l) {
            o.levelBackends.push_back(l % 2 == 0 ? LevelBackend::OpenCvDnn : LevelBackend::Torch);
        }
        o.cacheCapacity = 3;  // with 8 levels, switching also evicts and rebuilds
        const auto modelOwned = shipped(o);
        const auto refOwned = shipped(options(LevelBackend::Torch));
        DynamicModel& model = *modelOwned;
        DynamicModel& ref = *refOwned;
        QCOMPARE(model.levelCount(), 8);
        const torch::Tensor images = torch::randint(0, 256, {2, 28, 28}, torch::kUInt8);
        for (int i = 0; i < 24; ++i) {
            const int l = (i * 3) % model.levelCount();
            model.setLevel(l);
            ref.setLevel(l);
            QCOMPARE(model.level(), l);
            QCOMPARE(model.levelBackend(l), l % 2 == 0 ? "opencv" : "torch");
            QVERIFY(maxDiff(model.forward(images), ref.forward(images)) < 1e-4);
        }
        QVERIFY(model.cachedCount() <= 3);
    }

    void aLevelOpenCvCannotRunFallsBackToTorch()
    {
        torch::manual_seed(6);
        Supernet net(m_spec);
        const Profile p = profile(net);
        // A tolerance no output can meet: the agreement check fails for every level, which
        // must leave the level on LibTorch, with the reason, and not stop the model.
        DynamicModelOptions o = options(LevelBackend::OpenCvDnn);
        o.agreementTolerance = -1;
        DynamicModel model(net, p, o);
        DynamicModel ref(net, p, options(LevelBackend::Torch));
        const torch::Tensor images = torch::randint(0, 256, {1, 28, 28}, torch::kUInt8);
        for (int l = 0; l < model.levelCount(); ++l) {
            model.setLevel(l);
            ref.setLevel(l);
            QCOMPARE(model.levelBackend(l), "torch");
            const auto info = model.backendInfo(l);
            QVERIFY2(QString::fromStdString(info->reason).contains("differ"), info->reason.c_str());
            QVERIFY(torch::equal(model.forward(images), ref.forward(images)));
        }
        // A network OpenCV DNN cannot be given (nothing to export) is refused with the reason.
        try {
            OpenCvDnnLevel empty{StaticSubnet{}};
            QFAIL("an empty sub-network was loaded");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("ONNX export failed"), e.what());
        }
    }

    void existingConstructorsStayOnTorch()
    {
        Supernet net(m_spec);
        DynamicModel model(net, profile(net), 2);
        QVERIFY(model.backendOption() == LevelBackend::Torch);
        QCOMPARE(model.levelBackend(model.level()), "torch");
        QCOMPARE(model.levelBackend(0), "");  // never cached yet
        QVERIFY(!model.backendInfo(0));
    }
};

QTEST_GUILESS_MAIN(TestLevelBackends)
#include "tst_level_backends.moc"
