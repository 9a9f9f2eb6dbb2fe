// SPDX-License-Identifier: MIT
// TelemetryRing and LatestFrameSource: the bounded buffers and the latest-frame slot of the
// live data flow. LiveProfile's level libraries and ParetoPlane, what both Pareto charts draw.
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "live/live_profile.h"
#include "live/pareto_plane.h"
#include "live/queued_call.h"
#include "live/series_decimation.h"
#include "live/worker_thread.h"
#include "live_fixtures.h"
#include "model/dynamic_model.h"
#include "run/inference_pipeline.h"
#include "run/shipped_files.h"
#include "run/telemetry_ring.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "search/profile.h"
#include "sources/latest_frame_source.h"
#include "sources/source_factory.h"
#include "supernet/model_file.h"

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

protected:
    bool event(QEvent* event) override
    {
        return QueuedCall::handle(event) || QObject::event(event);
    }

private:
    std::atomic<QThread*>* m_destroyedOn;
};

}  // namespace

/// live_fixtures.h's mapping profile written to `dir` and loaded for the shipped model's spec
/// (written.path is empty when it could not be written).
struct LoadedMappingProfile
{
    test::MappingProfile written;
    SupernetSpec spec;
    Profile profile;
};

LoadedMappingProfile loadMappingProfile(const QTemporaryDir& dir)
{
    LoadedMappingProfile loaded;
    loaded.written = test::writeMappingProfile(dir.filePath(QStringLiteral("mapping.json")));
    loaded.spec = ModelFile::load(DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa").spec;
    if (!loaded.written.path.isEmpty()) {
        loaded.profile = Profile::load(loaded.written.path.toStdString(), loaded.spec);
    }
    return loaded;
}

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

    void liveProfileCopiesTheRuntimesLibraries()
    {
        // The views' libraries are the LevelTable's: same names, same members, each member at
        // the library's fastest point of the level (its statistics from the profile).
        QTemporaryDir dir;
        const LoadedMappingProfile loaded = loadMappingProfile(dir);
        QVERIFY(!loaded.written.path.isEmpty());
        const test::MappingProfile& written = loaded.written;
        const SupernetSpec& spec = loaded.spec;
        const Profile& profile = loaded.profile;
        const LiveProfile live = LiveProfile::from(profile);
        const LevelTable table = levelTableFromProfile(profile, FrameArrival::BackToBack);
        QCOMPARE(live.libraries.size(), std::size_t(3));
        QCOMPARE(live.libraries.size(), table.libraries().size());
        QCOMPARE(live.libraries[0].name, std::string(LevelTable::kAsConfigured));
        QCOMPARE(QString::fromStdString(live.libraries[1].name), written.oneThread);
        QCOMPARE(QString::fromStdString(live.libraries[2].name), written.twoThreads);
        for (std::size_t k = 0; k < live.libraries.size(); ++k) {
            const LevelLibrary& library = table.library(static_cast<int>(k));
            QCOMPARE(static_cast<int>(live.libraries[k].members.size()), library.memberCount());
            QCOMPARE(live.libraries[k].cores, library.cores);
            for (const LiveLibraryLevel& m : live.libraries[k].members) {
                QVERIFY(library.member[static_cast<std::size_t>(m.level)]);
                QCOMPARE(m.top1, profile.levels[static_cast<std::size_t>(m.level)].top1);
            }
        }
        QCOMPARE(live.libraries[0].members.size(), std::size_t(8));
        QCOMPARE(live.libraries[1].members.size(), std::size_t(8));
        // Two threads: level 4 is behind level 5 (slower and less accurate), off the front.
        const std::vector<LiveLibraryLevel>& two = live.libraries[2].members;
        QCOMPARE(two.size(), std::size_t(7));
        for (const LiveLibraryLevel& m : two) {
            QVERIFY(m.level != 4);
            QCOMPARE(m.latency.mean, test::kTwoThreadMs[static_cast<std::size_t>(m.level)]);
        }
        // "As configured": the levels' own profile.
        QCOMPARE(live.libraries[0].members[7].latency.p50, profile.levels[7].latency.p50);

        // A profile without mapping points has only "as configured".
        const Profile shipped =
            Profile::load(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json", spec);
        const LiveProfile plain = LiveProfile::from(shipped);
        QCOMPARE(plain.libraries.size(), std::size_t(1));
        QCOMPARE(plain.libraries[0].members.size(), shipped.levels.size());
        QVERIFY(ParetoPlane(plain).libraries().empty());
        QCOMPARE(ParetoPlane(plain).highlightedLibrary(3, LevelTable::kAsConfigured), QString());
    }

    void paretoPlanePointsAndHighlight()
    {
        QTemporaryDir dir;
        const LoadedMappingProfile loaded = loadMappingProfile(dir);
        QVERIFY(!loaded.written.path.isEmpty());
        const test::MappingProfile& written = loaded.written;
        const Profile& profile = loaded.profile;
        const ParetoPlane plane(LiveProfile::from(profile));

        QCOMPARE(plane.levels().size(), 8);
        QCOMPARE(plane.levels()[2], QPointF(profile.levels[2].latency.p50, profile.levels[2].top1));
        QCOMPARE(plane.candidates().size(), static_cast<qsizetype>(profile.candidates.size()));
        // The mapping libraries only: the levels' line is "as configured".
        QCOMPARE(plane.libraries().size(), std::size_t(2));
        QCOMPARE(plane.libraries()[0].name, written.oneThread);
        QCOMPARE(plane.libraries()[1].name, written.twoThreads);
        QCOMPARE(plane.libraries()[0].points.size(), 8);
        const ParetoLine& two = plane.libraries()[1];
        QCOMPARE(two.levels, (QList<int>{0, 1, 2, 3, 5, 6, 7}));
        QCOMPARE(two.points.back().y(), profile.levels[7].top1);
        QVERIFY(qFuzzyCompare(two.points.back().x(), profile.levels[7].latency.p50 *
                                                         test::kTwoThreadMs[7] /
                                                         profile.levels[7].latency.mean));
        QCOMPARE(plane.libraryIndex(written.twoThreads), 1);
        QCOMPARE(plane.libraryIndex(LevelTable::kAsConfigured), -1);

        // The marker: on the running library's line, or the level's own point off its front.
        QCOMPARE(plane.currentPoint(7, written.twoThreads).value_or(QPointF()), two.points[6]);
        QCOMPARE(plane.currentPoint(4, written.twoThreads).value_or(QPointF()), plane.levels()[4]);
        QCOMPARE(plane.currentPoint(4, LevelTable::kAsConfigured).value_or(QPointF()),
                 plane.levels()[4]);
        QVERIFY(!plane.currentPoint(-1, written.twoThreads));
        QCOMPARE(plane.highlightedLibrary(7, written.twoThreads), written.twoThreads);
        QCOMPARE(plane.highlightedLibrary(7, LevelTable::kAsConfigured),
                 QString(LevelTable::kAsConfigured));
        QCOMPARE(plane.highlightedLibrary(-1, written.twoThreads), QString());
        QCOMPARE(plane.highlightedLibrary(7, QString()), QString());
        QCOMPARE(plane.highlightedLibrary(7, QStringLiteral("8 threads, cores 0-7")), QString());

        // Axes: every point with a margin; a target beyond them or a minimum accuracy below
        // them widens the frame; the lines span it.
        double maxMs = 0, minTop1 = 100, maxTop1 = 0;
        for (const QList<QPointF>* points :
             {&plane.levels(), &plane.candidates(), &two.points, &plane.libraries()[0].points}) {
            for (const QPointF& p : *points) {
                maxMs = std::max(maxMs, p.x());
                minTop1 = std::min(minTop1, p.y());
                maxTop1 = std::max(maxTop1, p.y());
            }
        }
        const ParetoAxes plain = plane.axes(0, std::nan(""));
        QCOMPARE(plain.latencyMaxMs, maxMs * 1.08);
        QVERIFY(plain.accuracyMin < minTop1 && plain.accuracyMax > maxTop1);
        QVERIFY(plain.accuracyMin >= 0 && plain.accuracyMax <= 100);
        QVERIFY(plane.axes(maxMs / 2, 0) == plain);  // inside: nothing moves
        const ParetoAxes wide = plane.axes(10 * maxMs, minTop1 - 20);
        QCOMPARE(wide.latencyMaxMs, 10 * maxMs * 1.08);
        QVERIFY(wide.accuracyMin < minTop1 - 20);
        QCOMPARE(wide.latencyLine(5),
                 (QList<QPointF>{{5, wide.accuracyMin}, {5, wide.accuracyMax}}));
        QCOMPARE(wide.accuracyLine(80), (QList<QPointF>{{0, 80}, {wide.latencyMaxMs, 80}}));
        QVERIFY(wide.latencyLine(0).isEmpty() && wide.accuracyLine(std::nan("")).isEmpty());
        // Nothing open: a sane empty frame.
        const ParetoAxes empty = ParetoPlane().axes(0, 0);
        QCOMPARE(empty.latencyMaxMs, 1.0);
        QCOMPARE(empty.accuracyMin, 0.0);
        QCOMPARE(empty.accuracyMax, 100.0);
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

    void queuedCallsRunOnTheReceiversThreadInOrder()
    {
        std::atomic<QThread*> destroyedOn{nullptr};
        auto* worker = new ProbeWorker(&destroyedOn);
        WorkerThread thread(worker, QStringLiteral("probe"));
        // Written by the calls on the worker's thread only; read here after `done`.
        std::vector<int> order;
        std::vector<QThread*> threads;
        std::atomic<bool> done{false};
        for (int i = 0; i < 200; ++i) {
            auto value = std::make_shared<int>(i);  // captured by value, read over there
            QueuedCall::post(worker, [&order, &threads, value] {
                order.push_back(*value);
                threads.push_back(QThread::currentThread());
            });
        }
        QueuedCall::post(worker, [&done] { done.store(true); });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000);
        QCOMPARE(order.size(), std::size_t(200));
        for (int i = 0; i < 200; ++i) {
            QCOMPARE(order[i], i);
            QCOMPARE(threads[i], thread.thread());
        }
        QVERIFY(thread.stopAndWait(2000));
    }

    void queuedCallIsDroppedWithItsReceiver()
    {
        std::atomic<QThread*> destroyedOn{nullptr};
        auto* receiver = new ProbeWorker(&destroyedOn);  // on this thread
        bool ran = false;
        auto capture = std::make_shared<int>(1);
        QueuedCall::post(receiver, [&ran, capture] { ran = true; });
        QCOMPARE(capture.use_count(), long(2));
        delete receiver;  // before the event loop got to the call
        QCoreApplication::processEvents();
        QVERIFY(!ran);
        QCOMPARE(capture.use_count(), long(1));  // the call and its captures are gone

        // Not a QueuedCall: handle() leaves it to the receiver.
        QEvent other(QEvent::User);
        QVERIFY(!QueuedCall::handle(&other));
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
        const cv::Mat& image = records.back().image;  // the frame, for the live view
        QCOMPARE(image.rows, 28);
        QCOMPARE(image.cols, 28);
    }
};

QTEST_GUILESS_MAIN(TstLiveSupport)
#include "tst_live_support.moc"
