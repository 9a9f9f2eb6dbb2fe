// SPDX-License-Identifier: MIT
// extract(arch) must compute exactly what the elastic supernet computes in eval mode.
#include <QtTest>
#include <random>

#include <torch/torch.h>

#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

using namespace dofa;

namespace {

// Random BN statistics and affine parameters, and non-identity kernel transforms, so that
// folding, slicing and the 7->5->3 chain are all exercised (fresh BN would be identities).
void randomise(Supernet& net, std::mt19937& rng)
{
    torch::NoGradGuard noGrad;
    torch::manual_seed(rng());
    for (auto& [key, t] : net->stateDict()) {
        if (key.find("running_var") != std::string::npos) {
            t.uniform_(0.5, 2.0);
        } else if (key.find("running_mean") != std::string::npos) {
            t.normal_(0.0, 0.2);
        } else if (key.find(".bn.") != std::string::npos &&
                   key.find("weight") != std::string::npos) {
            t.uniform_(0.5, 1.5);
        } else if (key.find(".bn.") != std::string::npos && key.find("bias") != std::string::npos) {
            t.normal_(0.0, 0.1);
        } else if (key.find("_matrix") != std::string::npos) {
            t.add_(torch::randn_like(t) * 0.1);
        }
    }
}

}  // namespace

class TestExtract : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void extractedEqualsSupernet_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("archs");
        QTest::addRow("fmnist-mbv3") << "fmnist-mbv3" << 60;
        QTest::addRow("ofa-mbv3-w1.0") << "ofa-mbv3-w1.0" << 50;
        QTest::addRow("ofa-mbv3-w1.2") << "ofa-mbv3-w1.2" << 50;
    }
    void extractedEqualsSupernet()
    {
        QFETCH(QString, preset);
        QFETCH(int, archs);
        const SupernetSpec spec = SupernetSpec::preset(preset.toStdString());
        std::mt19937 rng(42);
        Supernet net(spec);
        randomise(net, rng);
        net->eval();
        torch::NoGradGuard noGrad;
        double worst = 0;
        // OFA archs at the smallest resolutions keep the test fast; the network is
        // resolution-agnostic, and the fmnist preset runs every resolution.
        const std::vector<int> res =
            spec.resolutions.size() > 4 ? std::vector<int>{spec.resolutions[0], spec.resolutions[1]}
                                        : spec.resolutions;
        for (int i = 0; i < archs; ++i) {
            SubnetArch a = SubnetArch::sample(spec, rng, spec.kernelSizes, spec.expandRatios,
                                              spec.depths, res);
            if (i == 0) {
                a = SubnetArch::max(spec);
                a.r = res.back();
            } else if (i == 1) {
                a = SubnetArch::min(spec);
            }
            const torch::Tensor x = torch::randn({2, spec.inChannels, a.r, a.r});
            const torch::Tensor ref = net->forward(x, a);
            const StaticSubnet sub = net->extract(a);
            const torch::Tensor out = sub.forward(x);
            QCOMPARE(out.sizes(), ref.sizes());
            const double diff = (out - ref).abs().max().item<double>();
            worst = std::max(worst, diff);
            QVERIFY2(diff <= 1e-4, (a.toString() + " differs by " + std::to_string(diff)).c_str());
        }
        qInfo("%s: %d archs, worst |diff| %.3g", qPrintable(preset), archs, worst);
    }

    void kernelTransformOrder()
    {
        // With identity transforms the 3x3 kernel is the centre of the 7x7; with a scaled
        // 7to5 matrix, the 3x3 kernel must come out of the *transformed* 5x5 (7->5->3).
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        Supernet net(spec);
        net->eval();
        SubnetArch a = SubnetArch::min(spec);
        a.d.assign(5, 2);
        std::map<std::string, torch::Tensor> sd;
        for (auto& [k, t] : net->stateDict()) {
            sd[k] = t;
        }
        const torch::Tensor w7 = sd["blocks.1.conv.depth_conv.conv.conv.weight"];
        const StaticSubnet ident = net->extract(a);
        {
            torch::NoGradGuard g;
            sd["blocks.1.conv.depth_conv.conv.7to5_matrix"].mul_(2.0);
        }
        const StaticSubnet scaled = net->extract(a);
        // blocks[1] of the static net is elastic block 1; its depthwise weight is folded with
        // the same BN in both, so the ratio of the raw kernels is the transform's factor.
        const torch::Tensor k1 = ident.blocks[1].depthwise.weight;
        const torch::Tensor k2 = scaled.blocks[1].depthwise.weight;
        QVERIFY(torch::allclose(k2, k1 * 2.0, 1e-5, 1e-6));
        QCOMPARE(k1.size(2), 3);
        Q_UNUSED(w7);
    }
};

QTEST_GUILESS_MAIN(TestExtract)
#include "tst_extract.moc"
