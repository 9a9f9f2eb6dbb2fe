// SPDX-License-Identifier: MIT
// ImageTransform: the eval transform against torchvision's Resize(ceil(r/0.875)) +
// CenterCrop(r) + ToTensor on the same files (python3 computes them), with the difference of
// each resampling rule printed; the calibration operations against PIL with fixed parameters;
// torchvision's size and rounding rules; seeded, reproducible calibration draws.
//
// To measure on more: DOFA_EXTRA_TEST_IMAGES=photo1.jpg:photo2.jpg adds your own images, and
// DOFA_TEST_RESOLUTIONS=128,160,192,224 other resolutions (default 224,160).
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "data/image_loader.h"
#include "data/image_transform.h"
#include "image_fixtures.h"

using namespace dofa;

namespace {

const std::vector<double> kStd = {0.229, 0.224, 0.225};

/// One 8-bit level in normalised units for the channel with the smallest std: the tolerance
/// for the PIL rule. Measured on the fixtures and on two 720x477 photos, the difference is 0;
/// the level leaves room for a JPEG decoder built differently from the one PIL uses.
const double kTolerance = 1.0 / 255.0 / 0.224 + 1e-6;

torch::Tensor toTensor(const cv::Mat& rgb)
{
    return torch::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, torch::kUInt8)
        .permute({2, 0, 1})
        .to(torch::kFloat32)
        .div(255.0);
}

/// |a - b| in normalised units (divided by each channel's std), (3, H, W).
torch::Tensor normalisedDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs() / torch::tensor(kStd, torch::kFloat32).view({3, 1, 1});
}

const char* ruleName(ImageTransform::Resampling rule)
{
    switch (rule) {
        case ImageTransform::Resampling::PilBilinear:
            return "PIL bilinear (dofa)";
        case ImageTransform::Resampling::CvLinear:
            return "cv::INTER_LINEAR";
        case ImageTransform::Resampling::CvArea:
            return "cv::INTER_AREA";
    }
    return "?";
}

}  // namespace

class TestImageTransform : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QJsonObject m_manifest;

    QString tree(const QString& rel) const { return m_dir.filePath("tree/" + rel); }

    cv::Mat decode(const QString& path)
    {
        std::string error;
        cv::Mat image = ImageLoader::decode(path.toStdString(), error);
        if (image.empty()) {
            qWarning("%s: %s", qPrintable(path), error.c_str());
        }
        return image;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStringList extra;
        const QString env = qEnvironmentVariable("DOFA_EXTRA_TEST_IMAGES");
        if (!env.isEmpty()) {
            extra << "--extra" << env.split(':', Qt::SkipEmptyParts);
        }
        const QString resolutions = qEnvironmentVariable("DOFA_TEST_RESOLUTIONS");
        if (!resolutions.isEmpty()) {
            extra << "--resolutions" << resolutions;
        }
        const QString error = image_fixtures::generate(m_dir.path(), extra);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_manifest = image_fixtures::manifest(m_dir.path());
        const QJsonObject v = m_manifest["versions"].toObject();
        qInfo("reference: torchvision %s, PIL %s", qPrintable(v["torchvision"].toString()),
              qPrintable(v["pil"].toString()));
    }

    void evalMatchesTorchvision_data()
    {
        QTest::addColumn<int>("resolution");
        for (const QString& r : m_manifest["eval"].toObject().keys()) {
            QTest::addRow("r=%s", qPrintable(r)) << r.toInt();
        }
    }

    void evalMatchesTorchvision()
    {
        QFETCH(int, resolution);
        const QJsonObject ref =
            m_manifest["eval"].toObject()[QString::number(resolution)].toObject();
        const QJsonArray shape = ref["shape"].toArray();
        const QJsonArray decoded = ref["decoded"].toArray();
        const torch::Tensor want = image_fixtures::readFloats(
            m_dir.filePath(ref["file"].toString()), {shape[0].toInteger(), shape[1].toInteger(),
                                                     shape[2].toInteger(), shape[3].toInteger()});
        QVERIFY2(want.defined(), "reference tensor unreadable");
        QCOMPARE(want.size(0), static_cast<int64_t>(decoded.size()));

        // What PIL could not open, OpenCV (with dofa's truncation check) refuses too.
        for (const QJsonValue& s : ref["skipped"].toArray()) {
            std::string error;
            QVERIFY2(
                ImageLoader::decode(tree(s.toArray()[0].toString()).toStdString(), error).empty(),
                qPrintable(s.toArray()[0].toString()));
        }

        for (const auto rule :
             {ImageTransform::Resampling::PilBilinear, ImageTransform::Resampling::CvLinear,
              ImageTransform::Resampling::CvArea}) {
            const ImageTransform transform = ImageTransform::eval(resolution).setResampling(rule);
            double maxDiff = 0.0, sumDiff = 0.0;
            QString worst;
            for (int i = 0; i < decoded.size(); ++i) {
                const cv::Mat image = decode(tree(decoded[i].toString()));
                QVERIFY2(!image.empty(), qPrintable(decoded[i].toString()));
                const cv::Mat out = transform.apply(image);
                QCOMPARE(out.rows, resolution);
                QCOMPARE(out.cols, resolution);
                const torch::Tensor d = normalisedDiff(toTensor(out), want[i]);
                const double m = d.max().item<double>();
                if (m > maxDiff) {
                    maxDiff = m;
                    worst = decoded[i].toString();
                }
                sumDiff += d.mean().item<double>();
            }
            const double meanDiff = sumDiff / decoded.size();
            qInfo("r=%d %-20s max %.4f mean %.5f (normalised units; worst %s)", resolution,
                  ruleName(rule), maxDiff, meanDiff, qPrintable(worst));
            if (rule == ImageTransform::Resampling::PilBilinear) {
                QVERIFY2(maxDiff <= kTolerance,
                         qPrintable(
                             QString("max %1 > %2 on %3").arg(maxDiff).arg(kTolerance).arg(worst)));
            }
        }
    }

    void calibrationOperationsMatchPil()
    {
        const QJsonObject aug = m_manifest["augment"].toObject();
        const cv::Mat rgb = ImageTransform::toRgb(decode(tree(aug["image"].toString())));
        QVERIFY(!rgb.empty());
        for (const QJsonValue& v : aug["cases"].toArray()) {
            const QJsonObject c = v.toObject();
            const int r = c["resolution"].toInt();
            ImageTransform::Augmentation a;
            a.crop = {c["left"].toInt(), c["top"].toInt(), c["width"].toInt(), c["height"].toInt()};
            a.flip = c["flip"].toBool();
            a.brightness = c["brightness"].toDouble();
            a.saturation = c["saturation"].toDouble();
            a.brightnessFirst = c["brightness_first"].toBool();
            const cv::Mat got = ImageTransform::calibration(r, 0).augment(rgb, a);
            const torch::Tensor want =
                image_fixtures::readBytes(m_dir.filePath(c["file"].toString()), {r, r, 3});
            QVERIFY(want.defined());
            const torch::Tensor g = torch::from_blob(got.data, {r, r, 3}, torch::kUInt8);
            const int maxLevels =
                (g.to(torch::kInt32) - want.to(torch::kInt32)).abs().max().item<int>();
            QVERIFY2(
                maxLevels <= 1,
                qPrintable(QString("%1: %2 levels off").arg(c["file"].toString()).arg(maxLevels)));
        }
    }

    void torchvisionSizeRules()
    {
        QCOMPARE(ImageTransform::evalResizeSize(224), 256);
        QCOMPARE(ImageTransform::evalResizeSize(160), 183);  // ceil(182.86)
        QCOMPARE(ImageTransform::evalResizeSize(128), 147);
        QCOMPARE(ImageTransform::evalResizeSize(7), 8);
        // Shorter side to the size, the other int(size * long / short).
        QCOMPARE(ImageTransform::shorterSideSize({300, 200}, 256), cv::Size(384, 256));
        QCOMPARE(ImageTransform::shorterSideSize({97, 131}, 183), cv::Size(183, 247));
        QCOMPARE(ImageTransform::shorterSideSize({500, 500}, 183), cv::Size(183, 183));
        // Centre crop offsets: int(round(d / 2)), Python rounding half to even.
        QCOMPARE(ImageTransform::centerCropRect({256, 256}, 224), cv::Rect(16, 16, 224, 224));
        QCOMPARE(ImageTransform::centerCropRect({257, 259}, 224), cv::Rect(16, 18, 224, 224));
        QCOMPARE(ImageTransform::centerCropRect({225, 224}, 224), cv::Rect(0, 0, 224, 224));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 ImageTransform::centerCropRect({100, 300}, 224));
    }

    void channelsAndIdentity()
    {
        cv::Mat gray(5, 7, CV_8UC1);
        cv::randu(gray, 0, 256);
        const cv::Mat rgb = ImageTransform::toRgb(gray);
        QCOMPARE(rgb.type(), CV_8UC3);
        std::vector<cv::Mat> planes;
        cv::split(rgb, planes);
        QCOMPARE(cv::norm(planes[0], gray, cv::NORM_INF), 0.0);
        QCOMPARE(cv::norm(planes[2], gray, cv::NORM_INF), 0.0);

        cv::Mat bgra(4, 6, CV_8UC4, cv::Scalar(10, 20, 30, 40));
        const cv::Mat fromBgra = ImageTransform::toRgb(bgra);
        QCOMPARE(fromBgra.at<cv::Vec3b>(2, 3), cv::Vec3b(30, 20, 10));

        cv::Mat image(31, 45, CV_8UC3);
        cv::randu(image, 0, 256);
        QCOMPARE(
            cv::norm(ImageTransform::resizeBilinearPil(image, image.size()), image, cv::NORM_INF),
            0.0);
        // A region of the output equals the same crop of the full output.
        const cv::Mat full = ImageTransform::resizeBilinearPil(image, {20, 13});
        const cv::Rect region(3, 2, 11, 9);
        QCOMPARE(cv::norm(ImageTransform::resizeBilinearPil(image, {20, 13}, region), full(region),
                          cv::NORM_INF),
                 0.0);

        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ImageTransform::eval(32).apply(cv::Mat()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 ImageTransform::eval(32).apply(cv::Mat(8, 8, CV_32FC3)));
    }

    void calibrationSeeded()
    {
        const cv::Mat image = decode(tree("zebra/big.jpg"));
        QVERIFY(!image.empty());
        const ImageTransform a = ImageTransform::calibration(64, 5);
        const cv::Mat first = a.apply(image, 3);
        QCOMPARE(first.size(), cv::Size(64, 64));
        QCOMPARE(cv::norm(a.apply(image, 3), first, cv::NORM_INF), 0.0);
        QVERIFY(cv::norm(a.apply(image, 4), first, cv::NORM_INF) > 0.0);
        QVERIFY(cv::norm(ImageTransform::calibration(64, 6).apply(image, 3), first, cv::NORM_INF) >
                0.0);

        // The draws stay in OFA's ranges: crop area 8..100 % of the image, aspect 3/4..4/3
        // (up to the rounding of the sides), flips about half the time.
        std::mt19937 rng(1);
        const cv::Size size(500, 333);
        int flips = 0;
        const int draws = 2000;
        for (int i = 0; i < draws; ++i) {
            const ImageTransform::Augmentation aug = ImageTransform::drawAugmentation(size, rng);
            QVERIFY((aug.crop & cv::Rect({0, 0}, size)) == aug.crop);
            const double area = aug.crop.area() / static_cast<double>(size.area());
            QVERIFY2(area > 0.07 && area <= 1.0, qPrintable(QString::number(area)));
            const double ratio = aug.crop.width / static_cast<double>(aug.crop.height);
            QVERIFY2(ratio > 0.70 && ratio < 1.40, qPrintable(QString::number(ratio)));
            QVERIFY(aug.brightness >= 1.0 - 32.0 / 255.0 && aug.brightness < 1.0 + 32.0 / 255.0);
            QVERIFY(aug.saturation >= 0.5 && aug.saturation < 1.5);
            flips += aug.flip ? 1 : 0;
        }
        QVERIFY2(std::abs(flips - draws / 2) < draws / 10, qPrintable(QString::number(flips)));

        // No crop fits a 1000 x 10 strip at the ratio range: torchvision's central fallback.
        const ImageTransform::Augmentation strip =
            ImageTransform::drawAugmentation({1000, 10}, rng);
        QCOMPARE(strip.crop, cv::Rect((1000 - 13) / 2, 0, 13, 10));
    }
};

QTEST_GUILESS_MAIN(TestImageTransform)
#include "tst_image_transform.moc"
