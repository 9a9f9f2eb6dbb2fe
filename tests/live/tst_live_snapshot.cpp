// SPDX-License-Identifier: MIT
// makeLiveSnapshot: what the views draw on a tick, from a run's buffers filled by hand (no
// inference, no worker, no clock): the newest frame, fps and median latency, the window cut,
// which series exist, decimation that keeps a spike, platform samples and the running top-1.
#include <QtTest>
#include <cmath>

#include "live/live_snapshot_builder.h"

using namespace dofa;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

/// Frame k at k / fps seconds (fps a power of two keeps the times exact).
LiveFramePoint framePoint(int k, double fps, double latencyMs, double targetMs = kNan,
                          double top1 = kNan)
{
    LiveFramePoint p;
    p.t = k / fps;
    p.latencyMs = latencyMs;
    p.level = k % 4;
    p.targetMs = targetMs;
    p.runningTop1 = top1;
    return p;
}

double maxY(const QList<QPointF>& points)
{
    double most = -1;
    for (const QPointF& p : points) {
        most = std::max(most, p.y());
    }
    return most;
}

}  // namespace

class TestLiveSnapshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nothingRunYet()
    {
        const LiveRunData data(16, 16);
        const LiveSnapshot s = makeLiveSnapshot(data, LiveRunState(), 60);
        QCOMPARE(s.currentLevel, -1);
        QVERIFY(!s.running);
        QCOMPARE(s.fps, 0.0);
        QVERIFY(std::isnan(s.latencyP50Ms));
        QVERIFY(std::isnan(s.runningTop1));
        QVERIFY(std::isnan(s.powerW));
        QVERIFY(s.latency.points.isEmpty());
        QVERIFY(s.library.isEmpty());
        QVERIFY(s.decisions.empty());
    }

    void newestFrameAndCounters()
    {
        LiveRunData data(16, 16);
        data.framesDone = 12;
        data.framesDropped = 3;
        data.labelled = 8;
        data.correct = 6;
        LiveRunState st;
        st.image = cv::Mat(4, 4, CV_8UC1, cv::Scalar(7));
        st.frameIndex = 11;
        st.label = 2;
        st.topClass = {{2, 5, 1}};
        st.topScore = {{0.7f, 0.2f, 0.1f}};
        st.level = 3;
        st.latencyMs = 4.5;
        st.running = true;
        st.library = QStringLiteral("2 threads, cores 0-1");
        st.placement = QStringLiteral("CPU · 2 threads");
        st.load = QStringLiteral("cpu 2");
        const LiveSnapshot s = makeLiveSnapshot(data, st, 60);
        QCOMPARE(s.frame.data, st.image.data);  // shared, not copied
        QCOMPARE(s.frameIndex, std::int64_t(11));
        QCOMPARE(s.label, 2);
        QCOMPARE(s.topClass, st.topClass);
        QCOMPARE(s.topScore, st.topScore);
        QCOMPARE(s.currentLevel, 3);
        QCOMPARE(s.latencyMs, 4.5);
        QCOMPARE(s.framesDone, std::int64_t(12));
        QCOMPARE(s.framesDropped, std::int64_t(3));
        QCOMPARE(s.labelledFrames, std::int64_t(8));
        QCOMPARE(s.runningTop1, 75.0);
        QCOMPARE(s.library, st.library);
        QCOMPARE(s.placement, st.placement);
        QCOMPARE(s.loadDescription, st.load);
        QVERIFY(s.running);
        // A stopped run that never inferred a frame shows no level and no library.
        st.running = false;
        st.frameIndex = -1;
        const LiveSnapshot stopped = makeLiveSnapshot(data, st, 60);
        QCOMPARE(stopped.currentLevel, -1);
        QVERIFY(stopped.library.isEmpty());
    }

    void fpsMedianAndWindow()
    {
        // 100 s at 8 fps; the last 30 frames are 20 at 5 ms and 10 at 50 ms.
        LiveRunData data(16, 4096);
        const int frames = 800;
        for (int k = 0; k < frames; ++k) {
            const bool last30 = k >= frames - 30;
            const double ms = !last30 ? 9.0 : (k % 3 == 0 ? 50.0 : 5.0);
            data.points.push(framePoint(k, 8.0, ms));
        }
        LiveRunState st;
        st.running = true;
        st.elapsedSeconds = (frames - 1) / 8.0;
        const LiveSnapshot s = makeLiveSnapshot(data, st, 60);
        QVERIFY2(std::abs(s.fps - 8.0) <= 0.5, qPrintable(QString::number(s.fps)));
        QCOMPARE(s.latencyP50Ms, 5.0);
        // The window: frames at t >= now - 60 s.
        const double now = st.elapsedSeconds;
        QCOMPARE(s.latency.points.size(), 481);
        QCOMPARE(s.latency.points.front().x(), now - 60.0);
        QCOMPARE(s.latency.points.back().x(), now);
        QCOMPARE(s.level.points.size(), s.latency.points.size());
        QCOMPARE(s.elapsedSeconds, now);
        // No target and no labels: those series are empty, not zero.
        QVERIFY(s.latencyTarget.points.isEmpty());
        QVERIFY(s.accuracy.points.isEmpty());
        QVERIFY(std::isnan(s.targetLatencyMs));
        // A shorter window cuts the series, not the counters.
        QCOMPARE(makeLiveSnapshot(data, st, 10).latency.points.size(), 81);
    }

    void targetAndAccuracyOnlyWhereKnown()
    {
        LiveRunData data(16, 1024);
        for (int k = 0; k < 64; ++k) {
            const bool later = k >= 32;
            data.points.push(framePoint(k, 8.0, 3.0, later ? 4.0 : kNan, later ? 90.0 : kNan));
        }
        LiveRunState st;
        st.running = true;
        st.elapsedSeconds = 63 / 8.0;
        const LiveSnapshot s = makeLiveSnapshot(data, st, 60);
        QCOMPARE(s.latency.points.size(), 64);
        QCOMPARE(s.latencyTarget.points.size(), 32);
        QCOMPARE(s.latencyTarget.points.front().x(), 4.0);
        QCOMPARE(s.accuracy.points.size(), 32);
        QCOMPARE(s.targetLatencyMs, 4.0);  // the newest frame's
    }

    void aOneFrameSpikeIsDrawn()
    {
        // 60 s at 128 fps (7680 frames) is more than the 1500 points a chart gets.
        LiveRunData data(16, 8192);
        const int frames = 7680;
        const int spike = 4321;
        for (int k = 0; k < frames; ++k) {
            data.points.push(framePoint(k, 128.0, k == spike ? 500.0 : 2.0));
        }
        LiveRunState st;
        st.running = true;
        st.elapsedSeconds = (frames - 1) / 128.0;
        const LiveSnapshot s = makeLiveSnapshot(data, st, 60);
        QVERIFY2(s.latency.points.size() <= 1500,
                 qPrintable(QString::number(s.latency.points.size())));
        QCOMPARE(maxY(s.latency.points), 500.0);
    }

    void platformSamples()
    {
        LiveRunData data(16, 16);
        for (int k = 0; k < 10; ++k) {
            LivePlatformSample p;
            p.t = k / 8.0;
            p.totalW = k == 4 ? kNan : 5.0 + k;  // a failed read
            p.railsW = {1.0, k == 2 ? kNan : 2.0};
            p.cpuMHz = 1200;
            data.samples.push(p);
        }
        LiveRunState st;
        st.running = true;
        st.railNames = {QStringLiteral("VDD_IN"), QStringLiteral("VDD_CPU")};
        st.elapsedSeconds = 0.5;  // the samples run ahead of the last frame
        const LiveSnapshot s = makeLiveSnapshot(data, st, 60);
        QCOMPARE(s.elapsedSeconds, 9 / 8.0);
        QCOMPARE(s.powerW, 14.0);
        QCOMPARE(s.powerTotal.points.size(), 9);
        QCOMPARE(s.powerRails.size(), size_t{2});
        QCOMPARE(s.powerRails[0].name, QStringLiteral("power VDD_IN"));
        QCOMPARE(s.powerRails[0].points.size(), 10);
        QCOMPARE(s.powerRails[1].points.size(), 9);
        QCOMPARE(s.cpuClock.points.size(), 10);
        QVERIFY(s.gpuClock.points.isEmpty());  // never read
    }

    void decisionsNewestLast()
    {
        LiveRunData data(16, 16);
        for (int k = 0; k < 60; ++k) {
            LiveDecision d;
            d.frame = k;
            d.toLevel = k % 4;
            data.decisions.push(d);
        }
        LiveRunState st;
        st.running = true;
        const LiveSnapshot s = makeLiveSnapshot(data, st, 60);
        QCOMPARE(s.decisions.size(), size_t{50});
        QCOMPARE(s.decisions.front().frame, std::int64_t(10));
        QCOMPARE(s.decisions.back().frame, std::int64_t(59));
    }
};

QTEST_GUILESS_MAIN(TestLiveSnapshot)
#include "tst_live_snapshot.moc"
