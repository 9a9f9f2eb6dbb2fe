// SPDX-License-Identifier: MIT
// The `dofa` executable as scripts see it: exit codes, messages, and a whole eval run.
#include <QtTest>

#include <torch/torch.h>
#include <zlib.h>

#include "cli/cli.h"
#include "supernet/model_file.h"

using namespace dofa;

namespace {

struct Run
{
    int code = -1;
    QString out, err;
};

Run dofaRun(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(DOFA_CLI, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QByteArray bigEndian(int v)
{
    QByteArray b(4, 0);
    for (int i = 0; i < 4; ++i) {
        b[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    }
    return b;
}

void writeGz(const QString& path, const QByteArray& data)
{
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    gzwrite(f, data.constData(), static_cast<unsigned>(data.size()));
    gzclose(f);
}

void writeSplit(const QString& dir, const QString& prefix, int n)
{
    QByteArray images =
        QByteArray::fromHex("00000803") + bigEndian(n) + bigEndian(28) + bigEndian(28);
    QByteArray labels = QByteArray::fromHex("00000801") + bigEndian(n);
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < 28 * 28; ++k) {
            images.append(static_cast<char>((k * (i % 10 + 1)) % 256));
        }
        labels.append(static_cast<char>(i % 10));
    }
    writeGz(dir + "/" + prefix + "-images-idx3-ubyte.gz", images);
    writeGz(dir + "/" + prefix + "-labels-idx1-ubyte.gz", labels);
}

}  // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpAndUsage()
    {
        Run r = dofaRun({"--help"});
        QCOMPARE(r.code, int{kExitOk});
        for (const char* cmd :
             {"eval", "levels", "train", "calibrate", "arch", "info", "import-ofa"}) {
            QVERIFY2(r.out.contains(cmd), cmd);
        }
        QCOMPARE(dofaRun({}).code, int{kExitUsage});
        r = dofaRun({"frobnicate"});
        QCOMPARE(r.code, int{kExitUsage});
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
        QCOMPARE(dofaRun({"eval", "--no-such-option"}).code, int{kExitUsage});
        QCOMPARE(dofaRun({"train", "--help"}).code, int{kExitOk});
    }

    void archCommand()
    {
        Run r = dofaRun({"arch", "max"});
        QCOMPARE(r.code, int{kExitOk});
        QVERIFY(r.out.contains("r32-k555.555.555.555-e444.444.444.444"));
        QVERIFY(r.out.contains("MMACs"));
        r = dofaRun({"arch", "--preset", "ofa-mbv3-w1.0", "max"});
        QVERIFY(r.out.contains("MMACs       566.17"));
        r = dofaRun({"arch", "r30-k5.5.5.5-e4.4.4.4"});
        QCOMPARE(r.code, int{kExitUsage});
        QVERIFY(r.err.contains("resolution 30"));
    }

    void badFilesExitThree()
    {
        Run r = dofaRun({"eval", "--model", "/nonexistent/model.dofa"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY(r.err.contains("/nonexistent/model.dofa"));
        r = dofaRun({"import-ofa", DOFA_FIXTURES_DIR "/ofa/ofa_legacy_pickle.pth"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY(r.err.contains("legacy"));
        QTemporaryDir dir;
        r = dofaRun({"eval", "--model", DOFA_FIXTURES_DIR "/ofa/ofa_wrong_shape.pth"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY(r.err.contains("import-ofa"));
    }

    void importThenInfo()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("w10.dofa");
        Run r = dofaRun(
            {"import-ofa", DOFA_FIXTURES_DIR "/ofa/ofa_w1.0_partial_wrapped.pth", "-o", out});
        QCOMPARE(r.code, int{kExitBadInput});  // partial: refused without --partial
        QVERIFY(r.err.contains("missing"));
        r = dofaRun({"import-ofa", DOFA_FIXTURES_DIR "/ofa/ofa_w1.0_partial_wrapped.pth",
                     "--partial", "-o", out});
        QCOMPARE(r.code, int{kExitOk});
        QVERIFY(r.out.contains("58 tensors loaded"));
        r = dofaRun({"info", out});
        QCOMPARE(r.code, int{kExitOk});
        QVERIFY(r.out.contains("ofa-mbv3-w1.0"));
    }

    void evalOnSmallData()
    {
        QTemporaryDir dir;
        writeSplit(dir.path(), "train", 200);
        writeSplit(dir.path(), "t10k", 60);
        ModelFile m;
        m.spec = SupernetSpec::preset("fmnist-mbv3");
        m.setWeights(Supernet(m.spec));
        const QString model = dir.filePath("m.dofa");
        m.save(model.toStdString());
        Run r = dofaRun({"eval", "--model", model, "--data", dir.path(), "--arch", "min",
                         "--calib-images", "100", "--json"});
        QCOMPARE(r.code, int{kExitOk});
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value("total").toInt(), 60);
        QCOMPARE(o.value("arch").toString(), QString("r24-k3.3.3.3-e2.2.2.2"));
        r = dofaRun({"eval", "--model", model, "--data", dir.path() + "/missing"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY(r.err.contains("dataset-fashion-mnist"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
