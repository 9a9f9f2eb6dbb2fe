// SPDX-License-Identifier: MIT
// The published-OFA path end to end, on files made at test time by Debian's python3-torch,
// PIL, OpenCV and torchvision (tests/fixtures/ofa/make_ofa_end_to_end.py), never by dofa: a
// random-weight OFA MobileNetV3 w1.0 checkpoint (PyTorch zip) is imported, evaluated on an image
// folder (JPEG and PNG of other sizes than the model's, a corrupt file, an empty class folder),
// searched, run live from a folder source and opened in the dashboard controller.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <torch/torch.h>

#include "cli/cli.h"
#include "cli_process.h"
#include "live/dashboard_controller.h"
#include "search/profile.h"
#include "supernet/model_file.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

using namespace dofa;

using namespace dofa::test;

namespace {

constexpr int kPythonTimeoutMs = 180000;

/// Runs the generator with the first python3 that imports torch, torchvision, PIL, cv2 and
/// numpy: `python3` on PATH, then Debian's own (a pyenv or venv earlier on PATH hides the
/// Debian packages). Returns an empty string on success, else what went wrong (the test then
/// fails: a missing module is never a skip).
QString generateFixtures(const QString& outDir)
{
    QString why;
    for (const QString& exe : {QString("python3"), QString("/usr/bin/python3")}) {
        QProcess probe;
        probe.setProcessChannelMode(QProcess::MergedChannels);
        probe.start(exe, {"-c", "import torch, torchvision, numpy, PIL, cv2"});
        if (!probe.waitForFinished(kPythonTimeoutMs) ||
            probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0) {
            const QStringList lines = QString::fromLocal8Bit(probe.readAll()).trimmed().split('\n');
            why += exe + ": " + (lines.isEmpty() ? probe.errorString() : lines.last()) + "\n";
            continue;
        }
        const QString script = QStringLiteral(DOFA_FIXTURES_DIR) + "/ofa/make_ofa_end_to_end.py";
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(exe, {script, outDir});
        const bool finished = p.waitForFinished(kPythonTimeoutMs);
        const QString output = QString::fromLocal8Bit(p.readAll());
        if (!finished || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            return exe + " " + script + " failed:\n" + output;
        }
        return {};
    }
    return "no python3 that imports torch, torchvision, numpy, PIL and cv2 (Debian 12: apt-get "
           "install python3-torch python3-torchvision python3-numpy python3-pil "
           "python3-opencv, as scripts/install-deps.sh does):\n" +
           why;
}

torch::Tensor readFloats(const QString& path, const std::vector<int64_t>& shape)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray data = f.readAll();
    torch::Tensor t = torch::empty(shape, torch::kFloat32);
    if (static_cast<size_t>(data.size()) != t.nbytes()) {
        return {};
    }
    std::memcpy(t.data_ptr(), data.constData(), t.nbytes());  // numpy's '<f4', little-endian
    return t;
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object()
                                       : QJsonObject{};
}

QStringList readLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(f.readAll()).trimmed().split('\n');
}

/// One decodable evaluation image: where the test filed it and what the hand computation says.
struct Image
{
    QString name;       ///< in pool/
    QString className;  ///< its class folder in the evaluation tree
    int label = -1;     ///< the class's index among the model's 1000
    int predictedMin = -1, predictedMax = -1;
};

}  // namespace

class TestOfaEndToEnd : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_model;    ///< imported by `dofa import-ofa`
    QString m_evalDir;  ///< class folders named as ImageNet classes, filed by the test
    QString m_emptyClass;
    std::vector<Image> m_images;  ///< in pool/ name order, as the manifest lists them
    QStringList m_names;          ///< the model's class names

    QString fixture(const QString& rel) const { return m_dir.filePath(rel); }

    /// Top-1 classes of `arch` on torchvision's tensors at resolution r, with the supernet's
    /// running BN statistics (what --no-calibrate evaluates): the hand computation.
    std::vector<int> predictByHand(const SubnetArch& arch, const QJsonObject& eval,
                                   double* smallestMargin)
    {
        const QJsonArray shape = eval.value("shape").toArray();
        std::vector<int64_t> dims;
        for (const QJsonValue& v : shape) {
            dims.push_back(v.toInteger());
        }
        const torch::Tensor x = readFloats(fixture(eval.value("file").toString()), dims);
        if (!x.defined() || dims.size() != 4 || dims[2] != arch.r) {
            return {};
        }
        const ModelFile file = ModelFile::load(m_model.toStdString());
        Supernet net = file.buildSupernet(m_model.toStdString());
        const StaticSubnet sub = net->extract(arch);
        torch::InferenceMode guard;
        std::vector<int> out;
        for (int64_t i = 0; i < x.size(0); ++i) {
            const torch::Tensor logits = sub.forward(x.narrow(0, i, 1))[0];
            const auto top2 = logits.topk(2);
            const torch::Tensor values = std::get<0>(top2);
            *smallestMargin =
                std::min(*smallestMargin, (values[0] - values[1]).item<double>() /
                                              std::max(1e-6, logits.abs().max().item<double>()));
            out.push_back(static_cast<int>(std::get<1>(top2)[0].item<int64_t>()));
        }
        return out;
    }

    /// A two-level profile of the imported model with declared latencies and the supernet's
    /// running statistics (empty bn): min (r128) and a mid-sized level at r160.
    QString writeRunProfile()
    {
        const ModelFile m = ModelFile::load(m_model.toStdString());
        Profile p;
        p.modelName = m.spec.name;
        p.modelChecksum = m.checksum;
        for (const SubnetArch& a :
             {SubnetArch::min(m.spec),
              SubnetArch::parse("r160-k33.33.33.33.33-e44.44.44.44.44", m.spec)}) {
            ProfileLevel l;
            l.arch = a;
            l.latency.mean = l.latency.p50 = l.latency.p90 = p.levels.empty() ? 1.0 : 1000.0;
            l.top1 = p.levels.empty() ? 10 : 20;
            l.macs = a.macs(m.spec);
            l.params = a.params(m.spec);
            p.levels.push_back(l);
        }
        const QString path = fixture("run-profile.json");
        p.save(path.toStdString());
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString problem = generateFixtures(m_dir.path());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QJsonObject manifest = readJson(fixture("manifest.json"));
        QVERIFY2(!manifest.isEmpty(), "the generator wrote no manifest.json");

        // 1. import-ofa of the whole checkpoint: nothing missing, nothing unexpected.
        m_model = fixture("ofa_w1.0_random.dofa");
        const CliRun r = dofaRun({"import-ofa", fixture("ofa_w1.0_random.pth"), "-o", m_model});
        QVERIFY2(r.code == kExitOk, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("{'state_dict': ...}, 411 tensors loaded, 0 missing, 0 unexpected"),
                 qPrintable(r.out));
        const ModelFile model = ModelFile::load(m_model.toStdString());
        for (const std::string& n : model.classNames()) {
            m_names << QString::fromStdString(n);
        }

        // 2. The hand computation on torchvision's tensors, at min (r128) and max (r224).
        const QJsonObject eval = manifest.value("eval").toObject();
        double margin = 1.0;
        const std::vector<int> pMin =
            predictByHand(SubnetArch::min(model.spec), eval.value("128").toObject(), &margin);
        const std::vector<int> pMax =
            predictByHand(SubnetArch::max(model.spec), eval.value("224").toObject(), &margin);
        const QJsonArray decoded = manifest.value("pool").toObject().value("decoded").toArray();
        QCOMPARE(pMin.size(), static_cast<size_t>(decoded.size()));
        QCOMPARE(pMax.size(), pMin.size());
        QVERIFY(decoded.size() >= 12);
        // Predictions that differ between images, so that a transform dofa got wrong (colour
        // order, crop, scale) changes the counts at max instead of passing unnoticed.
        const std::set<int> distinctMin(pMin.begin(), pMin.end());
        const std::set<int> distinctMax(pMax.begin(), pMax.end());
        qInfo("hand computation: %zu distinct classes predicted at min, %zu at max",
              distinctMin.size(), distinctMax.size());
        // The min sub-network with the checkpoint's (uncalibrated) running statistics gives
        // one class for every image on this random model; max gives several.
        QVERIFY(distinctMax.size() >= 3);
        // A near tie would make the comparison with dofa depend on rounding: state the
        // smallest gap between the two best logits (relative to the largest).
        qInfo("hand computation: %lld images, smallest top-2 logit gap %.2e of the largest",
              static_cast<long long>(decoded.size()), margin);

        // 3. File the images into class folders named as ImageNet classes, so that top-1 is
        // neither 0 nor 100 %: a third under the class min predicts, a third under max's, a
        // third under a fixed distractor. Only names that occur once in the 1000 are used (the
        // list has duplicates, "crane" twice), so a folder's name gives one index.
        const QStringList distractors = {"tench", "goldfish", "great white shark"};
        auto unique = [&](int c) { return m_names.count(m_names[c]) == 1; };
        m_evalDir = fixture("eval");
        for (int i = 0; i < decoded.size(); ++i) {
            Image im;
            im.name = decoded[i].toString();
            im.predictedMin = pMin[static_cast<size_t>(i)];
            im.predictedMax = pMax[static_cast<size_t>(i)];
            const int byRule = i % 3 == 0 ? im.predictedMin : i % 3 == 1 ? im.predictedMax : -1;
            im.className =
                byRule >= 0 && unique(byRule) ? m_names[byRule] : distractors[(i / 3) % 3];
            im.label = static_cast<int>(m_names.indexOf(im.className));
            QVERIFY(QDir().mkpath(m_evalDir + "/" + im.className));
            QVERIFY(QFile::copy(fixture("pool/" + im.name),
                                m_evalDir + "/" + im.className + "/" + im.name));
            m_images.push_back(im);
        }
        // The corrupt file sits among the images; an empty class folder beside them.
        const QJsonArray skipped = manifest.value("pool").toObject().value("skipped").toArray();
        QCOMPARE(skipped.size(), 1);
        QCOMPARE(skipped[0].toArray()[0].toString(), QString("corrupt.jpg"));
        QVERIFY(QDir().mkpath(m_evalDir + "/tench"));
        QVERIFY(QFile::copy(fixture("pool/corrupt.jpg"), m_evalDir + "/tench/corrupt.jpg"));
        for (const char* name : {"tiger shark", "hammerhead", "electric ray"}) {
            if (!QDir(m_evalDir + "/" + name).exists()) {
                m_emptyClass = name;
                break;
            }
        }
        QVERIFY(QDir().mkpath(m_evalDir + "/" + m_emptyClass));
    }

    void importWritesTheImagenetContract()
    {
        const ModelFile m = ModelFile::load(m_model.toStdString());
        QVERIFY(!m.inputDefaulted);
        QCOMPARE(QString::fromStdString(m.spec.name), QString("ofa-mbv3-w1.0"));
        const InputContract& c = m.inputContract();
        QCOMPARE(c.channels, 3);
        QVERIFY(c.colour == InputContract::ColourOrder::RGB);
        QVERIFY(c.resize == InputContract::Resize::ShorterSideCentreCrop);
        QCOMPARE(c.cropFraction, 0.875);
        QCOMPARE(c.resizeShorterSideTo(224), 256);
        QCOMPARE(c.resizeShorterSideTo(128), 147);
        QCOMPARE(c.mean, (std::vector<float>{0.485f, 0.456f, 0.406f}));
        QCOMPARE(c.std, (std::vector<float>{0.229f, 0.224f, 0.225f}));
        QCOMPARE(m.classNames().size(), size_t{1000});
        QCOMPARE(m.classNames().front(), std::string("tench"));
        QCOMPARE(m.classNames().back(), std::string("toilet tissue"));
        // The imported weights are the checkpoint's: the generator's running variances lie in
        // [0.5, 1.5), dofa initialises them to 1.
        Supernet net = m.buildSupernet(m_model.toStdString());
        bool found = false;
        for (const auto& [key, t] : net->stateDict()) {
            if (key == "first_conv.bn.running_var") {
                found = true;
                QVERIFY(t.min().item<double>() >= 0.5 && t.max().item<double>() < 1.5);
                QVERIFY(!torch::allclose(t, torch::ones_like(t)));
            }
        }
        QVERIFY(found);
    }

    void importWithLabelsFile()
    {
        // --labels with as many names as the classifier's outputs (1000).
        const QString labels = fixture("labels.txt");
        QFile f(labels);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 1000; ++i) {
            f.write(QString("thing %1\n").arg(i).toUtf8());
        }
        f.close();
        const QString out = fixture("labelled.dofa");
        const CliRun r =
            dofaRun({"import-ofa", fixture("ofa_w1.0_random.pth"), "--labels", labels, "-o", out});
        QVERIFY2(r.code == kExitOk, qPrintable(r.err + r.out));
        const ModelFile m = ModelFile::load(out.toStdString());
        QCOMPARE(m.classNames().front(), std::string("thing 0"));
        QCOMPARE(m.classNames().back(), std::string("thing 999"));
        QCOMPARE(m.inputContract().channels, 3);
    }

    void evalEqualsHandComputation_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addRow("min r128") << "min";
        QTest::addRow("max r224") << "max";
    }
    void evalEqualsHandComputation()
    {
        // The supernet's running statistics on both sides (--no-calibrate): dofa decodes and
        // transforms the folder itself, the hand computation ran on torchvision's tensors.
        QFETCH(QString, arch);
        const bool isMin = arch == "min";
        const CliRun r = dofaRun({"eval", "--model", m_model, "--data", m_evalDir, "--arch", arch,
                                  "--no-calibrate", "--threads", "2", "--json"});
        QVERIFY2(r.code == kExitOk, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        int correct = 0;
        for (const Image& im : m_images) {
            correct += (isMin ? im.predictedMin : im.predictedMax) == im.label ? 1 : 0;
        }
        qInfo("%s: dofa %d/%d, by hand %d/%zu", qPrintable(arch), o.value("correct").toInt(),
              o.value("total").toInt(), correct, m_images.size());
        // The corrupt file is skipped, named, and not counted; so is the empty class folder.
        QCOMPARE(o.value("total").toInt(), static_cast<int>(m_images.size()));
        QCOMPARE(o.value("correct").toInt(), correct);
        QVERIFY2(correct > 0 && correct < static_cast<int>(m_images.size()),
                 "labels should make top-1 neither 0 nor 100 %");
        QVERIFY2(r.err.contains(m_evalDir + "/tench/corrupt.jpg"), qPrintable(r.err));
        QVERIFY2(r.err.contains(m_emptyClass), qPrintable(r.err));
        QVERIFY2(r.err.contains("labelled by the model's class names"), qPrintable(r.err));
    }

    void evalWithCalibrationFolder()
    {
        // BN recalibration on the calibration folder, as the reference protocol does: the same
        // images are counted; the result is deterministic (same seed, same numbers twice).
        const QStringList args = {
            "eval",         "--model",        m_model,  "--data", m_evalDir,
            "--calib-data", fixture("calib"), "--arch", "min",    "--calib-images",
            "16",           "--threads",      "2",      "--json"};
        const CliRun a = dofaRun(args);
        QVERIFY2(a.code == kExitOk, qPrintable(a.err));
        const QJsonObject o = QJsonDocument::fromJson(a.out.toUtf8()).object();
        QCOMPARE(o.value("total").toInt(), static_cast<int>(m_images.size()));
        QCOMPARE(o.value("arch").toString(), QString("r128-k33.33.33.33.33-e33.33.33.33.33"));
        QVERIFY2(a.err.contains(fixture("calib") + ": labelled by the model's class names"),
                 qPrintable(a.err));
        const CliRun b = dofaRun(args);
        QCOMPARE(b.out, a.out);
        // --limit: a seeded subset of that size.
        const CliRun c = dofaRun({"eval", "--model", m_model, "--data", m_evalDir, "--arch", "min",
                                  "--no-calibrate", "--limit", "5", "--json"});
        QVERIFY2(c.code == kExitOk, qPrintable(c.err));
        QVERIFY(QJsonDocument::fromJson(c.out.toUtf8()).object().value("total").toInt() <= 5);
    }

    void badFoldersAreClearErrors()
    {
        // A top folder whose only class folder is empty: no image at all.
        CliRun r = dofaRun({"eval", "--model", m_model, "--data", fixture("empty_top"), "--arch",
                            "min", "--no-calibrate"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains(fixture("empty_top")), qPrintable(r.err));
        // A class folder named as none of the model's classes (beside a known one).
        r = dofaRun({"eval", "--model", m_model, "--data", fixture("unknown"), "--arch", "min",
                     "--no-calibrate"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains(fixture("unknown")), qPrintable(r.err));
        QVERIFY2(r.err.contains("not an imagenet class"), qPrintable(r.err));
        // The same for the calibration folder, and a folder that does not exist.
        r = dofaRun({"eval", "--model", m_model, "--data", m_evalDir, "--calib-data",
                     fixture("unknown"), "--arch", "min"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains(fixture("unknown")), qPrintable(r.err));
        r = dofaRun({"eval", "--model", m_model, "--data", fixture("nowhere"), "--arch", "min"});
        QCOMPARE(r.code, int{kExitBadInput});
        QVERIFY2(r.err.contains(fixture("nowhere")), qPrintable(r.err));
    }

    void runOnFolderSource()
    {
        // `dofa run` replays the folder with its labels through the contract's converter. The
        // latency target keeps the manager on level 0 (min, running statistics), so each frame's
        // prediction is the hand computation's for that image.
        const QString profile = writeRunProfile();
        const QString csv = fixture("run.csv");
        const int frames = static_cast<int>(m_images.size()) + 4;  // loops past the end
        const CliRun r =
            dofaRun({"run", "--model", m_model, "--profile", profile, "--source",
                     "folder:" + m_evalDir, "--frames", QString::number(frames), "--threads", "1",
                     "--platform", "none", "--latency", "100", "--telemetry", csv});
        QVERIFY2(r.code == kExitOk, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("labelled source"), qPrintable(r.out));
        QVERIFY2(r.out.contains(QString("of %1 labelled").arg(frames)), qPrintable(r.out));
        const QStringList lines = readLines(csv);
        QCOMPARE(lines.size(), frames + 1);
        const QStringList head = lines[0].split(',');
        const int level = head.indexOf("level"), label = head.indexOf("label"),
                  predicted = head.indexOf("predicted");
        QVERIFY(level >= 0 && label >= 0 && predicted >= 0);
        // The folder's order: class folders in byte order, files in byte order.
        std::vector<const Image*> order;
        for (const Image& im : m_images) {
            order.push_back(&im);
        }
        std::sort(order.begin(), order.end(), [](const Image* a, const Image* b) {
            const QByteArray ka = (a->className + "/" + a->name).toUtf8();
            const QByteArray kb = (b->className + "/" + b->name).toUtf8();
            return ka < kb;
        });
        int atMin = 0;
        for (int f = 0; f < frames; ++f) {
            const QStringList row = lines[f + 1].split(',');
            const Image& im = *order[static_cast<size_t>(f) % order.size()];
            QCOMPARE(row[label].toInt(), im.label);
            if (row[level].toInt() == 0) {
                ++atMin;
                QCOMPARE(row[predicted].toInt(), im.predictedMin);
            }
        }
        QVERIFY2(atMin >= frames / 2, qPrintable(r.out));
    }

    void dashboardShowsTheModelsLabels()
    {
        DashboardOptions o;
        o.modelPath = m_model;
        o.profilePath = writeRunProfile();
        o.source = "folder:" + m_evalDir;
        o.sourceFps = 100;
        o.settingsFile = fixture("dashboard.ini");
        o.restoreSettings = false;
        o.platform = QStringLiteral("none");
        o.threads = 1;
        DashboardController c(o);
        QCOMPARE(c.modelInfo().classNames.size(), 1000);
        QCOMPARE(c.modelInfo().classNames.front(), QString("tench"));
        QCOMPARE(c.modelInfo().classNames, m_names);
        QVERIFY2(QTest::qWaitFor([&] { return c.snapshot().labelledFrames >= 3; }, 60000),
                 qPrintable(c.message()));
        const LiveSnapshot& s = c.snapshot();
        QVERIFY(s.label >= 0 && s.label < 1000);
        QVERIFY(s.topClass[0] >= 0 && s.topClass[0] < 1000);
        QVERIFY(s.topScore[0] >= s.topScore[1] && s.topScore[1] >= s.topScore[2]);
        QVERIFY(!s.frame.empty());
    }

    void searchWritesAValidProfile()
    {
        // The real OFA w1.0 space (25 resolutions, kernels 3-7, expand 3-6, depths 2-4) with the
        // smallest settings `search` accepts. The per-layer latency table alone has ~1,250
        // entries; the time is printed so that CI logs show it.
        const QString profile = fixture("searched.json");
        const CliRun r = dofaRun({"search",
                                  "--model",
                                  m_model,
                                  "--data",
                                  m_evalDir,
                                  "--calib-data",
                                  fixture("calib"),
                                  "--quick",
                                  "--samples",
                                  "10",
                                  "--calib-images",
                                  "16",
                                  "--limit",
                                  "8",
                                  "--levels",
                                  "3",
                                  "--no-baselines",
                                  "--threads",
                                  "2",
                                  "--pace",
                                  "0",
                                  "-o",
                                  profile},
                                 600000);
        qInfo("dofa search on OFA w1.0: %.1f s", r.seconds);
        const QStringList lines = r.out.split('\n');
        for (const QString& line : lines) {
            if (line.startsWith("time") || line.startsWith("latency predictor") ||
                line.startsWith("search:")) {
                qInfo("%s", qPrintable(line));
            }
        }
        QVERIFY2(r.code == kExitOk, qPrintable(r.err + r.out));
        const ModelFile m = ModelFile::load(m_model.toStdString());
        const Profile p = Profile::load(profile.toStdString(), m.spec);
        QCOMPARE(p.modelChecksum, m.checksum);
        QCOMPARE(QString::fromStdString(p.modelName), QString("ofa-mbv3-w1.0"));
        QVERIFY(p.levels.size() >= 1 && p.levels.size() <= 3);
        QCOMPARE(r.err.contains("measured Pareto front has only"), p.levels.size() < 3);
        for (size_t i = 1; i < p.levels.size(); ++i) {
            QVERIFY(p.levels[i].latency.mean >= p.levels[i - 1].latency.mean);
            QVERIFY(p.levels[i].top1 > p.levels[i - 1].top1);
        }
        for (const ProfileLevel& l : p.levels) {
            QVERIFY(!l.bn.empty());  // calibrated on the calibration folder
            QVERIFY(l.latency.mean > 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestOfaEndToEnd)
#include "tst_ofa_end_to_end.moc"
