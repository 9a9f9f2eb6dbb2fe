// SPDX-License-Identifier: MIT
// Soak of the dashboard (issue "Reliability"): the widgets window on the shipped model, headless
// (QT_QPA_PLATFORM=offscreen), for --minutes (default 60), while a schedule switches the source
// between ones that fail and one that works, and switches the competing load and the targets.
// Every --period seconds (default 15) the next step of this cycle runs:
//   1. a video file that ends after 3 s (written at start with OpenCV);
//   2. a GStreamer pipeline that errors (a file that does not exist);
//   3. a camera index that does not exist;
//   4. the test-set replay with a competing load of 2 threads and a 1 ms latency target;
//   5. the test-set replay, no load, a 5 ms latency target.
// After each failure the next step sets a source again and starts the run: the dashboard comes
// back. Prints resident memory after 5 minutes and at the end (goal: < 5 % growth), the number
// of restarts, errors and notices, and the frames run. A crash ends the process, so finishing
// is the proof that it did not crash. Prints numbers; asserts nothing. Not a CI test.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "live/dashboard_controller.h"
#include "main_window.h"
#include "resident_memory.h"

using namespace dofa;

namespace {

/// A 3 s MJPEG video of moving bars: a file source that ends.
QString writeShortVideo(const QString& path)
{
    cv::VideoWriter out(path.toStdString(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                        cv::Size(160, 120));
    if (!out.isOpened()) {
        return {};
    }
    for (int i = 0; i < 90; ++i) {
        cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(30, 30, 30));
        cv::rectangle(frame, cv::Rect((i * 3) % 160, 20, 30, 80), cv::Scalar(220, 220, 220), -1);
        out.write(frame);
    }
    return path;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    const QCommandLineOption minutes("minutes", "How long to run.", "m", "60");
    const QCommandLineOption period("period", "Seconds between schedule steps.", "s", "15");
    p.addOptions({minutes, period});
    p.process(app);
    const double totalMinutes = p.value(minutes).toDouble();
    const int periodMs = static_cast<int>(p.value(period).toDouble() * 1000);

    QTemporaryDir dir;
    const QString video = writeShortVideo(dir.filePath(QStringLiteral("ends.avi")));
    if (video.isEmpty()) {
        std::fprintf(stderr, "dashboard_soak: OpenCV cannot write %s\n",
                     qPrintable(dir.filePath(QStringLiteral("ends.avi"))));
        return 1;
    }
    DashboardOptions o;
    o.source = QStringLiteral("dataset:test");
    o.sourceFps = 30;
    o.platform = QStringLiteral("simulated");
    o.settingsFile = dir.filePath(QStringLiteral("soak.ini"));
    o.restoreSettings = false;
    o.modelPath = QStringLiteral(DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa");
    o.profilePath =
        QString::fromStdString(std::string(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-") +
                               std::to_string(o.threads) + "t.json");
    DashboardController c(o);
    MainWindow window(&c);
    window.resize(1280, 800);
    window.show();

    long long errors = 0, notices = 0, restarts = 0;
    QObject::connect(&c, &DashboardController::errorOccurred, [&](const QString&) { ++errors; });
    QObject::connect(&c, &DashboardController::messageChanged, [&] { ++notices; });

    struct Step
    {
        QString source;
        int load;  ///< competing threads, 0: none
        double latencyMs;
    };
    const std::vector<Step> cycle = {
        {QStringLiteral("file:") + video, 0, 5},
        {QStringLiteral("gst:filesrc location=/nonexistent/clip.avi ! decodebin ! videoconvert "
                        "! appsink"),
         0, 5},
        {QStringLiteral("camera:97"), 0, 5},
        {QStringLiteral("dataset:test"), 2, 1},
        {QStringLiteral("dataset:test"), 0, 5},
    };
    std::size_t next = 0;
    QTimer schedule;
    schedule.setInterval(periodMs);
    QObject::connect(&schedule, &QTimer::timeout, [&] {
        const Step& s = cycle[next++ % cycle.size()];
        if (!c.isRunning()) {
            ++restarts;  // the previous source failed or ended: the dashboard comes back
        }
        c.setSource(s.source);
        c.setLatencyTargetMs(s.latencyMs);
        if (s.load > 0) {
            c.startLoad(s.load);
        } else {
            c.stopLoad();
        }
        if (!c.isRunning()) {
            c.start();
        }
    });
    schedule.start();
    c.start();

    QElapsedTimer clock;
    clock.start();
    long rss5 = -1;
    QTimer::singleShot(5 * 60 * 1000, [&] {
        rss5 = residentKib();
        std::printf("resident after 5 min: %ld KiB (%lld frames, %lld restarts)\n", rss5,
                    static_cast<long long>(c.snapshot().framesDone), restarts);
        std::fflush(stdout);
    });
    QTimer::singleShot(static_cast<int>(totalMinutes * 60 * 1000), &app, &QApplication::quit);
    std::printf("dashboard_soak: %.1f min, a step every %d s, QPA %s, SIMULATED platform\n",
                totalMinutes, periodMs / 1000, qPrintable(QGuiApplication::platformName()));
    std::fflush(stdout);
    app.exec();
    const long rssEnd = residentKib();
    std::printf("resident after %.1f min: %ld KiB", clock.elapsed() / 60000.0, rssEnd);
    if (rss5 > 0) {
        std::printf(", growth since 5 min %.2f %% (goal < 5 %%)",
                    100.0 * static_cast<double>(rssEnd - rss5) / static_cast<double>(rss5));
    }
    std::printf(
        "\nschedule steps %zu, restarts after a failed or ended source %lld, errors %lld, "
        "messages %lld, frames in the last run %lld; no crash\n",
        next, restarts, errors, notices, static_cast<long long>(c.snapshot().framesDone));
    return 0;
}
