// SPDX-License-Identifier: MIT
// Import of official OFA checkpoints, on real files written by Debian's python3-torch
// (tests/fixtures/ofa/make_ofa_fixtures.py).
#include <QtTest>

#include <torch/torch.h>

#include "supernet/ofa_checkpoint.h"

using namespace dofa;

namespace {

const QString kDir = QStringLiteral(DOFA_FIXTURES_DIR "/ofa/");

// The generator's formula: v[i] = (i % 101) / 100 + len(canonical_key) % 7.
torch::Tensor expectedValue(const std::string& key, const torch::Tensor& like)
{
    const int64_t n = like.numel();
    torch::Tensor v = torch::arange(n).remainder(101).to(torch::kFloat32) / 100.0 +
                      static_cast<double>(ofa::canonicalKey(key).size() % 7);
    return v.reshape(like.sizes());
}

}  // namespace

class TestOfaCheckpoint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void canonicalKeys()
    {
        QCOMPARE(ofa::canonicalKey("blocks.1.mobile_inverted_conv.inverted_bottleneck.conv.conv."
                                   "weight"),
                 std::string("blocks.1.conv.inverted_bottleneck.conv.weight"));
        QCOMPARE(ofa::canonicalKey("blocks.1.conv.depth_conv.bn.bn.running_var"),
                 ofa::canonicalKey("blocks.1.conv.depth_conv.bn.running_var"));
        QCOMPARE(ofa::canonicalKey("classifier.linear.linear.weight"),
                 std::string("classifier.linear.weight"));
        // Every key of both presets stays distinct after collapsing.
        for (const char* p : {"ofa-mbv3-w1.0", "ofa-mbv3-w1.2"}) {
            Supernet net(SupernetSpec::preset(p));
            std::set<std::string> seen;
            for (const auto& [k, t] : net->stateDict()) {
                QVERIFY2(seen.insert(ofa::canonicalKey(k)).second, k.c_str());
            }
        }
    }

    void importBothNamings_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("container");
        QTest::addRow("mobile_inverted_conv, raw") << "ofa_w1.0_partial_mobile_inverted.pth"
                                                   << "state dict";
        QTest::addRow("conv + single bn, wrapped") << "ofa_w1.0_partial_wrapped.pth"
                                                   << "{'state_dict': ...}";
    }
    void importBothNamings()
    {
        QFETCH(QString, file);
        QFETCH(QString, container);
        Supernet net(SupernetSpec::preset("ofa-mbv3-w1.0"));
        const ofa::ImportReport r = ofa::importCheckpoint((kDir + file).toStdString(), net);
        QCOMPARE(QString::fromStdString(r.container), container);
        QVERIFY2(r.unexpected.empty(), r.unexpected.empty() ? "" : r.unexpected[0].c_str());
        // first_conv 5 + blocks.0 10 + blocks.1 17 (with both transform matrices) +
        // blocks.5 21 (SE) + final expand 5
        // (num_batches_tracked entries are ignored).
        QCOMPARE(r.loaded, 5 + 10 + 17 + 21 + 5);
        QVERIFY(!r.missing.empty());
        std::map<std::string, torch::Tensor> sd;
        for (auto& [k, t] : net->stateDict()) {
            sd[k] = t;
        }
        for (const char* key :
             {"first_conv.conv.weight", "blocks.0.conv.point_linear.bn.bias",
              "blocks.1.conv.inverted_bottleneck.conv.conv.weight",
              "blocks.5.conv.depth_conv.conv.7to5_matrix",
              "blocks.5.conv.depth_conv.se.fc.expand.bias",
              "blocks.5.conv.point_linear.bn.bn.running_var", "final_expand_layer.bn.weight"}) {
            const torch::Tensor t = sd.at(key);
            QVERIFY2(torch::equal(t, expectedValue(key, t)), key);
        }
        // A key the file lacks keeps its initial value and is reported missing.
        QVERIFY(std::find(r.missing.begin(), r.missing.end(), "classifier.linear.weight") !=
                r.missing.end());
    }

    void legacyPickleIsRefusedWithAdvice()
    {
        Supernet net(SupernetSpec::preset("ofa-mbv3-w1.0"));
        const std::string path = (kDir + "ofa_legacy_pickle.pth").toStdString();
        try {
            ofa::importCheckpoint(path, net);
            QFAIL("legacy pickle accepted");
        } catch (const std::runtime_error& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("legacy"), e.what());
            QVERIFY2(msg.contains("torch.save"), e.what());
            QVERIFY2(msg.contains(QString::fromStdString(path)), e.what());
        }
    }

    void wrongShapeNamesKeyAndShapes()
    {
        Supernet net(SupernetSpec::preset("ofa-mbv3-w1.0"));
        try {
            ofa::importCheckpoint((kDir + "ofa_wrong_shape.pth").toStdString(), net);
            QFAIL("wrong shape accepted");
        } catch (const std::runtime_error& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("first_conv.conv.weight"), e.what());
            QVERIFY2(msg.contains("[8, 3, 3, 3]"), e.what());
            QVERIFY2(msg.contains("[16, 3, 3, 3]"), e.what());
        }
    }

    void notACheckpoint()
    {
        Supernet net(SupernetSpec::preset("ofa-mbv3-w1.0"));
        QTemporaryFile f;
        QVERIFY(f.open());
        f.write("definitely not a zip");
        f.close();
        try {
            ofa::importCheckpoint(f.fileName().toStdString(), net);
            QFAIL("garbage accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("not a PyTorch checkpoint"), e.what());
        }
        // Truncated zip.
        QFile src(kDir + "ofa_w1.0_partial_wrapped.pth");
        QVERIFY(src.open(QIODevice::ReadOnly));
        QTemporaryFile cut;
        QVERIFY(cut.open());
        cut.write(src.read(src.size() / 2));
        cut.close();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 ofa::importCheckpoint(cut.fileName().toStdString(), net));
    }
};

QTEST_GUILESS_MAIN(TestOfaCheckpoint)
#include "tst_ofa_checkpoint.moc"
