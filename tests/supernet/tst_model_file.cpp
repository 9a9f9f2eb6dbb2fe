// SPDX-License-Identifier: MIT
#include <QtTest>

#include <torch/torch.h>

#include "supernet/model_file.h"

using namespace dofa;

namespace {

std::string writeModel(const QTemporaryDir& dir, const char* name = "m.dofa")
{
    const std::string path = dir.filePath(name).toStdString();
    ModelFile f;
    f.spec = SupernetSpec::preset("fmnist-mbv3");
    Supernet net(f.spec);
    f.setWeights(net);
    f.tensors.emplace_back("bn/x/mean", torch::arange(5, torch::kFloat32));
    f.metadata = QJsonObject{{"note", "test"}};
    f.save(path);
    return path;
}

QByteArray readAll(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

void writeAll(const std::string& path, const QByteArray& data)
{
    QFile f(QString::fromStdString(path));
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(data);
}

void expectError(const std::string& path, const QString& needle)
{
    try {
        ModelFile::load(path);
        QFAIL("loaded a bad file");
    } catch (const std::runtime_error& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains(QString::fromStdString(path)), e.what());
        QVERIFY2(msg.contains(needle), e.what());
    }
}

}  // namespace

class TestModelFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = writeModel(dir);
        const ModelFile m = ModelFile::load(path);
        QCOMPARE(m.spec.toJson(), SupernetSpec::preset("fmnist-mbv3").toJson());
        QCOMPARE(m.metadata.value("note").toString(), QString("test"));
        QCOMPARE(m.checksum.size(), size_t{64});
        Supernet net = m.buildSupernet(path);
        const auto extras = m.tensorsWithPrefix("bn/x/");
        QVERIFY(torch::equal(extras.at("mean"), torch::arange(5, torch::kFloat32)));
        // Same weights: saving again gives the same checksum.
        ModelFile again = m;
        again.setWeights(net);
        again.save(dir.filePath("again.dofa").toStdString());
        QCOMPARE(again.checksum, m.checksum);
        // Atomic write: no temporary left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);
    }

    void corruptByte()
    {
        QTemporaryDir dir;
        const std::string path = writeModel(dir);
        QByteArray data = readAll(path);
        data[data.size() / 2] = static_cast<char>(data[data.size() / 2] ^ 0x5a);
        writeAll(path, data);
        expectError(path, "checksum mismatch");
    }

    void truncated()
    {
        QTemporaryDir dir;
        const std::string path = writeModel(dir);
        const QByteArray data = readAll(path);
        writeAll(path, data.left(data.size() - 1000));
        expectError(path, "corrupt or truncated");
        writeAll(path, data.left(20));
        expectError(path, "truncated");
    }

    void notAModel()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.dofa").toStdString();
        writeAll(path, "hello world, this is not a model at all");
        expectError(path, "bad magic");
        writeAll(path, QByteArray("PK\x03\x04", 4) + QByteArray(100, 'x'));
        expectError(path, "import-ofa");
        expectError(dir.filePath("missing.dofa").toStdString(), "cannot open");
    }

    void mismatchedSpec()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.dofa").toStdString();
        ModelFile f;
        f.spec = SupernetSpec::preset("fmnist-mbv3");
        // Weights of another supernet under this spec: shapes disagree.
        SupernetSpec other = f.spec;
        other.stages[0].width = 32;
        f.setWeights(Supernet(other));
        f.save(path);
        const ModelFile m = ModelFile::load(path);
        try {
            (void)m.buildSupernet(path);
            QFAIL("mismatch accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("does not match spec"), e.what());
            QVERIFY2(QString(e.what()).contains("shape"), e.what());
        }
        // Missing weights.
        ModelFile g;
        g.spec = f.spec;
        g.tensors = {{"first_conv.conv.weight", torch::zeros({16, 1, 3, 3})}};
        g.save(path);
        try {
            (void)ModelFile::load(path).buildSupernet(path);
            QFAIL("missing weights accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("missing"), e.what());
        }
    }

    void unwritablePathIsAnError()
    {
        ModelFile f;
        f.spec = SupernetSpec::preset("fmnist-mbv3");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, f.save("/nonexistent-dir/x.dofa"));
    }
};

QTEST_GUILESS_MAIN(TestModelFile)
#include "tst_model_file.moc"
