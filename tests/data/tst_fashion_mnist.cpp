// SPDX-License-Identifier: MIT
#include <QtTest>

#include <torch/torch.h>
#include <zlib.h>

#include "data/fashion_mnist.h"
#include "data/preprocess.h"

using namespace dofa;

namespace {

QByteArray idxImages(int n, int h, int w)
{
    QByteArray b;
    b.append(QByteArray::fromHex("00000803"));
    for (int v : {n, h, w}) {
        b.append(static_cast<char>((v >> 24) & 0xff));
        b.append(static_cast<char>((v >> 16) & 0xff));
        b.append(static_cast<char>((v >> 8) & 0xff));
        b.append(static_cast<char>(v & 0xff));
    }
    for (int i = 0; i < n * h * w; ++i) {
        b.append(static_cast<char>(i % 251));
    }
    return b;
}

QByteArray idxLabels(int n, int classes = 10)
{
    QByteArray b = QByteArray::fromHex("00000801");
    b.append(static_cast<char>(0));
    b.append(static_cast<char>(0));
    b.append(static_cast<char>((n >> 8) & 0xff));
    b.append(static_cast<char>(n & 0xff));
    for (int i = 0; i < n; ++i) {
        b.append(static_cast<char>(i % classes));
    }
    return b;
}

void writeGz(const QString& path, const QByteArray& data)
{
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    gzwrite(f, data.constData(), static_cast<unsigned>(data.size()));
    gzclose(f);
}

void writeRaw(const QString& path, const QByteArray& data)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(data);
}

void expectError(const QString& dir, const QString& needle)
{
    try {
        FashionMnist::load(dir.toStdString(), FashionMnist::Split::Test);
        QFAIL("bad data accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains(needle), e.what());
        QVERIFY2(QString(e.what()).contains(dir), e.what());
    }
}

}  // namespace

class TestFashionMnist : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void smallFilesGzAndRaw()
    {
        QTemporaryDir dir;
        writeGz(dir.filePath("t10k-images-idx3-ubyte.gz"), idxImages(30, 28, 28));
        writeRaw(dir.filePath("t10k-labels-idx1-ubyte"), idxLabels(30));
        const FashionMnist ds =
            FashionMnist::load(dir.path().toStdString(), FashionMnist::Split::Test);
        QCOMPARE(ds.size(), 30);
        QCOMPARE(ds.images.sizes(), (torch::IntArrayRef{30, 28, 28}));
        QCOMPARE(ds.images[0][0][5].item<int>(), 5);
        QCOMPARE(ds.labels[13].item<int64_t>(), 3);
        QCOMPARE(ds.labels.scalar_type(), torch::kInt64);
    }

    void errorsNameFileAndProblem()
    {
        QTemporaryDir dir;
        expectError(dir.path(), "cannot open");
        writeGz(dir.filePath("t10k-images-idx3-ubyte.gz"), idxImages(30, 28, 28).left(500));
        writeGz(dir.filePath("t10k-labels-idx1-ubyte.gz"), idxLabels(30));
        expectError(dir.path(), "truncated");
        writeGz(dir.filePath("t10k-images-idx3-ubyte.gz"), QByteArray("garbage!garbage!"));
        expectError(dir.path(), "bad magic");
        // Found by fuzz_idx: three 32-bit dimensions whose product wraps to 0 matched a file
        // with no data and then asked torch for 2^64 bytes.
        QByteArray wrapping("\x00\x00\x08\x03\x80\x00\x00\x00\x80\x00\x00\x00\x00\x00\x00\x04", 16);
        writeGz(dir.filePath("t10k-images-idx3-ubyte.gz"), wrapping);
        expectError(dir.path(), "more bytes than the file's 16");
        writeGz(dir.filePath("t10k-images-idx3-ubyte.gz"), idxImages(30, 28, 28));
        writeGz(dir.filePath("t10k-labels-idx1-ubyte.gz"), idxLabels(29));
        expectError(dir.path(), "29 labels for 30 images");
        writeGz(dir.filePath("t10k-labels-idx1-ubyte.gz"), idxLabels(30, 12));
        expectError(dir.path(), "out of range");
        // A gzip stream cut in the middle.
        QTemporaryDir dir2;
        const QString imgs = dir2.filePath("t10k-images-idx3-ubyte.gz");
        writeGz(imgs, idxImages(300, 28, 28));
        QFile f(imgs);
        f.open(QIODevice::ReadWrite);
        f.resize(f.size() / 2);
        f.close();
        writeGz(dir2.filePath("t10k-labels-idx1-ubyte.gz"), idxLabels(300));
        expectError(dir2.path(), "gzip");
    }

    void debianDataset()
    {
        const std::string dir = FashionMnist::defaultDir();
        if (!QFileInfo::exists(QString::fromStdString(dir + "/t10k-labels-idx1-ubyte.gz"))) {
            QSKIP("dataset-fashion-mnist not installed");
        }
        const FashionMnist test = FashionMnist::load(dir, FashionMnist::Split::Test);
        QCOMPARE(test.size(), 10000);
        // Balanced test set: 1,000 images per class.
        const torch::Tensor counts = torch::bincount(test.labels);
        QCOMPARE(counts.min().item<int64_t>(), 1000);
        QCOMPARE(counts.max().item<int64_t>(), 1000);
        const FashionMnist train = FashionMnist::load(dir, FashionMnist::Split::Train);
        QCOMPARE(train.size(), 60000);
    }

    void preprocessing()
    {
        torch::Tensor img = torch::full({2, 28, 28}, 255, torch::kUInt8);
        const torch::Tensor x = preprocess::toInput(img, 32, {0.5f}, {0.25f});
        QCOMPARE(x.sizes(), (torch::IntArrayRef{2, 1, 32, 32}));
        QVERIFY(torch::allclose(x, torch::full_like(x, 2.0)));  // (1 - 0.5) / 0.25
        std::mt19937 rng(1);
        torch::Tensor ramp =
            torch::arange(28 * 28).remainder(256).to(torch::kUInt8).view({1, 28, 28});
        const torch::Tensor a = preprocess::augment(ramp, 2, rng);
        QCOMPARE(a.sizes(), ramp.sizes());
        std::mt19937 rng2(1);
        QVERIFY(torch::equal(a, preprocess::augment(ramp, 2, rng2)));  // seeded: repeatable
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 preprocess::toInput(img, 28, {0.5f, 0.5f, 0.5f}, {1, 1, 1}));
    }
};

QTEST_GUILESS_MAIN(TestFashionMnist)
#include "tst_fashion_mnist.moc"
