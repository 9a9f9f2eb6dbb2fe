// SPDX-License-Identifier: MIT
#include <QtTest>

#include <torch/torch.h>

#include "data/preprocess.h"
#include "supernet/static_subnet.h"
#include "train/bn_calibration.h"

using namespace dofa;

class TestBnCalibration : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1);
        torch::manual_seed(3);
    }

    void deterministicWithSeed()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        Supernet net(spec);
        const torch::Tensor images = torch::randint(0, 256, {300, 28, 28}, torch::kUInt8);
        const SubnetArch arch = SubnetArch::parse("r28-k53.3.55.5-e43.2.44.4", spec);
        BnCalibrationOptions o;
        o.images = 200;
        o.batchSize = 50;
        const BnStats a = calibrateBn(net, arch, images, o);
        const BnStats b = calibrateBn(net, arch, images, o);
        QVERIFY(!a.empty());
        QCOMPARE(a.size(), b.size());
        for (const auto& [name, m] : a) {
            QVERIFY2(torch::equal(m.mean, b.at(name).mean), name.c_str());
            QVERIFY2(torch::equal(m.var, b.at(name).var), name.c_str());
        }
        o.seed = 1;
        const BnStats c = calibrateBn(net, arch, images, o);
        QVERIFY(!torch::equal(a.at("first_conv.bn").mean, c.at("first_conv.bn").mean));
    }

    void matchesReferenceProcedure()
    {
        // One batch, no augmentation: the stem BN statistics are the batch mean and the
        // *biased* variance of the stem convolution's output; only active channels appear.
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        Supernet net(spec);
        net->train();
        const torch::Tensor images = torch::randint(0, 256, {64, 28, 28}, torch::kUInt8);
        const SubnetArch arch = SubnetArch::min(spec);
        BnCalibrationOptions o;
        o.images = 64;
        o.batchSize = 64;
        o.augmentPad = 0;
        auto runningMean = [&] {
            for (auto& [k, t] : net->stateDict()) {
                if (k == "first_conv.bn.running_mean") {
                    return t.clone();
                }
            }
            return torch::Tensor();
        };
        const torch::Tensor before = runningMean();
        const BnStats stats = calibrateBn(net, arch, images, o);
        QVERIFY(net->is_training());                   // mode restored
        QVERIFY(torch::equal(before, runningMean()));  // supernet untouched

        // Subset order is a seeded shuffle, but mean and biased variance over the whole batch
        // do not depend on the order.
        std::map<std::string, torch::Tensor> sd;
        for (auto& [k, t] : net->stateDict()) {
            sd[k] = t;
        }
        torch::NoGradGuard g;
        const torch::Tensor x = preprocess::toInput(images, arch.r, spec.mean, spec.std);
        const torch::Tensor y = at::conv2d(x, sd["first_conv.conv.weight"], {}, 2, 1);
        const torch::Tensor mean = y.mean({0, 2, 3});
        const torch::Tensor var = y.var({0, 2, 3}, /*unbiased=*/false);
        QVERIFY(torch::allclose(stats.at("first_conv.bn").mean, mean, 1e-4, 1e-5));
        QVERIFY(torch::allclose(stats.at("first_conv.bn").var, var, 1e-4, 1e-5));
        // Elastic block 1 at e=2: 32 of its 64 inverted-bottleneck channels.
        const auto& ib = stats.at("blocks.1.conv.inverted_bottleneck.bn.bn");
        QCOMPARE(ib.mean.numel(), SupernetSpec::midChannels(16, 2));
        QVERIFY(stats.count("blocks.2.conv.inverted_bottleneck.bn.bn") == 0);  // skipped block
    }

    void calibratedExtractUsesTheStatistics()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        Supernet net(spec);
        const torch::Tensor images = torch::randint(0, 256, {100, 28, 28}, torch::kUInt8);
        const SubnetArch arch = SubnetArch::max(spec);
        BnCalibrationOptions o;
        o.images = 100;
        o.batchSize = 50;
        const BnStats stats = calibrateBn(net, arch, images, o);
        net->eval();
        torch::NoGradGuard g;
        const torch::Tensor x =
            preprocess::toInput(images.narrow(0, 0, 4), arch.r, spec.mean, spec.std);
        net->setBnOverride(&stats);
        const torch::Tensor ref = net->forward(x, arch);
        net->setBnOverride(nullptr);
        const torch::Tensor out = net->extract(arch, &stats).forward(x);
        QVERIFY((out - ref).abs().max().item<double>() < 1e-4);
        QVERIFY((net->forward(x, arch) - ref).abs().max().item<double>() > 1e-3);
    }
};

QTEST_GUILESS_MAIN(TestBnCalibration)
#include "tst_bn_calibration.moc"
