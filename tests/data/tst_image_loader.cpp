// SPDX-License-Identifier: MIT
// ImageLoader: batches of decoded, transformed images in sample order whatever the thread
// count; corrupt, empty and truncated files (written by python3) skipped, counted and named;
// early stops that neither hang nor leak threads.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>
#include <tuple>

#include <torch/torch.h>

#include "data/image_folder.h"
#include "data/image_loader.h"
#include "data/preprocess.h"
#include "image_fixtures.h"

using namespace dofa;

namespace {

/// Every batch of a loader, concatenated.
struct Drained
{
    torch::Tensor images;
    torch::Tensor labels;
    std::vector<int64_t> indices;
    std::vector<int64_t> batchSizes;
};

Drained drain(ImageLoader& loader)
{
    Drained out;
    std::vector<torch::Tensor> images, labels;
    while (std::optional<ImageBatch> batch = loader.next()) {
        out.batchSizes.push_back(batch->images.size(0));
        images.push_back(batch->images);
        labels.push_back(batch->labels);
        out.indices.insert(out.indices.end(), batch->indices.begin(), batch->indices.end());
    }
    if (!images.empty()) {
        out.images = torch::cat(images);
        out.labels = torch::cat(labels);
    }
    return out;
}

}  // namespace

class TestImageLoader : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QJsonObject m_manifest;
    std::vector<ImageSample> m_samples;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = image_fixtures::generate(m_dir.path());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_manifest = image_fixtures::manifest(m_dir.path());
        m_samples = ImageFolder::fromClassFolders(m_dir.filePath("tree").toStdString()).samples();
    }

    void skipsUnusableImagesAndNamesThem()
    {
        std::vector<std::string> reported;
        ImageLoader::Options options;
        options.batchSize = 4;
        options.threads = 3;
        options.onWarning = [&](const std::string& w) { reported.push_back(w); };
        ImageLoader loader(m_samples, ImageTransform::eval(64), options);
        const Drained got = drain(loader);

        // torchvision (PIL) could not open the same three files.
        const QJsonArray skippedByTorchvision =
            m_manifest["eval"].toObject()["224"].toObject()["skipped"].toArray();
        QCOMPARE(loader.skipped().size(), static_cast<size_t>(skippedByTorchvision.size()));
        QStringList expectedNames;
        for (const QJsonValue& s : skippedByTorchvision) {
            expectedNames << QString::fromStdString(m_dir.filePath("tree").toStdString() + "/" +
                                                    s.toArray()[0].toString().toStdString());
        }
        for (size_t i = 0; i < loader.skipped().size(); ++i) {
            QCOMPARE(QString::fromStdString(loader.skipped()[i].path), expectedNames[int(i)]);
            QVERIFY2(QString::fromStdString(reported[i]).startsWith(expectedNames[int(i)]),
                     reported[i].c_str());
        }
        QCOMPARE(reported, loader.warnings());
        auto reasonOf = [&](const QString& name) {
            for (const SkippedImage& s : loader.skipped()) {
                if (QString::fromStdString(s.path).endsWith(name)) {
                    return QString::fromStdString(s.reason);
                }
            }
            return QString();
        };
        QVERIFY(reasonOf("broken.jpg").contains("not a decodable image"));
        QVERIFY(reasonOf("empty.JPEG").contains("empty file (0 bytes)"));
        QVERIFY(reasonOf("truncated.jpg").contains("truncated JPEG"));
        QVERIFY(reasonOf("truncated_progressive.jpg").contains("truncated JPEG"));

        const int64_t usable = static_cast<int64_t>(m_samples.size() - loader.skipped().size());
        QCOMPARE(loader.delivered(), usable);
        QCOMPARE(got.images.sizes(), (torch::IntArrayRef{usable, 3, 64, 64}));
        QCOMPARE(got.images.scalar_type(), torch::kUInt8);
        QCOMPARE(got.labels.scalar_type(), torch::kInt64);
        // Full batches from the images that decoded, the remainder last.
        std::vector<int64_t> sizes(static_cast<size_t>(usable / 4), 4);
        if (usable % 4 != 0) {
            sizes.push_back(usable % 4);
        }
        QCOMPARE(got.batchSizes, sizes);
        for (size_t i = 0; i < got.indices.size(); ++i) {
            QCOMPARE(got.labels[static_cast<int64_t>(i)].item<int64_t>(),
                     m_samples[static_cast<size_t>(got.indices[i])].label);
            if (i > 0) {
                QVERIFY(got.indices[i] > got.indices[i - 1]);
            }
        }
    }

    void batchEqualsTransformOfEachFile()
    {
        ImageLoader::Options options;
        options.batchSize = 16;
        const ImageTransform transform = ImageTransform::eval(96);
        ImageLoader loader(m_samples, transform, options);
        const Drained got = drain(loader);
        for (size_t i = 0; i < got.indices.size(); ++i) {
            std::string error;
            const cv::Mat decoded =
                ImageLoader::decode(m_samples[static_cast<size_t>(got.indices[i])].path, error);
            const cv::Mat rgb = transform.apply(decoded);
            const torch::Tensor want =
                torch::from_blob(rgb.data, {96, 96, 3}, torch::kUInt8).permute({2, 0, 1});
            QVERIFY(torch::equal(got.images[static_cast<int64_t>(i)], want));
        }
        // Normalisation stays in preprocess::toInput: at the same resolution it only scales.
        const std::vector<float> mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
        const torch::Tensor x = preprocess::toInput(got.images, 96, mean, std);
        const torch::Tensor want =
            (got.images.to(torch::kFloat32) / 255.0 - torch::tensor(mean).view({1, 3, 1, 1})) /
            torch::tensor(std).view({1, 3, 1, 1});
        QVERIFY(torch::allclose(x, want, 1e-5, 1e-5));
    }

    void sameOutputWithOneOrThreeThreads_data()
    {
        QTest::addColumn<bool>("calibration");
        QTest::addRow("eval") << false;
        QTest::addRow("calibration") << true;
    }

    void sameOutputWithOneOrThreeThreads()
    {
        QFETCH(bool, calibration);
        auto run = [&](int threads, int batchSize, int prefetch, uint64_t seed) {
            ImageLoader::Options options;
            options.threads = threads;
            options.batchSize = batchSize;
            options.prefetchBatches = prefetch;
            ImageLoader loader(
                m_samples,
                calibration ? ImageTransform::calibration(80, seed) : ImageTransform::eval(80),
                options);
            return drain(loader);
        };
        const Drained one = run(1, 5, 2, 11);
        for (const auto& [threads, batch, prefetch] :
             {std::tuple{3, 5, 2}, std::tuple{3, 1, 1}, std::tuple{3, 2, 4}}) {
            const Drained many = run(threads, batch, prefetch, 11);
            QCOMPARE(many.indices, one.indices);
            QVERIFY(torch::equal(many.labels, one.labels));
            QVERIFY(torch::equal(many.images, one.images));
        }
        if (calibration) {
            QVERIFY(!torch::equal(run(3, 5, 2, 12).images, one.images));
        }
    }

    void stopsEarlyWithoutHanging()
    {
        QElapsedTimer timer;
        timer.start();
        {
            // A window of one image per thread: workers block on it at once.
            ImageLoader::Options options;
            options.batchSize = 1;
            options.prefetchBatches = 1;
            options.threads = 3;
            ImageLoader loader(m_samples, ImageTransform::eval(64), options);
            QVERIFY(loader.next().has_value());
        }  // destroyed with most samples pending
        {
            ImageLoader loader(m_samples, ImageTransform::eval(64), {});
        }  // never read
        {
            ImageLoader loader(m_samples, ImageTransform::eval(64), {});
            QVERIFY(loader.next().has_value());
            loader.stop();
            QVERIFY(!loader.next().has_value());
            loader.stop();  // idempotent
        }
        {
            ImageLoader loader(std::vector<ImageSample>{}, ImageTransform::eval(64), {});
            QVERIFY(!loader.next().has_value());
        }
        QVERIFY2(timer.elapsed() < 20000, "stopping took too long");
    }

    void decodeErrors()
    {
        std::string error;
        QVERIFY(ImageLoader::decode(m_dir.filePath("nope.jpg").toStdString(), error).empty());
        QVERIFY2(QString::fromStdString(error).contains("cannot open"), error.c_str());
        error.clear();
        QVERIFY(ImageLoader::decode(m_dir.filePath("tree").toStdString(), error).empty());
        QVERIFY2(!error.empty(), "a folder decoded");

        // A missing file in a list is skipped like a corrupt one.
        std::vector<ImageSample> samples = {m_samples.front(),
                                            {m_dir.filePath("gone.png").toStdString(), 0}};
        ImageLoader loader(samples, ImageTransform::eval(32), {});
        const Drained got = drain(loader);
        QCOMPARE(got.images.size(0), 1);
        QCOMPARE(loader.skipped().size(), size_t{1});
        QVERIFY(QString::fromStdString(loader.warnings().front()).contains("gone.png"));
    }

    void invalidOptions()
    {
        ImageLoader::Options options;
        options.threads = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 ImageLoader(m_samples, ImageTransform::eval(32), options));
    }
};

QTEST_GUILESS_MAIN(TestImageLoader)
#include "tst_image_loader.moc"
