// SPDX-License-Identifier: MIT
// Import of official OFA checkpoints, on real files written by Debian's python3-torch
// (tests/fixtures/ofa/make_ofa_fixtures.py).
#include <QtTest>
#include <fstream>
#include <iterator>

#include <torch/torch.h>
#include <zlib.h>

#include "checkpoint_edit.h"
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

/// Expects `importCheckpoint(path)` to throw a runtime_error naming `path` and each of `parts`.
void expectRefused(const std::string& path, const QStringList& parts)
{
    Supernet net(SupernetSpec::preset("ofa-mbv3-w1.0"));
    try {
        ofa::importCheckpoint(path, net);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        const QString msg = e.what();
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": "), e.what());
        for (const QString& part : parts) {
            QVERIFY2(msg.contains(part), qPrintable(msg + "\nlacks: " + part));
        }
    }
}

QString crcHex(const std::string& bytes)
{
    const uLong crc =
        crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
    return QString("%1").arg(crc, 8, 16, QChar('0'));
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

    // A real checkpoint whose data.pkl was hand-edited and zipped again (sound CRCs): opcodes
    // that take more items than the stack holds, or a MARK or memo that is not there. TUPLE1-3
    // on a short stack used to crash import-ofa (SIGSEGV); each is now an error naming the
    // file, the opcode and its byte.
    void malformedPickleIsRefused_data()
    {
        QTest::addColumn<QByteArray>("inserted");  // after the 2-byte PROTO of the real pickle
        QTest::addColumn<QStringList>("message");
        const QString under = "stack underflow";
        QTest::addRow("TUPLE1, empty stack") << QByteArray("\x85") << QStringList{under, "TUPLE1"};
        QTest::addRow("TUPLE2, one item") << QByteArray("N\x86") << QStringList{under, "TUPLE2"};
        QTest::addRow("TUPLE3, two items") << QByteArray("NN\x87") << QStringList{under, "TUPLE3"};
        QTest::addRow("TUPLE3, items below MARK")
            << QByteArray("NN(N\x87") << QStringList{"holds 1 above its MARK", "TUPLE3 at byte 6"};
        QTest::addRow("STOP, empty stack") << QByteArray(".") << QStringList{under, "STOP"};
        QTest::addRow("BUILD, one item") << QByteArray("Nb") << QStringList{under, "BUILD"};
        QTest::addRow("SETITEM, two items") << QByteArray("}Ns") << QStringList{under, "SETITEM"};
        QTest::addRow("SETITEMS, no MARK")
            << QByteArray("}u") << QStringList{"no MARK", "SETITEMS"};
        QTest::addRow("SETITEMS, odd items")
            << QByteArray("}(Nu") << QStringList{"odd number", "SETITEMS"};
        QTest::addRow("APPEND, one item") << QByteArray("]a") << QStringList{under, "APPEND"};
        QTest::addRow("APPENDS, no MARK") << QByteArray("]e") << QStringList{"no MARK", "APPENDS"};
        QTest::addRow("REDUCE, one item") << QByteArray("NR") << QStringList{under, "REDUCE"};
        QTest::addRow("BINPERSID, empty") << QByteArray("Q") << QStringList{under, "BINPERSID"};
        QTest::addRow("BINPUT, empty")
            << QByteArray("q\x00", 2) << QStringList{under, "BINPUT at byte 2"};
        QTest::addRow("BINGET, no such memo")
            << QByteArray("h\xc8") << QStringList{"memo 200 was never stored"};
        QTest::addRow("LONG1 of 9 bytes")
            << QByteArray("\x8a\x09", 2) + QByteArray(9, '\x01') << QStringList{"LONG1 of 9"};
    }
    void malformedPickleIsRefused()
    {
        QFETCH(QByteArray, inserted);
        QFETCH(QStringList, message);
        QTemporaryDir dir;
        const std::string path = dir.filePath("edited.pth").toStdString();
        testing::rewritePickle((kDir + "ofa_w1.0_partial_wrapped.pth").toStdString(), path,
                               [&](const std::string& pickle) {
                                   return pickle.substr(0, 2) + inserted.toStdString() +
                                          pickle.substr(2);
                               });
        expectRefused(path, QStringList{"data.pkl: "} + message);
    }

    // Pickles that are well formed but hostile: a million nested tuples (one byte each), and a
    // list that holds itself. Freeing them must neither overflow the stack nor leak.
    void deepAndCyclicPicklesAreFreed()
    {
        QTemporaryDir dir;
        const std::string src = (kDir + "ofa_w1.0_partial_wrapped.pth").toStdString();
        for (const std::string& body :
             {"N" + std::string(1000000, '\x85') + ".", std::string("]q\x00h\x00"
                                                                    "a.",
                                                                    7)}) {
            const std::string path = dir.filePath("hostile.pth").toStdString();
            testing::rewritePickle(
                src, path, [&](const std::string& pickle) { return pickle.substr(0, 2) + body; });
            expectRefused(path, {"top level is not a dict"});
        }
    }

    // One flipped bit in data.pkl or in a tensor's bytes, the zip left as it was: LibTorch's
    // zip reader does not check CRCs, so this used to load (a flipped tensor byte silently, as
    // a different weight). Refused with the entry and both CRCs.
    void corruptEntryIsRefused_data()
    {
        QTest::addColumn<QString>("record");
        QTest::addColumn<int>("offset");
        QTest::addRow("data.pkl, inside a key") << "data.pkl" << 100;
        QTest::addRow("data.pkl, last byte (STOP)") << "data.pkl" << -1;
        QTest::addRow("tensor data/0") << "data/0" << 5;
    }
    void corruptEntryIsRefused()
    {
        QFETCH(QString, record);
        QFETCH(int, offset);
        const std::string src = (kDir + "ofa_w1.0_partial_wrapped.pth").toStdString();
        auto [ptr, size] =
            caffe2::serialize::PyTorchStreamReader(src).getRecord(record.toStdString());
        std::string bytes(static_cast<const char*>(ptr.get()), size);
        const size_t at = offset >= 0 ? static_cast<size_t>(offset) : size - 1;
        const QString expected = crcHex(bytes);
        bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
        const QString computed = crcHex(bytes);
        QTemporaryDir dir;
        const std::string path = dir.filePath("corrupt.pth").toStdString();
        testing::flipByte(src, path, record.toStdString(), at);
        expectRefused(path, {"entry ofa_w1.0_partial_wrapped/" + record + " is corrupt",
                             "CRC-32 0x" + computed, "expected 0x" + expected});
    }

    void versionRecordIsChecked()
    {
        // The archive's format version, as LibTorch checks it (whose reader leaked miniz's
        // state when it threw on these: found by fuzz_torch_zip; dofa reads the zip itself).
        const std::string src = (kDir + "ofa_w1.0_partial_wrapped.pth").toStdString();
        std::ifstream in(src, std::ios::binary);
        const std::string original((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
        QTemporaryDir dir;
        auto written = [&](const std::string& name, const std::string& bytes) {
            const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
            std::ofstream(path, std::ios::binary) << bytes;
            return path;
        };
        // The name appears in the local header (30 bytes in) and the central directory (46).
        const std::string name = "ofa_w1.0_partial_wrapped/version";
        const size_t local = original.find(name);
        const size_t central = original.find(name, local + 1);
        QVERIFY(local != std::string::npos && central != std::string::npos);

        std::string renamed = original;
        renamed[local + name.size() - 1] = renamed[central + name.size() - 1] = 'x';
        expectRefused(written("no-version.pth", renamed),
                      {"no ofa_w1.0_partial_wrapped/version record"});

        // Version "." with the CRC-32s made to match: a sound zip of an unknown format.
        std::string bad = original;
        const size_t extra = static_cast<unsigned char>(bad[local - 30 + 28]) |
                             static_cast<unsigned char>(bad[local - 30 + 29]) << 8;
        const size_t data = local + name.size() + extra;
        const size_t size = static_cast<unsigned char>(bad[central - 46 + 24]);  // < 256
        bad[data] = '.';
        const uLong crc =
            crc32(0L, reinterpret_cast<const Bytef*>(&bad[data]), static_cast<uInt>(size));
        for (const size_t at : {local - 30 + 14, central - 46 + 16})
            for (int k = 0; k < 4; ++k)
                bad[at + k] = static_cast<char>((crc >> (8 * k)) & 0xff);
        expectRefused(written("bad-version.pth", bad),
                      {"unsupported torch.save format version '.", "reads 1 to 10"});
    }
};

QTEST_GUILESS_MAIN(TestOfaCheckpoint)
#include "tst_ofa_checkpoint.moc"
