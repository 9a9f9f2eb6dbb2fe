// SPDX-License-Identifier: MIT
// OnnxWriter: OpenCV DNN (an independent ONNX importer) runs the exported graph of random
// sub-networks of every preset and matches dofa's LibTorch forward; python3-onnx's checker
// accepts the file where installed; `dofa export --onnx` exports a profile level and names the
// file or the argument when something is wrong.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <random>
#include <set>

#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "export/onnx_writer.h"
#include "model/dynamic_model.h"
#include "supernet/static_subnet.h"
#include "supernet/supernet.h"

using namespace dofa;

namespace {

constexpr int kArchsPerPreset = 20;

/// A supernet with random weights and non-trivial BN statistics, so that folding matters.
Supernet randomSupernet(const SupernetSpec& spec, std::uint64_t seed)
{
    torch::manual_seed(seed);
    Supernet net(spec);
    torch::NoGradGuard noGrad;
    for (auto& [key, t] : net->stateDict()) {
        auto endsWith = [&k = key](const std::string& s) {
            return k.size() >= s.size() && k.compare(k.size() - s.size(), s.size(), s) == 0;
        };
        if (endsWith("running_var") || endsWith("bn.weight")) {
            t.uniform_(0.5, 1.5);
        } else if (endsWith("running_mean") || endsWith("bn.bias")) {
            t.normal_(0.0, 0.2);
        }
    }
    net->eval();
    return net;
}

torch::Tensor runOpenCv(const std::string& onnx, const torch::Tensor& x)
{
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
    const torch::Tensor in = x.contiguous();
    std::vector<int> sizes(in.sizes().begin(), in.sizes().end());
    const cv::Mat blob(static_cast<int>(sizes.size()), sizes.data(), CV_32F, in.data_ptr<float>());
    net.setInput(blob, "input");
    cv::Mat out = net.forward("logits");
    return torch::from_blob(out.ptr<float>(), {out.size[0], out.size[1]}).clone();
}

/// Largest absolute difference, relative to the output's scale when that exceeds 1.
double scaledError(const torch::Tensor& got, const torch::Tensor& want)
{
    const double scale = std::max(1.0, want.abs().max().item<double>());
    return (got - want).abs().max().item<double>() / scale;
}

/// A Python interpreter that imports onnx, or empty: `python3` on PATH first, then Debian's own
/// (python3-onnx installs for /usr/bin/python3, which a pyenv or venv on PATH would hide).
QString pythonWithOnnx()
{
    static const QString found = [] {
        for (const QString& exe : {QString("python3"), QString("/usr/bin/python3")}) {
            QProcess p;
            p.start(exe, {"-c", "import onnx"});
            if (p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit &&
                p.exitCode() == 0) {
                return exe;
            }
        }
        return QString();
    }();
    return found;
}

/// Runs onnx.checker (full_check: strict shape inference too); empty on success, else the
/// checker's message.
QString onnxCheck(const QString& path)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(pythonWithOnnx(), {"-c",
                               "import sys, onnx\n"
                               "m = onnx.load(sys.argv[1])\n"
                               "onnx.checker.check_model(m, full_check=True)\n"
                               "o = m.graph.output[0].type.tensor_type.shape.dim\n"
                               "print('logits', [d.dim_value for d in o])\n",
                               path});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        return QString::fromLocal8Bit(p.readAll());
    }
    return {};
}

}  // namespace

class TestOnnxWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(2);
        cv::setNumThreads(2);
    }

    void matchesLibTorch_data()
    {
        QTest::addColumn<QString>("preset");
        // The OFA presets run at their smallest resolution (128 and 160 px): the graph is the
        // same at every size, and small inputs keep 40 of their sub-networks within seconds.
        QTest::addColumn<bool>("smallestResolution");
        QTest::addRow("fmnist-mbv3") << "fmnist-mbv3" << false;
        QTest::addRow("ofa-mbv3-w1.0") << "ofa-mbv3-w1.0" << true;
        QTest::addRow("ofa-mbv3-w1.2") << "ofa-mbv3-w1.2" << true;
    }

    void matchesLibTorch()
    {
        QFETCH(QString, preset);
        QFETCH(bool, smallestResolution);
        const SupernetSpec spec = SupernetSpec::preset(preset.toStdString());
        Supernet net = randomSupernet(spec, 7);
        std::mt19937 rng(11);
        const std::vector<int> rChoices =
            smallestResolution ? std::vector<int>{spec.resolutions.front()} : spec.resolutions;
        torch::NoGradGuard noGrad;
        double worst = 0;
        std::set<int> kernels;
        for (int i = 0; i < kArchsPerPreset; ++i) {
            SubnetArch arch = SubnetArch::sample(spec, rng, spec.kernelSizes, spec.expandRatios,
                                                 spec.depths, rChoices);
            // The extremes of the space are in every run.
            if (i == 0) {
                arch = SubnetArch::max(spec);
                arch.r = rChoices.front();
            } else if (i == 1) {
                arch = SubnetArch::min(spec);
                arch.r = rChoices.back();
            }
            kernels.insert(arch.ks.begin(), arch.ks.end());
            const StaticSubnet subnet = net->extract(arch);
            const torch::Tensor x = torch::randn({1, spec.inChannels, arch.r, arch.r});
            const torch::Tensor want = subnet.forward(x);
            const torch::Tensor got = runOpenCv(OnnxWriter().serialize(subnet), x);
            QCOMPARE(got.sizes(), want.sizes());
            const double err = scaledError(got, want);
            worst = std::max(worst, err);
            QVERIFY2(err <= 1e-4, qPrintable(QString("%1: error %2 (output scale %3)")
                                                 .arg(QString::fromStdString(arch.toString()))
                                                 .arg(err)
                                                 .arg(want.abs().max().item<double>())));
        }
        // Every kernel size of the spec was exported at least once (padding per size).
        QCOMPARE(kernels.size() - kernels.count(0), spec.kernelSizes.size());
        qInfo("%s: worst scaled error %.3g over %d archs", qPrintable(preset), worst,
              kArchsPerPreset);
    }

    void batchDimensionIsStatic()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        Supernet net = randomSupernet(spec, 3);
        torch::NoGradGuard noGrad;
        const StaticSubnet subnet = net->extract(SubnetArch::max(spec));
        const torch::Tensor x =
            torch::randn({3, spec.inChannels, subnet.resolution(), subnet.resolution()});
        const torch::Tensor got = runOpenCv(OnnxWriter(3).serialize(subnet), x);
        QVERIFY(scaledError(got, subnet.forward(x)) <= 1e-4);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, OnnxWriter(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, OnnxWriter().serialize(StaticSubnet()));
    }

    void checkerAccepts_data()
    {
        QTest::addColumn<QString>("preset");
        for (const std::string& name : SupernetSpec::presetNames()) {
            QTest::addRow("%s", name.c_str()) << QString::fromStdString(name);
        }
    }

    void checkerAccepts()
    {
        if (pythonWithOnnx().isEmpty()) {
            QSKIP("python3 with the onnx module (Debian: python3-onnx) is not installed");
        }
        QFETCH(QString, preset);
        const SupernetSpec spec = SupernetSpec::preset(preset.toStdString());
        Supernet net = randomSupernet(spec, 5);
        std::mt19937 rng(5);
        torch::NoGradGuard noGrad;
        const StaticSubnet subnet = net->extract(SubnetArch::sample(spec, rng));
        QTemporaryDir dir;
        const QString path = dir.filePath("net.onnx");
        OnnxWriter().write(subnet, path.toStdString(), "test");
        const QString err = onnxCheck(path);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void cliExportsALevel()
    {
        const std::string profilePath = DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json";
        const std::string modelPath = defaultModelPath();
        QTemporaryDir dir;
        const QString out = dir.filePath("level1.onnx");
        QCOMPARE(cmdExport({"dofa export", "--onnx", out, "--profile",
                            QString::fromStdString(profilePath), "--level", "1"}),
                 0);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();

        // The exported level is what DynamicModel runs for it (the level's own BN statistics).
        auto model = DynamicModel::open(modelPath, profilePath, 1);
        model->setLevel(1);
        const int r = model->current().resolution();
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({1, model->spec().inChannels, r, r});
        const torch::Tensor got = runOpenCv(bytes.toStdString(), x);
        QVERIFY(scaledError(got, model->current().forward(x)) <= 1e-4);
        if (!pythonWithOnnx().isEmpty()) {
            const QString err = onnxCheck(out);
            QVERIFY2(err.isEmpty(), qPrintable(err));
        }
    }

    void cliNamesTheProblem()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("x.onnx");
        auto message = [](const QStringList& args) -> QString {
            try {
                cmdExport(args);
            } catch (const std::exception& e) {
                return QString::fromUtf8(e.what());
            }
            return {};
        };
        // Bad arch text: a usage error that names the option and what is wrong.
        const QString bad = message({"dofa export", "--onnx", out, "--arch", "r28-k9-e2"});
        QVERIFY2(bad.startsWith("--arch: "), qPrintable(bad));
        QVERIFY(!QFile::exists(out));
        QVERIFY_THROWS_EXCEPTION(UsageError,
                                 cmdExport({"dofa export", "--onnx", out, "--arch", "r28-k9-e2"}));
        // Neither or both of --arch and --level.
        QVERIFY(message({"dofa export", "--onnx", out}).contains("exactly one of --arch"));
        QVERIFY(message({"dofa export", "--onnx", out, "--arch", "max", "--level", "0"})
                    .contains("exactly one of --arch"));
        QVERIFY(message({"dofa export", "--onnx", out, "--level", "0"})
                    .contains("--profile is required"));
        // A level out of range names the range.
        const QString range =
            message({"dofa export", "--onnx", out, "--profile",
                     DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json", "--level", "99"});
        QVERIFY2(range.contains("--level 99"), qPrintable(range));
        // Unwritable path (a missing directory; root ignores permission bits): the file named.
        const QString unwritable = dir.filePath("missing/dir/x.onnx");
        const QString err = message({"dofa export", "--onnx", unwritable, "--arch", "max"});
        QVERIFY2(err.contains(unwritable) && err.contains("cannot write ONNX"), qPrintable(err));
        // A directory in the way of the file: no write, and nothing left beside it.
        QVERIFY(QDir(dir.path()).mkdir("taken.onnx"));
        const QString taken = dir.filePath("taken.onnx");
        const QString err2 = message({"dofa export", "--onnx", taken, "--arch", "min"});
        QVERIFY2(err2.contains(taken), qPrintable(err2));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestOnnxWriter)
#include "tst_onnx_writer.moc"
