// SPDX-License-Identifier: MIT
#include <QtTest>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <torch/torch.h>

#include "data/fashion_mnist.h"
#include "data/image_transform.h"
#include "sources/capture_source.h"
#include "sources/dataset_replay_source.h"
#include "sources/folder_replay_source.h"
#include "sources/frame_converter.h"
#include "sources/source_factory.h"
#include "sources/source_spec.h"

using namespace dofa;

Q_DECLARE_METATYPE(dofa::SourceSpec::Kind)

namespace {

// Image i is filled with the value 10 * i and labelled (i + 3) % 10, so that a frame tells
// which image it came from.
FashionMnist synthetic(int n, bool withLabels = true)
{
    FashionMnist ds;
    ds.images = torch::empty({n, 28, 28}, torch::kUInt8);
    for (int i = 0; i < n; ++i) {
        ds.images[i].fill_(10 * i);
    }
    if (withLabels) {
        ds.labels = (torch::arange(n, torch::kInt64) + 3) % 10;
    }
    return ds;
}

int imageId(const Frame& f)
{
    return f.image.at<std::uint8_t>(14, 14) / 10;
}

bool hasFashionMnist()
{
    return std::filesystem::exists(FashionMnist::defaultDir() + "/t10k-labels-idx1-ubyte.gz") ||
           std::filesystem::exists(FashionMnist::defaultDir() + "/t10k-labels-idx1-ubyte");
}

// The converter's tensor as an OpenCV image: (1, n, n) gray as it is, (1, 3, r, r) planes as
// an HWC image. The converter is a copy: tests convert with temporaries and const ones.
cv::Mat modelImage(FrameConverter converter, const cv::Mat& frame, int resolution = 0)
{
    const torch::Tensor& t = converter.convert(frame, resolution);
    if (t.dim() == 3)
        return cv::Mat(static_cast<int>(t.size(1)), static_cast<int>(t.size(2)), CV_8UC1,
                       t.data_ptr<std::uint8_t>())
            .clone();
    const torch::Tensor hwc = t[0].permute({1, 2, 0}).contiguous();
    return cv::Mat(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3,
                   hwc.data_ptr<std::uint8_t>())
        .clone();
}

bool identical(const cv::Mat& a, const cv::Mat& b)
{
    return a.type() == b.type() && a.size() == b.size() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// Runs `open` and expects std::runtime_error whose message contains every needle.
template <typename F>
void expectRuntimeError(F open, const QStringList& needles)
{
    try {
        open();
        QFAIL("no error");
    } catch (const std::runtime_error& e) {
        qInfo("%s", e.what());  // the message is the feature: keep it in the test log
        for (const QString& needle : needles) {
            QVERIFY2(QString(e.what()).contains(needle), e.what());
        }
    }
}

void writeVideo(const QString& path, int frames, cv::Size size)
{
    cv::VideoWriter writer(path.toStdString(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25.0,
                           size);
    QVERIFY2(writer.isOpened(), "cannot write an MJPG .avi (OpenCV without a video writer?)");
    for (int i = 0; i < frames; ++i) {
        cv::Mat image(size, CV_8UC3, cv::Scalar(20 * i % 256, 128, 255 - 20 * i % 256));
        cv::circle(image, {size.width / 2, size.height / 2}, size.height / 4, {0, 0, 0}, -1);
        writer.write(image);
    }
}

}  // namespace

class TestFrameSources : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Failed opens are part of the tests; OpenCV's own warnings about them are noise.
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    }

    // --- dataset replay ---------------------------------------------------------------

    void replayDeliversImagesAndLabels()
    {
        DatasetReplayOptions o;
        o.loop = false;
        o.name = "synthetic";
        DatasetReplaySource source(synthetic(5), o);
        QVERIFY(source.hasLabels());
        QVERIFY(!source.isLive());
        QCOMPARE(QString::fromStdString(source.description()),
                 QString("synthetic, 5 images, labelled, played once"));

        Frame f;
        std::int64_t lastT = 0;
        for (int i = 0; i < 5; ++i) {
            QVERIFY(source.next(f));
            QCOMPARE(f.image.type(), CV_8UC1);
            QCOMPARE(f.image.cols, 28);
            QCOMPARE(f.image.rows, 28);
            QCOMPARE(imageId(f), i);
            QCOMPARE(f.label, (i + 3) % 10);
            QCOMPARE(f.index, std::int64_t(i));
            QVERIFY(f.tNs >= lastT && f.tNs > 0);
            lastT = f.tNs;
        }
        QVERIFY(!source.next(f));
        QVERIFY(!source.next(f));
        QCOMPARE(source.framesDelivered(), std::int64_t(5));
    }

    void replayFramesOwnTheirPixels()
    {
        FashionMnist ds = synthetic(2);
        DatasetReplaySource source(ds);
        Frame f;
        QVERIFY(source.next(f));
        ds.images.fill_(255);  // the source shares the storage; the frame must not
        QCOMPARE(int(f.image.at<std::uint8_t>(0, 0)), 0);
    }

    void replayLoopsWithOffsetAndLimit()
    {
        DatasetReplayOptions o;
        o.start = 3;
        o.limit = 12;
        DatasetReplaySource source(synthetic(5), o);
        const QList<int> expected = {3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
        QList<int> got;
        Frame f;
        while (source.next(f)) {
            got << imageId(f);
            QCOMPARE(f.label, (imageId(f) + 3) % 10);
        }
        QCOMPARE(got, expected);
        QCOMPARE(source.framesDelivered(), std::int64_t(12));
        QVERIFY(QString::fromStdString(source.description()).contains("limit 12"));
    }

    void replayOnceFromOffset()
    {
        DatasetReplayOptions o;
        o.loop = false;
        o.start = 3;
        DatasetReplaySource source(synthetic(5), o);
        Frame f;
        QList<int> got;
        while (source.next(f)) {
            got << imageId(f);
        }
        QCOMPARE(got, QList<int>({3, 4}));
    }

    void replayWithoutLabels()
    {
        DatasetReplaySource source(synthetic(3, false));
        QVERIFY(!source.hasLabels());
        QVERIFY(QString::fromStdString(source.description()).contains("unlabelled"));
        Frame f;
        QVERIFY(source.next(f));
        QCOMPARE(f.label, -1);
    }

    void replayPacing()
    {
        DatasetReplayOptions o;
        o.fps = 200;
        o.limit = 10;
        DatasetReplaySource source(synthetic(4), o);
        Frame f;
        QElapsedTimer timer;
        timer.start();
        int n = 0;
        while (source.next(f)) {
            ++n;
        }
        QCOMPARE(n, 10);
        // Nine periods of 5 ms lie between the first and the tenth frame.
        QVERIFY2(timer.elapsed() >= 40, qPrintable(QString::number(timer.elapsed())));
    }

    void replayRejectsBadData()
    {
        const auto rejects = [](FashionMnist ds, DatasetReplayOptions o, const char* needle) {
            try {
                DatasetReplaySource source(std::move(ds), o);
                return false;
            } catch (const std::invalid_argument& e) {
                return QString(e.what()).contains(needle);
            }
        };
        FashionMnist floats = synthetic(3);
        floats.images = floats.images.to(torch::kFloat32);
        QVERIFY(rejects(floats, {}, "uint8"));
        FashionMnist wrongLabels = synthetic(3);
        wrongLabels.labels = torch::zeros({4}, torch::kInt64);
        QVERIFY(rejects(wrongLabels, {}, "3 labels"));
        QVERIFY(rejects(synthetic(0), {}, "no images"));
        DatasetReplayOptions badStart;
        badStart.start = 3;
        QVERIFY(rejects(synthetic(3), badStart, "start 3"));
        DatasetReplayOptions badFps;
        badFps.fps = -1;
        QVERIFY(rejects(synthetic(3), badFps, "fps"));
    }

    void replayRealTestSet()
    {
        if (!hasFashionMnist()) {
            QSKIP("Fashion-MNIST not installed (apt install dataset-fashion-mnist)");
        }
        SourceOptions o;
        o.loop = false;
        auto source = openSource(SourceSpec::parse("dataset"), o);
        QCOMPARE(QString::fromStdString(source->description()),
                 QString("Fashion-MNIST test set, 10000 images, labelled, played once"));
        QVERIFY(source->hasLabels());
        const FashionMnist ds =
            FashionMnist::load(FashionMnist::defaultDir(), FashionMnist::Split::Test);
        FrameConverter converter;
        Frame f;
        std::array<int, 10> perClass{};
        std::int64_t n = 0;
        while (source->next(f)) {
            QVERIFY(f.label >= 0 && f.label < 10);
            ++perClass[f.label];
            // Replay and conversion together must hand the model exactly the dataset image.
            const torch::Tensor t = converter.toTensor(f.image);
            if (!torch::equal(t[0], ds.images[n])) {
                QFAIL(qPrintable(QString("image %1 changed on the way").arg(n)));
            }
            ++n;
        }
        QCOMPARE(n, std::int64_t(10000));
        for (int c : perClass) {
            QCOMPARE(c, 1000);
        }
    }

    void missingDatasetNamesTheFile()
    {
        QTemporaryDir dir;
        SourceOptions o;
        o.datasetDir = dir.path().toStdString();
        expectRuntimeError([&] { openSource(SourceSpec::parse("dataset:train"), o); },
                           {dir.path(), "train-"});
    }

    // --- captures ----------------------------------------------------------------------

    void videoFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("clip.avi");
        writeVideo(path, 12, {160, 120});

        CaptureOptions o;
        auto source = CaptureSource::openFile(path.toStdString(), o);
        QVERIFY(!source->isLive());
        QVERIFY(!source->hasLabels());
        const QString d = QString::fromStdString(source->description());
        QVERIFY2(
            d.contains("file '" + path + "'") && d.contains("160x120") && d.contains("12 frames"),
            qPrintable(d));
        Frame f;
        int n = 0;
        while (source->next(f)) {
            QCOMPARE(f.image.cols, 160);
            QCOMPARE(f.image.rows, 120);
            QCOMPARE(f.image.type(), CV_8UC3);
            QCOMPARE(f.label, -1);
            QCOMPARE(f.index, std::int64_t(n));
            ++n;
        }
        QCOMPARE(n, 12);
        QCOMPARE(source->framesDelivered(), std::int64_t(12));
    }

    void videoFileLoopsThroughFactory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("clip.avi");
        writeVideo(path, 5, {64, 48});
        SourceOptions o;
        o.limit = 13;  // loop is the default: 5 + 5 + 3
        auto source = openSource(SourceSpec::parse("file:" + path.toStdString()), o);
        Frame f;
        int n = 0;
        while (source->next(f)) {
            QCOMPARE(f.image.cols, 64);
            ++n;
        }
        QCOMPARE(n, 13);
        // A bare path of an existing file is a file source too.
        QCOMPARE(SourceSpec::parse(path.toStdString()).kind, SourceSpec::Kind::File);
    }

    void gstreamerPipeline()
    {
        std::string why;
        if (!CaptureSource::openCvHasGStreamer(&why)) {
            QSKIP(qPrintable("OpenCV without GStreamer: " + QString::fromStdString(why)));
        }
        auto source =
            openSource(SourceSpec::parse("gst:videotestsrc num-buffers=5 ! "
                                         "video/x-raw,width=64,height=48 ! "
                                         "videoconvert ! appsink"));
        QVERIFY(source->isLive());
        QVERIFY(!source->hasLabels());
        Frame f;
        int n = 0;
        while (source->next(f)) {
            QCOMPARE(f.image.cols, 64);
            QCOMPARE(f.image.rows, 48);
            QCOMPARE(f.image.type(), CV_8UC3);
            ++n;
        }
        QCOMPARE(n, 5);
        QVERIFY2(!QString::fromStdString(source->description()).contains("appended"),
                 source->description().c_str());
    }

    void gstreamerAppendsAppsink()
    {
        QCOMPARE(CaptureSource::completePipeline("a ! b ! appsink"),
                 std::string("a ! b ! appsink"));
        QCOMPARE(CaptureSource::completePipeline(" a ! appsink drop=true max-buffers=1 "),
                 std::string("a ! appsink drop=true max-buffers=1"));
        QCOMPARE(CaptureSource::completePipeline("a ! appsinkx"),
                 std::string("a ! appsinkx ! videoconvert ! appsink"));
        QCOMPARE(CaptureSource::completePipeline("videotestsrc"),
                 std::string("videotestsrc ! videoconvert ! appsink"));

        std::string why;
        if (!CaptureSource::openCvHasGStreamer(&why)) {
            QSKIP(qPrintable("OpenCV without GStreamer: " + QString::fromStdString(why)));
        }
        auto source = CaptureSource::openGStreamer(
            "videotestsrc num-buffers=3 ! video/x-raw,width=32,height=24");
        const QString d = QString::fromStdString(source->description());
        QVERIFY2(d.contains("appended") && d.contains("32x24"), qPrintable(d));
        Frame f;
        int n = 0;
        while (source->next(f)) {
            QCOMPARE(f.image.cols, 32);
            ++n;
        }
        QCOMPARE(n, 3);
    }

    void captureErrors()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("missing.avi").toStdString();
        expectRuntimeError([&] { CaptureSource::openFile(missing); },
                           {"file '" + QString::fromStdString(missing) + "'", "file not found"});
        expectRuntimeError([&] { CaptureSource::openFile(dir.path().toStdString()); },
                           {"is a directory"});

        const QString text = dir.filePath("notes.avi");
        {
            std::ofstream(text.toStdString()) << "this is not a video\n";
        }
        expectRuntimeError([&] { CaptureSource::openFile(text.toStdString()); },
                           {"file '" + text + "'", "cannot open", "not a video"});

        expectRuntimeError([&] { CaptureSource::openCamera(97); },
                           {"camera 97 (/dev/video97)", "cannot open: no such device"});
        expectRuntimeError([&] { openSource(SourceSpec::parse("camera:97")); }, {"camera 97"});

        std::string why;
        const bool gst = CaptureSource::openCvHasGStreamer(&why);
        expectRuntimeError([&] { CaptureSource::openGStreamer("nosuchelement_dofa ! appsink"); },
                           {"GStreamer pipeline 'nosuchelement_dofa ! appsink'", "cannot open",
                            QString::fromStdString(why)});
        if (!gst) {
            QSKIP("OpenCV without GStreamer: the message part was checked, nothing more to do");
        }
    }

    // --- source specs ------------------------------------------------------------------

    void specParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<SourceSpec::Kind>("kind");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("canonical");
        using K = SourceSpec::Kind;
        QTest::addRow("dataset") << "dataset" << K::Dataset << "test"
                                 << "dataset:test";
        QTest::addRow("dataset:test") << "dataset:test" << K::Dataset << "test"
                                      << "dataset:test";
        QTest::addRow("dataset:train") << " Dataset:TRAIN " << K::Dataset << "train"
                                       << "dataset:train";
        QTest::addRow("camera:0") << "camera:0" << K::Camera << "0"
                                  << "camera:0";
        QTest::addRow("bare index") << "2" << K::Camera << "2"
                                    << "camera:2";
        QTest::addRow("device path") << "/dev/video3" << K::Camera << "3"
                                     << "camera:3";
        QTest::addRow("file") << "file:/no/such/clip.mp4" << K::File << "/no/such/clip.mp4"
                              << "file:/no/such/clip.mp4";
        QTest::addRow("file with colon") << "file:a:b.avi" << K::File << "a:b.avi"
                                         << "file:a:b.avi";
        QTest::addRow("gst") << "gst:nvarguscamerasrc ! video/x-raw(memory:NVMM) ! appsink"
                             << K::GStreamer
                             << "nvarguscamerasrc ! video/x-raw(memory:NVMM) ! appsink"
                             << "gst:nvarguscamerasrc ! video/x-raw(memory:NVMM) ! appsink";
        QTest::addRow("folder") << "folder: /data/val " << K::Folder << "/data/val"
                                << "folder:/data/val";
    }

    void specParse()
    {
        QFETCH(QString, text);
        QFETCH(SourceSpec::Kind, kind);
        QFETCH(QString, value);
        QFETCH(QString, canonical);
        const SourceSpec spec = SourceSpec::parse(text.toStdString());
        QCOMPARE(spec.kind, kind);
        QCOMPARE(QString::fromStdString(spec.value), value);
        QCOMPARE(QString::fromStdString(spec.toString()), canonical);
        QCOMPARE(SourceSpec::parse(spec.toString()), spec);
    }

    void specDefaultIsTestSetReplay()
    {
        QCOMPARE(SourceSpec{}, SourceSpec::parse("dataset:test"));
        QCOMPARE(SourceSpec::parse("camera:4").cameraIndex(), 4);
    }

    void specRejects_data()
    {
        QTest::addColumn<QString>("text");
        for (const char* t : {"", "   ", "dataset:", "dataset:validation", "camera:", "camera:-1",
                              "camera:one", "camera:1.5", "-1", "file:", "gst:", "gst:   ",
                              "webcam:0", "/definitely/not/a/file.avi", "rtsp://host/stream"}) {
            QTest::addRow("'%s'", t) << QString(t);
        }
    }

    void specRejects()
    {
        QFETCH(QString, text);
        try {
            SourceSpec::parse(text.toStdString());
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            const QString m = e.what();
            QVERIFY2(m.contains("'" + text + "'"), e.what());
            QVERIFY2(m.contains("camera:N") && m.contains("file:PATH") &&
                         m.contains("gst:PIPELINE") && m.contains("dataset:train"),
                     e.what());
        }
    }

    // --- frame converter ---------------------------------------------------------------

    void converterPassesModelSizedGrayThrough()
    {
        cv::Mat image(28, 28, CV_8UC1);
        cv::randu(image, 0, 256);
        image.row(0).setTo(255);  // a bright border must not trigger inversion here
        FrameConverter converter;
        const cv::Mat out = modelImage(converter, image);
        QVERIFY(identical(out, image));
        QVERIFY(out.data != image.data);

        const torch::Tensor t = converter.toTensor(image);
        QCOMPARE(t.sizes(), (torch::IntArrayRef{1, 28, 28}));
        QCOMPARE(t.scalar_type(), torch::kUInt8);
        const cv::Mat back(28, 28, CV_8UC1, t.data_ptr<std::uint8_t>());
        QVERIFY(identical(back, image));
    }

    void converterShrinksBgr()
    {
        // Dark background, bright square in the centre, red bars in the margins a centre
        // crop must drop.
        cv::Mat frame(480, 640, CV_8UC3, cv::Scalar(0, 0, 0));
        frame(cv::Rect(0, 0, 80, 480)).setTo(cv::Scalar(0, 0, 255));
        frame(cv::Rect(560, 0, 80, 480)).setTo(cv::Scalar(0, 0, 255));
        frame(cv::Rect(200, 120, 240, 240)).setTo(cv::Scalar(255, 255, 255));
        const cv::Mat out = modelImage(FrameConverter(), frame);
        QCOMPARE(out.type(), CV_8UC1);
        QCOMPARE(out.cols, 28);
        QCOMPARE(out.rows, 28);
        QCOMPARE(int(out.at<std::uint8_t>(14, 14)), 255);
        QCOMPARE(int(out.at<std::uint8_t>(14, 0)), 0);  // the red bars were cropped away
        QCOMPARE(int(out.at<std::uint8_t>(0, 14)), 0);

        cv::Mat bgra;
        cv::cvtColor(frame, bgra, cv::COLOR_BGR2BGRA);
        QVERIFY(identical(modelImage(FrameConverter(), bgra), out));
        const cv::Mat portrait(100, 60, CV_8UC1, cv::Scalar(0));
        QCOMPARE(modelImage(FrameConverter(), portrait).size(), cv::Size(28, 28));
    }

    void converterInversionRule()
    {
        // A dark garment on a light table, as a camera sees it.
        cv::Mat photo(240, 320, CV_8UC3, cv::Scalar(220, 220, 220));
        cv::circle(photo, {160, 120}, 60, cv::Scalar(30, 30, 30), -1);
        cv::Mat gray;
        cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
        QVERIFY(FrameConverter::looksDarkOnLight(gray));
        QVERIFY(!FrameConverter::looksDarkOnLight(255 - gray));

        const cv::Mat autoOut = modelImage(FrameConverter(), photo);
        QVERIFY(autoOut.at<std::uint8_t>(14, 14) > 200);  // light on dark now
        QVERIFY(autoOut.at<std::uint8_t>(1, 1) < 60);
        const cv::Mat never = modelImage(FrameConverter(FrameConverter::Invert::Never), photo);
        QVERIFY(never.at<std::uint8_t>(14, 14) < 60);
        QVERIFY(cv::norm(autoOut, 255 - never, cv::NORM_INF) == 0);

        // Already light on dark: Auto leaves it, Always flips it.
        cv::Mat lightOnDark;
        cv::bitwise_not(photo, lightOnDark);
        const cv::Mat kept = modelImage(FrameConverter(), lightOnDark);
        QVERIFY(kept.at<std::uint8_t>(14, 14) > 200);
        QVERIFY(cv::norm(kept, autoOut, cv::NORM_INF) <= 1);  // rounding in the resize only
        const cv::Mat always =
            modelImage(FrameConverter(FrameConverter::Invert::Always), lightOnDark);
        QVERIFY(always.at<std::uint8_t>(14, 14) < 60);
    }

    void converterRejectsUnsupportedFrames()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, modelImage(FrameConverter(), cv::Mat()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 modelImage(FrameConverter(), cv::Mat(10, 10, CV_32FC1)));
    }

    // --- input contracts and image folders --------------------------------------------

    /// OFA's contract: a camera's BGR frame becomes RGB planes, shorter side to ceil(r/0.875)
    /// with PIL's filter, centre crop r: exactly ImageTransform's pixels (the folder path's),
    /// for landscape and portrait frames, gray and BGRA, at the resolution asked.
    void converterFollowsTheImagenetContract()
    {
        at::set_num_threads(2);  // the converter splits its rows over two threads: same pixels
        InputContract contract;
        contract.channels = 3;
        contract.colour = InputContract::ColourOrder::RGB;
        contract.resize = InputContract::Resize::ShorterSideCentreCrop;
        contract.cropFraction = 0.875;
        FrameConverter converter(contract);
        cv::RNG rng(7);
        for (const cv::Size size : {cv::Size(128, 72), cv::Size(61, 97), cv::Size(40, 40)}) {
            cv::Mat bgr(size, CV_8UC3);
            rng.fill(bgr, cv::RNG::UNIFORM, 0, 256);
            cv::Mat gray, bgra;
            cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
            cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
            for (const cv::Mat& frame : {bgr, gray, bgra})
                for (const int r : {32, 40}) {
                    const at::Tensor t = converter.toTensor(frame, r);
                    QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{1, 3, r, r}));
                    QVERIFY(identical(modelImage(converter, frame, r),
                                      ImageTransform::eval(r).apply(frame)));
                }
        }
        cv::Mat frame(72, 128, CV_8UC3, cv::Scalar(10, 20, 30));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)converter.toTensor(frame, 0));
        // A BGR contract gets the planes in its own order.
        InputContract bgrContract = contract;
        bgrContract.colour = InputContract::ColourOrder::BGR;
        const at::Tensor t = FrameConverter(bgrContract).toTensor(frame, 32);
        QCOMPARE(t[0][0][3][3].item<int>(), 10);
        QCOMPARE(t[0][2][3][3].item<int>(), 30);
        QCOMPARE(converter.toTensor(frame, 32)[0][0][3][3].item<int>(), 30);
        contract.cropFraction = 0.9;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FrameConverter{contract});
    }

    /// A camera's frames, at every level's resolution: after the first frame at each, the
    /// converter writes into the same buffers (no allocation per frame nor per level switch),
    /// and a buffer reused never carries the previous frame's pixels.
    void converterReusesItsBuffersAcrossLevelSwitches()
    {
        InputContract contract;
        contract.channels = 3;
        contract.colour = InputContract::ColourOrder::RGB;
        contract.resize = InputContract::Resize::ShorterSideCentreCrop;
        contract.cropFraction = 0.875;
        FrameConverter converter(contract);
        cv::Mat a(90, 160, CV_8UC3), b(90, 160, CV_8UC3);
        cv::randu(a, 0, 256);
        cv::randu(b, 0, 256);
        const std::vector<int> resolutions{32, 48, 40};
        std::map<int, const void*> buffer;
        for (int r : resolutions)
            buffer[r] = converter.convert(a, r).data_ptr();
        for (int round = 0; round < 3; ++round)
            for (int r : resolutions) {
                const cv::Mat& frame = (round + r) % 2 ? a : b;
                const at::Tensor& t = converter.convert(frame, r);
                QCOMPARE(t.data_ptr(), buffer[r]);
                cv::Mat expected = ImageTransform::eval(r).apply(frame);  // HWC RGB
                const torch::Tensor planes =
                    torch::from_blob(expected.data, {r, r, 3}, torch::kUInt8).permute({2, 0, 1});
                QVERIFY(torch::equal(t[0], planes));
            }
        // Fashion-MNIST's gray path keeps its buffer too.
        FrameConverter gray;
        const void* p = gray.convert(a).data_ptr();
        QCOMPARE(gray.convert(b).data_ptr(), p);
    }

    /// folder:DIR replays an image folder with its labels, in order, skipping what does not
    /// decode (named in the description), and loops.
    void folderReplayPlaysLabelledImages()
    {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        for (const char* c : {"cat", "dog"})
            std::filesystem::create_directories(root + "/" + c);
        cv::imwrite(root + "/cat/a.png", cv::Mat(20, 30, CV_8UC3, cv::Scalar(10, 20, 30)));
        cv::imwrite(root + "/dog/b.jpg", cv::Mat(25, 15, CV_8UC3, cv::Scalar(200, 100, 50)));
        std::ofstream(root + "/dog/broken.jpg") << "not a jpeg";
        SourceOptions o;
        o.classNames = {"bird", "cat", "dog"};  // the model's numbering, not the folder's
        auto source = openSource(SourceSpec::parse("folder:" + root), o);
        QVERIFY(source->hasLabels());
        Frame f;
        QVERIFY(source->next(f));
        QCOMPARE(f.label, 1);
        QCOMPARE(f.image.size(), cv::Size(30, 20));
        QVERIFY(source->next(f));
        QCOMPARE(f.label, 2);
        QCOMPARE(f.image.size(), cv::Size(15, 25));
        QVERIFY(source->next(f));  // broken.jpg skipped, then around again
        QCOMPARE(f.label, 1);
        const QString d = QString::fromStdString(source->description());
        QVERIFY2(d.contains("1 skipped") && d.contains("broken.jpg"), qPrintable(d));
        // A class folder the model does not know is an error naming it.
        o.classNames = {"cat", "horse", "zebra"};
        try {
            (void)openSource(SourceSpec::parse("folder:" + root), o);
            QFAIL("an unknown class folder was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("dog"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestFrameSources)
#include "tst_frame_sources.moc"
