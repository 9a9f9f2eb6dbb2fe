// SPDX-License-Identifier: MIT
// The processor a dynamic model runs on (issue 14, CUDA): `--device` text is read strictly, an
// explicit CPU device gives exactly the default's logits, a CUDA device this LibTorch cannot use
// (any, with Debian's) is refused with the reason, and so is OpenCV DNN on a CUDA device.
#include <QtTest>

#include <torch/torch.h>

#include "model/compute_device.h"
#include "model/dynamic_model.h"
#include "model_fixtures.h"

using namespace dofa;

namespace {

/// The message of the std::invalid_argument `f` throws; empty when it throws none.
template <class F>
QString invalidArgument(F f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestComputeDevice : public QObject
{
    Q_OBJECT
private:
    SupernetSpec m_spec = SupernetSpec::preset("fmnist-mbv3");

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void parsesOnlyCpuAndCuda_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("cuda");
        QTest::addColumn<int>("index");
        QTest::newRow("cpu") << "cpu" << true << false << -1;
        QTest::newRow("cuda") << "cuda" << true << true << -1;
        QTest::newRow("cuda:0") << "cuda:0" << true << true << 0;
        QTest::newRow("cuda:12") << "cuda:12" << true << true << 12;
        // LibTorch's own parser takes these (or some of them); --device does not.
        for (const char* bad : {"", "CPU", "gpu", "mps", "cuda:", "cuda:x", "cuda:-1", "cuda:0:1",
                                " cpu", "cpu:0", "cuda:1234"}) {
            QTest::newRow(bad) << bad << false << false << -1;
        }
    }
    void parsesOnlyCpuAndCuda()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(bool, cuda);
        QFETCH(int, index);
        const std::optional<ComputeDevice> d = ComputeDevice::parse(text.toStdString());
        QCOMPARE(d.has_value(), valid);
        if (d) {
            QCOMPARE(d->isCuda(), cuda);
            QCOMPARE(d->index, index);
            QCOMPARE(QString::fromStdString(d->name()), text);  // the name reads back
            QCOMPARE(torchDevice(*d).is_cuda(), cuda);
        }
    }

    void cpuIsAlwaysAvailable()
    {
        QVERIFY(ComputeDevice{}.unavailableReason().empty());
        QVERIFY(torchDevice(ComputeDevice{}).is_cpu());
    }

    void explicitCpuGivesTheDefaultLogits()
    {
        torch::manual_seed(3);
        Supernet net(m_spec);
        const Profile profile = test::declaredProfile(m_spec);
        DynamicModel byDefault(net, profile, 0);
        DynamicModelOptions options;
        options.device = torchDevice(*ComputeDevice::parse("cpu"));
        DynamicModel onCpu(net, profile, options);
        QVERIFY(onCpu.device().is_cpu());
        QVERIFY(byDefault.device().is_cpu());
        const torch::Tensor images = torch::randint(0, 256, {3, 28, 28}, torch::kUInt8);
        for (int level = 0; level < byDefault.levelCount(); ++level) {
            byDefault.setLevel(level);
            onCpu.setLevel(level);
            onCpu.synchronize();  // a no-op on the CPU, and must not throw there
            const torch::Tensor a = byDefault.forward(images);
            const torch::Tensor b = onCpu.forward(images);
            QVERIFY(b.device().is_cpu());
            // Same weights, same operations, same thread count: bit for bit.
            QVERIFY2(torch::equal(a, b), qPrintable(QString("level %1").arg(level)));
        }
    }

    void unusableCudaIsRefused()
    {
        // Debian's LibTorch: any CUDA device, with how to build against one with CUDA. A CUDA
        // LibTorch: a device index no machine has. (No QSKIP: CI fails on skips.)
        const bool hasCuda = ComputeDevice::torchHasCuda();
        const ComputeDevice cuda = *ComputeDevice::parse(hasCuda ? "cuda:999" : "cuda:0");
        const QString why = QString::fromStdString(cuda.unavailableReason());
        if (hasCuda) {
            QVERIFY2(why.contains("no CUDA device"), qPrintable(why));
        } else {
            QVERIFY2(why.contains("built without CUDA") && why.contains("-DTorch_DIR="),
                     qPrintable(why));
        }
        Supernet net(m_spec);
        DynamicModelOptions options;
        options.device = torchDevice(cuda);
        const QString thrown = invalidArgument(
            [&] { DynamicModel model(net, test::declaredProfile(m_spec), options); });
        QVERIFY2(thrown.contains(why), qPrintable(thrown));
    }

    void opencvIsRefusedOnCuda_data()
    {
        QTest::addColumn<int>("backend");
        QTest::newRow("opencv") << static_cast<int>(LevelBackend::OpenCvDnn);
        QTest::newRow("auto") << static_cast<int>(LevelBackend::Auto);
    }
    void opencvIsRefusedOnCuda()
    {
        QFETCH(int, backend);
        Supernet net(m_spec);
        DynamicModelOptions options;
        options.device = torch::Device(torch::kCUDA, 0);
        options.backend = static_cast<LevelBackend>(backend);
        const QString thrown = invalidArgument(
            [&] { DynamicModel model(net, test::declaredProfile(m_spec), options); });
        QVERIFY2(thrown.contains("OpenCV DNN backend runs on the CPU only"), qPrintable(thrown));
        // A level pinned to OpenCV DNN by the profile is refused too.
        options.backend = LevelBackend::Torch;
        options.levelBackends = {LevelBackend::Torch, static_cast<LevelBackend>(backend)};
        const QString pinned = invalidArgument(
            [&] { DynamicModel model(net, test::declaredProfile(m_spec), options); });
        QVERIFY2(pinned.contains("runs on the CPU only"), qPrintable(pinned));
    }
};

QTEST_GUILESS_MAIN(TestComputeDevice)
#include "tst_compute_device.moc"
