// SPDX-License-Identifier: MIT
// TelemetryRing and LatestFrameSource: the bounded buffers and the latest-frame slot of the
// live data flow.
#include <QtTest>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "engine/dynamic_model.h"
#include "engine/inference_pipeline.h"
#include "engine/latest_frame_source.h"
#include "engine/source_factory.h"
#include "engine/telemetry_ring.h"
#include "live/series_decimation.h"
#include "live/shipped_files.h"
#include "live/worker_thread.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"

using namespace dofa;

namespace {

/// A source producing `count` numbered frames, one every `periodMs` (0: at once), or throwing
/// after them; `blockMs` makes a read hang that long (a stuck driver).
class CountingSource : public FrameSource
{
public:
    CountingSource(int count, int periodMs, bool live, bool throwAtEnd = false, int blockMs = 0)
        : m_count(count),
          m_periodMs(periodMs),
          m_live(live),
          m_throw(throwAtEnd),
          m_blockMs(blockMs)
    {}
    bool next(Frame& out) override
    {
        if (m_blockMs > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(m_blockMs));
        }
        if (m_periodMs > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(m_periodMs));
        }
        if (m_made >= m_count) {
            if (m_throw) {
                throw std::runtime_error("counting source: read failed");
            }
            return false;
        }
        out.image = cv::Mat(2, 2, CV_8UC1, cv::Scalar(m_made % 256));
        out.label = m_made % 10;
        ++m_made;
        stamp(out);
        return true;
    }
    std::string description() const override { return "counting"; }
    bool hasLabels() const override { return true; }
    bool isLive() const override { return m_live; }

private:
    int m_count, m_periodMs;
    bool m_live, m_throw;
    int m_blockMs;
    int m_made = 0;
};

/// Records where it is destroyed; `block()` keeps its thread busy.
class ProbeWorker : public QObject
{
    Q_OBJECT
public:
    explicit ProbeWorker(std::atomic<QThread*>* destroyedOn) : m_destroyedOn(destroyedOn) {}
    ~ProbeWorker() override { m_destroyedOn->store(QThread::currentThread()); }
public Q_SLOTS:
    void block() { std::this_thread::sleep_for(std::chrono::milliseconds(3000)); }

private:
    std::atomic<QThread*>* m_destroyedOn;
};

}  // namespace

class TstLiveSupport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decimationKeepsEverySpike()
    {
        // 60 s at 30 fps: 1800 frames at 2 ms, one 40 ms spike and one 0.5 ms dip anywhere.
        for (const int spikeAt : {0, 1, 617, 1000, 1798, 1799}) {
            QList<QPointF> frames;
            for (int i = 0; i < 1800; ++i)
                frames.append(QPointF(i / 30.0, 2.0));
            frames[spikeAt].setY(40.0);
            frames[(spikeAt + 900) % 1800].setY(0.5);
            const QList<QPointF> shown = decimateMinMax(frames, 400);
            QVERIFY(shown.size() <= 400);
            QVERIFY(shown.contains(frames[spikeAt]));
            QVERIFY(shown.contains(frames[(spikeAt + 900) % 1800]));
            QCOMPARE(shown.front(), frames.front());
            QCOMPARE(shown.back(), frames.back());
            for (qsizetype k = 1; k < shown.size(); ++k)
                QVERIFY(shown[k].x() > shown[k - 1].x());  // time order, each point once
        }
        // Few enough points, or all at one time: as they were, or bounded.
        const QList<QPointF> few{{0, 1}, {1, 3}, {2, 2}};
        QCOMPARE(decimateMinMax(few, 400), few);
        QList<QPointF> sameTime;
        for (int i = 0; i < 50; ++i)
            sameTime.append(QPointF(5.0, i % 7));
        const QList<QPointF> one = decimateMinMax(sameTime, 8);
        QVERIFY(one.size() <= 4);
        QVERIFY(one.contains(QPointF(5.0, 6)) && one.contains(QPointF(5.0, 0)));
    }

    void ringKeepsNewestWithinCapacity()
    {
        TelemetryRing<int> ring(5);
        QCOMPARE(ring.size(), size_t(0));
        QCOMPARE(ring.last(-1), -1);
        for (int i = 0; i < 12; ++i) {
            ring.push(i);
        }
        QCOMPARE(ring.size(), size_t(5));
        QCOMPARE(ring.capacity(), size_t(5));
        QCOMPARE(ring.totalPushed(), std::int64_t(12));
        QCOMPARE(ring.all(), (std::vector<int>{7, 8, 9, 10, 11}));
        QCOMPARE(ring.newest(2), (std::vector<int>{10, 11}));
        QCOMPARE(ring.newest(50).size(), size_t(5));
        QCOMPARE(ring.last(), 11);
        // since(): items at or after t, with the value as its own time.
        QCOMPARE(ring.since(9.5, [](int v) { return double(v); }), (std::vector<int>{10, 11}));
        QCOMPARE(ring.since(0, [](int v) { return double(v); }).size(), size_t(5));
        QVERIFY(ring.since(100, [](int v) { return double(v); }).empty());
        ring.clear();
        QVERIFY(ring.all().empty());
    }

    void ringConcurrentWriterAndReader()
    {
        TelemetryRing<std::int64_t> ring(64);
        std::atomic<bool> done{false};
        std::thread writer([&] {
            for (std::int64_t i = 0; i < 200000; ++i) {
                ring.push(i);
            }
            done = true;
        });
        bool ordered = true;
        while (!done) {
            const auto v = ring.all();
            for (size_t i = 1; i < v.size(); ++i) {
                ordered = ordered && v[i] == v[i - 1] + 1;
            }
            QVERIFY(v.size() <= 64);
        }
        writer.join();
        QVERIFY(ordered);
        QCOMPARE(ring.last(), std::int64_t(199999));
    }

    void workerThreadDeletesTheWorkerOnItsThread()
    {
        std::atomic<QThread*> destroyedOn{nullptr};
        auto* worker = new ProbeWorker(&destroyedOn);
        WorkerThread thread(worker, QStringLiteral("probe"));
        QVERIFY(thread.isRunning());
        QThread* workerThread = thread.thread();
        QCOMPARE(worker->thread(), workerThread);
        QVERIFY(thread.stopAndWait(2000));
        QVERIFY(destroyedOn.load() != nullptr);
        QVERIFY(destroyedOn.load() != QThread::currentThread());
        QVERIFY(thread.stopAndWait(10));  // idempotent
        QVERIFY(!thread.isRunning());
    }

    void workerThreadWaitIsBounded()
    {
        std::atomic<QThread*> destroyedOn{nullptr};
        auto* worker = new ProbeWorker(&destroyedOn);
        QElapsedTimer t;
        {
            WorkerThread thread(worker, QStringLiteral("busy probe"));
            QMetaObject::invokeMethod(worker, "block", Qt::QueuedConnection);
            QTest::qWait(50);
            t.start();
            QVERIFY(!thread.stopAndWait(100));  // busy: left to finish on its own
        }
        // Far below the 3 s the worker stays busy (wide, for a loaded CI machine).
        QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed())));
        // It finishes by itself, and the worker is still deleted on its own thread.
        QTRY_VERIFY_WITH_TIMEOUT(destroyedOn.load() != nullptr, 10000);
        QVERIFY(destroyedOn.load() != QThread::currentThread());
    }

    void replayLosesNothing()
    {
        // Not live: the capture thread waits for the consumer, so a slow consumer sees all.
        LatestFrameSource src(std::make_unique<CountingSource>(20, 0, false));
        QVERIFY(!src.isLive());
        QVERIFY(src.hasLabels());
        QCOMPARE(QString::fromStdString(src.description()), QStringLiteral("counting"));
        Frame f;
        for (int i = 0; i < 20; ++i) {
            QVERIFY(src.next(f));
            QCOMPARE(f.index, std::int64_t(i));
            QCOMPARE(f.label, i % 10);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        QVERIFY(!src.next(f));
        QCOMPARE(src.framesDropped(), std::int64_t(0));
        QCOMPARE(src.framesDelivered(), std::int64_t(20));
    }

    void liveDropsWhatIsNotTaken()
    {
        // Live at ~1 frame per 2 ms, consumer at ~1 per 20 ms: most frames are replaced.
        LatestFrameSource src(std::make_unique<CountingSource>(100, 2, true));
        Frame f;
        std::int64_t taken = 0, lastIndex = -1;
        while (src.next(f)) {
            QVERIFY(f.index > lastIndex);  // always newer than the previous one
            lastIndex = f.index;
            ++taken;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        QVERIFY(src.framesDropped() > 0);
        // Every captured frame was either taken or dropped (the last may be neither when the
        // stream ended between them, never more).
        QVERIFY(taken + src.framesDropped() <= src.framesCaptured());
        QVERIFY(taken + src.framesDropped() >= src.framesCaptured() - 1);
        QCOMPARE(src.framesCaptured(), std::int64_t(100));
    }

    void errorIsRethrownOnTheConsumer()
    {
        LatestFrameSource src(std::make_unique<CountingSource>(3, 0, false, true));
        Frame f;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(src.next(f));
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, src.next(f));
        QVERIFY(!src.next(f));
    }

    void stopWakesABlockedConsumer()
    {
        LatestFrameSource src(std::make_unique<CountingSource>(1000, 1500, true));
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            src.stop();
        });
        QElapsedTimer t;
        t.start();
        Frame f;
        QVERIFY(!src.next(f));  // woken by stop(), no frame had come yet
        QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
        stopper.join();
    }

    void destructorIsBoundedWhenTheSourceHangs()
    {
        QElapsedTimer t;
        t.start();
        {
            // Each read hangs 3 s; the destructor waits 100 ms and leaves the thread behind.
            LatestFrameSource src(std::make_unique<CountingSource>(10, 0, true, false, 3000),
                                  std::chrono::milliseconds(100));
        }
        QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed())));
    }

    void pipelineRecordsTopThreeAndTheImage()
    {
        // The shipped model on the labelled test set, behind the latest-frame slot.
        const QString profile = shippedProfilePath(QStringLiteral("fmnist-mbv3"), 2);
        QVERIFY(!profile.isEmpty());
        PipelineLane lane;
        lane.model = DynamicModel::open(shippedModelPath().toStdString(), profile.toStdString());
        lane.source = std::make_unique<LatestFrameSource>(openSource(SourceSpec::parse("dataset")));
        RuntimeManager manager(lane.model->levelTable(), Targets(),
                               std::make_unique<ReactivePolicy>());
        std::vector<PipelineLane> lanes;
        lanes.push_back(std::move(lane));
        InferencePipeline pipeline(std::move(lanes), manager);
        QVERIFY(pipeline.lastImage(0).empty());
        std::vector<FrameRecord> records;
        int correct = 0;
        for (int i = 0; i < 50; ++i) {
            QVERIFY(pipeline.step(records));
        }
        QCOMPARE(records.size(), size_t(50));
        for (const FrameRecord& r : records) {
            QCOMPARE(r.topClass[0], r.predicted);
            QVERIFY(r.topClass[1] >= 0 && r.topClass[1] != r.topClass[0]);
            QVERIFY(r.topClass[2] >= 0 && r.topClass[2] != r.topClass[1]);
            QVERIFY(r.topScore[0] >= r.topScore[1] && r.topScore[1] >= r.topScore[2]);
            QVERIFY(r.topScore[2] > 0.f);
            QVERIFY(r.topScore[0] + r.topScore[1] + r.topScore[2] <= 1.0001f);
            correct += r.correct() ? 1 : 0;
        }
        QVERIFY(correct >= 35);  // ~90 % top-1; 35 of 50 leaves room for an unlucky stretch
        const cv::Mat image = pipeline.lastImage(0);
        QCOMPARE(image.rows, 28);
        QCOMPARE(image.cols, 28);
    }
};

QTEST_GUILESS_MAIN(TstLiveSupport)
#include "tst_live_support.moc"
