// SPDX-License-Identifier: MIT
// Profiles: a full round trip (BN statistics included), and errors that name file and field.
#include <QtTest>

#include <torch/torch.h>

#include "search/profile.h"

using namespace dofa;

namespace {

Profile sample(const SupernetSpec& spec)
{
    Profile p;
    p.modelName = spec.name;
    p.modelChecksum = std::string(64, 'a');
    p.device = DeviceDescriptor::current(1);
    p.accuracyProtocol = QJsonObject{{"evaluation_set", "test"}};
    for (int i = 0; i < 3; ++i) {
        ProfileLevel l;
        l.arch = i == 0 ? SubnetArch::min(spec) : SubnetArch::max(spec);
        l.arch.r = spec.resolutions[static_cast<size_t>(i)];
        l.top1 = 85.0 + i;
        l.latency = LatencyStats::fromSamples({0.5 + i, 0.6 + i, 0.7 + i});
        l.macs = l.arch.macs(spec);
        l.params = l.arch.params(spec);
        l.bn["first_conv.bn"] = {torch::randn({16}), torch::rand({16}) + 0.5};
        if (i == 2) {
            l.powerMw = 4200.5;
            l.energyMj = 7.25;
        }
        if (i > 0) {
            // Paced, the smaller level is slower than back to back (a cold cache and clock).
            l.pacedLatency = LatencyStats::fromSamples({0.9 + i, 1.0 + i, 1.1 + i});
        }
        p.levels.push_back(l);
    }
    p.candidates.push_back({SubnetArch::min(spec), 80.0, 0.4, false, "random"});
    return p;
}

void expectError(const std::string& path, const SupernetSpec& spec, const QString& part)
{
    try {
        Profile::load(path, spec);
        QFAIL(qPrintable("accepted: " + part));
    } catch (const std::runtime_error& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains(QString::fromStdString(path)) && msg.contains(part), e.what());
    }
}

void writeJson(const std::string& path, const QJsonObject& o)
{
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(o).toJson());
}

}  // namespace

class TestProfile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const Profile p = sample(spec);
        QTemporaryDir dir;
        const std::string path =
            dir.filePath(QString::fromStdString(p.defaultFileName())).toStdString();
        QVERIFY(QString::fromStdString(path).endsWith("fmnist-mbv3.cpu-1t.json"));
        p.save(path);
        const Profile q = Profile::load(path, spec);
        QCOMPARE(q.levels.size(), size_t{3});
        QVERIFY(q.levels[1].arch == p.levels[1].arch);
        QCOMPARE(q.levels[2].top1, 87.0);
        QCOMPARE(q.levels[2].latency.p90, p.levels[2].latency.p90);
        QCOMPARE(*q.levels[2].powerMw, 4200.5);
        QVERIFY(!q.levels[0].powerMw);
        QVERIFY(torch::equal(q.levels[0].bn.at("first_conv.bn").var,
                             p.levels[0].bn.at("first_conv.bn").var));
        QVERIFY(!q.levels[0].pacedLatency);
        QCOMPARE(q.levels[2].pacedLatency->mean, p.levels[2].pacedLatency->mean);
        // Frames arriving paced get the paced latency where the level has one.
        QCOMPARE(&q.levels[2].latencyFor(FrameArrival::Paced), &*q.levels[2].pacedLatency);
        QCOMPARE(&q.levels[0].latencyFor(FrameArrival::Paced), &q.levels[0].latency);
        QCOMPARE(&q.levels[2].latencyFor(FrameArrival::BackToBack), &q.levels[2].latency);
        QCOMPARE(q.candidates.size(), size_t{1});
        QCOMPARE(QString::fromStdString(q.candidates[0].source), QString("random"));
        QVERIFY(q.device.sameHardware(p.device));
        q.checkModel(std::string(64, 'a'), path);
        try {
            q.checkModel(std::string(64, 'b'), path);
            QFAIL("another model accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("dofa profile"));
        }
        // No temporary file is left beside it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }

    void schemaOneStillLoads()
    {
        // A profile written before paced latencies existed (schema 1: no latency_paced, no
        // paced_fps) loads, with back-to-back latencies only; schema 2 and later write them.
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        QJsonObject o = sample(spec).toJson();
        QCOMPARE(o["schema_version"].toInt(), Profile::kSchemaVersion);
        QVERIFY(o["levels"].toArray()[1].toObject().contains("latency_paced"));
        o["schema_version"] = 1;
        QJsonArray levels = o["levels"].toArray();
        for (int i = 0; i < levels.size(); ++i) {
            QJsonObject l = levels[i].toObject();
            l.remove("latency_paced");
            levels[i] = l;
        }
        o["levels"] = levels;
        QTemporaryDir dir;
        const std::string path = dir.filePath("v1.json").toStdString();
        writeJson(path, o);
        const Profile p = Profile::load(path, spec);
        QCOMPARE(p.levels.size(), size_t{3});
        QCOMPARE(p.pacedFps(), 0.0);
        for (const ProfileLevel& l : p.levels) {
            QVERIFY(!l.pacedLatency);
            QCOMPARE(&l.latencyFor(FrameArrival::Paced), &l.latency);
        }
        // A paced latency that is not one is named.
        o["schema_version"] = 2;
        QJsonObject l1 = levels[1].toObject();
        l1["latency_paced"] = QJsonObject{{"mean_ms", -1}};
        levels[1] = l1;
        o["levels"] = levels;
        writeJson(path, o);
        expectError(path, spec, "levels[1].latency_paced");
    }

    void errorsNameFileAndField()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        QTemporaryDir dir;
        const std::string path = dir.filePath("p.json").toStdString();
        expectError(dir.filePath("missing.json").toStdString(), spec, "cannot open");
        {
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"format\": \"dofa-profile\", ");
        }
        expectError(path, spec, "not a JSON object");

        const QJsonObject good = sample(spec).toJson();
        QJsonObject o = good;
        o["schema_version"] = 99;
        writeJson(path, o);
        expectError(path, spec, "schema_version");

        writeJson(path, good);
        expectError(path, SupernetSpec::preset("ofa-mbv3-w1.0"), "model.name");

        QJsonArray levels = good["levels"].toArray();
        QJsonObject l1 = levels[1].toObject();
        l1["arch"] = "r30-k5.5.5.5-e4.4.4.4";
        levels[1] = l1;
        o = good;
        o["levels"] = levels;
        writeJson(path, o);
        expectError(path, spec, "levels[1].arch");

        levels = good["levels"].toArray();
        QJsonObject l2 = levels[2].toObject();
        l2.remove("top1");
        levels[2] = l2;
        o = good;
        o["levels"] = levels;
        writeJson(path, o);
        expectError(path, spec, "levels[2].top1");

        levels = good["levels"].toArray();
        const QJsonValue first = levels[0];
        levels[0] = levels[2];
        levels[2] = first;
        o = good;
        o["levels"] = levels;
        writeJson(path, o);
        expectError(path, spec, "ascending latency");
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
