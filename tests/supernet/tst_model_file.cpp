// SPDX-License-Identifier: MIT
#include <QtTest>

#include <torch/torch.h>

#include "model_header_edit.h"
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

    void writesTheInputContract()
    {
        // A writer that sets no contract still writes one: the spec's legacy default.
        QTemporaryDir dir;
        const std::string path = writeModel(dir);
        const ModelFile m = ModelFile::load(path);
        QVERIFY(!m.inputDefaulted);
        QCOMPARE(m.inputContract().toJson(), InputContract::fashionMnist(m.spec).toJson());
        QCOMPARE(m.classNames().size(), size_t{10});

        // A contract set by the writer comes back as written.
        ModelFile f;
        f.spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        std::vector<std::string> names;
        for (int i = 0; i < 1000; ++i) {
            names.push_back("thing " + std::to_string(i));
        }
        f.input = InputContract::imagenet(f.spec, names);
        const std::string ofaPath = dir.filePath("ofa.dofa").toStdString();
        f.save(ofaPath);  // no tensors: the header is what is tested
        const ModelFile g = ModelFile::load(ofaPath);
        QVERIFY(!g.inputDefaulted);
        QCOMPARE(g.classNames(), names);
        QCOMPARE(g.inputContract().toJson(), f.input.toJson());
    }

    void oldFileLoadsWithTheDefault()
    {
        QTemporaryDir dir;
        const std::string path = writeModel(dir);
        const std::string before = ModelFile::load(path).checksum;
        testing::stripInputContract(QString::fromStdString(path));
        const ModelFile m = ModelFile::load(path);
        QVERIFY(m.checksum != before);  // the helper really rewrote the file
        QVERIFY(m.inputDefaulted);
        QCOMPARE(m.inputContract().toJson(), InputContract::fashionMnist(m.spec).toJson());
        QCOMPARE(m.classNames().front(), std::string("T-shirt/top"));
        (void)m.buildSupernet(path);

        // An old import-ofa file (3 channels, 1000 classes) gets the ImageNet contract.
        ModelFile f;
        f.spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        const std::string ofaPath = dir.filePath("ofa.dofa").toStdString();
        f.save(ofaPath);
        testing::stripInputContract(QString::fromStdString(ofaPath));
        const ModelFile g = ModelFile::load(ofaPath);
        QVERIFY(g.inputDefaulted);
        QVERIFY(g.inputContract().resize == InputContract::Resize::ShorterSideCentreCrop);
        QCOMPARE(g.classNames().size(), size_t{1000});
        QCOMPARE(g.classNames().back(), std::string("toilet tissue"));
    }

    void contractMismatchIsRefused()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.dofa").toStdString();
        // On save: the contract's numbers must be the spec's.
        ModelFile f;
        f.spec = SupernetSpec::preset("fmnist-mbv3");
        f.input = InputContract::fashionMnist(f.spec);
        f.input.std = {0.5f};
        try {
            f.save(path);
            QFAIL("saved a contract that disagrees with the spec");
        } catch (const std::runtime_error& e) {
            const QString msg = e.what();
            QVERIFY2(msg.startsWith(QString::fromStdString(path)) && msg.contains("std:"),
                     e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
        f.input.std = f.spec.std;
        f.input.classNames.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, f.save(path));

        // On load: a header edited by hand.
        const std::string good = writeModel(dir, "good.dofa");
        testing::editModelHeader(QString::fromStdString(good), [](QJsonObject& h) {
            QJsonObject in = h["input"].toObject();
            in["resolutions"] = QJsonArray{28};
            h["input"] = in;
        });
        expectError(good, "input contract disagrees with the spec: resolutions:");
        testing::editModelHeader(QString::fromStdString(good), [](QJsonObject& h) {
            QJsonObject in = h["input"].toObject();
            in["colour"] = "purple";
            h["input"] = in;
        });
        expectError(good, "input.colour: 'purple'");
        testing::editModelHeader(QString::fromStdString(good),
                                 [](QJsonObject& h) { h["input"] = 3; });
        expectError(good, "input: not an object");
    }

    void shippedModelCarriesItsContract()
    {
        const std::string path = DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
        const ModelFile m = ModelFile::load(path);
        QVERIFY2(!m.inputDefaulted, "resources/fmnist-mbv3.dofa has no stored contract");
        QCOMPARE(m.inputContract().toJson(), InputContract::fashionMnist(m.spec).toJson());
        QCOMPARE(m.classNames(),
                 (std::vector<std::string>{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}));
        // Migrated, not retrained: the training record is still the original run's.
        const QJsonObject training = m.metadata.value("training").toObject();
        QCOMPARE(training.value("finished").toString(), QString("2026-11-23T19:25:27Z"));
        QCOMPARE(training.value("history").toArray().size(), 31);  // 16+3+1+3+1+4+3 epochs
        QCOMPARE(qRound(training.value("seconds").toDouble()), 8930);
        // The shipped profiles belong to this very file.
        for (const char* profile : {"fmnist-mbv3.cpu-1t.json", "fmnist-mbv3.cpu-2t.json"}) {
            QFile f(QString(DOFA_SOURCE_DIR "/profiles/") + profile);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
            QCOMPARE(o.value("model").toObject().value("checksum").toString().toStdString(),
                     m.checksum);
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
