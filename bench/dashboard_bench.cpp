// SPDX-License-Identifier: MIT
// Benchmark of the dashboard (issue "The dashboard"): what the GUI costs beyond inference.
//
// Three phases on the same source (Fashion-MNIST replay paced at --fps, default 30) with the
// shipped model and profile, no targets, each measured over --seconds after a warm-up:
//   inference  the pipeline alone on a plain thread, as `dofa run` drives it (the peer);
//   controller DashboardController without a window (worker thread, capture thread, ring
//              buffers, the GUI tick pulling snapshots);
//   dashboard  the controller and the widgets MainWindow shown (charts, video, subnet view).
// For each: process CPU time per second (in % of one core), the GUI thread's own CPU time per
// second, inferred frames per second and dropped frames. The dashboard's cost is the process
// CPU of "dashboard" minus that of "inference" (goal: <= 15 % of one core).
// With --memory-minutes M (> 1) the dashboard phase then keeps running and resident memory is
// compared after 1 minute and after M minutes (goal: < 5 % growth).
// Prints numbers; asserts nothing. Runs with any QPA platform (offscreen works).
#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <thread>

#include <torch/torch.h>

#include "live/dashboard_controller.h"
#include "main_window.h"
#include "model/dynamic_model.h"
#include "resident_memory.h"
#include "run/inference_pipeline.h"
#include "runtime/reactive_policy.h"
#include "runtime/runtime_manager.h"
#include "sources/source_factory.h"
#include <sys/resource.h>

using namespace dofa;

namespace {

double processCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double wallSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void runEventLoop(double seconds)
{
    QEventLoop loop;
    QTimer::singleShot(static_cast<int>(seconds * 1000), &loop, &QEventLoop::quit);
    loop.exec();
}

struct PhaseResult
{
    double processCorePct = 0;  ///< process CPU per wall second, % of one core
    double guiCorePct = 0;      ///< GUI thread CPU per wall second, % of one core
    double fps = 0;
    long long dropped = 0;
    double p50Ms = -1, p99Ms = -1;  ///< per-frame latency over the phase (controller phases)
};

void print(const char* name, const PhaseResult& r)
{
    std::printf(
        "%-11s process %6.1f %% of a core   GUI thread %5.1f %%   %6.2f frames/s   "
        "%lld dropped",
        name, r.processCorePct, r.guiCorePct, r.fps, r.dropped);
    if (r.p50Ms >= 0) {
        std::printf("   latency p50 %.2f ms, p99 %.2f ms", r.p50Ms, r.p99Ms);
    }
    std::printf("\n");
}

/// The peer: the pipeline alone, paced the same way, on a plain thread.
PhaseResult inferenceOnly(const DashboardOptions& o, const std::string& model,
                          const std::string& profile, double warmup, double seconds)
{
    torch::set_num_threads(o.threads);
    std::vector<PipelineLane> lanes(1);
    lanes[0].model = DynamicModel::open(model, profile);
    SourceOptions so;
    so.fps = o.sourceFps;
    lanes[0].source = openSource(SourceSpec::parse(o.source.toStdString()), so);
    RuntimeManager manager(lanes[0].model->levelTable(), Targets{},
                           std::make_unique<ReactivePolicy>());
    InferencePipeline pipe(std::move(lanes), manager);
    std::atomic<bool> stop{false};
    std::atomic<long long> frames{0};
    std::thread worker([&] {
        std::vector<FrameRecord> records;
        while (!stop.load()) {
            records.clear();
            if (!pipe.step(records)) {
                break;
            }
            ++frames;
        }
    });
    runEventLoop(warmup);
    const long long f0 = frames.load();
    const double c0 = processCpuSeconds(), g0 = threadCpuSeconds(), w0 = wallSeconds();
    runEventLoop(seconds);
    const double wall = wallSeconds() - w0;
    PhaseResult r;
    r.processCorePct = 100 * (processCpuSeconds() - c0) / wall;
    r.guiCorePct = 100 * (threadCpuSeconds() - g0) / wall;
    r.fps = static_cast<double>(frames.load() - f0) / wall;
    stop = true;
    worker.join();
    return r;
}

PhaseResult measure(DashboardController& c, double warmup, double seconds)
{
    runEventLoop(warmup);
    const LiveSnapshot s0 = c.snapshot();
    const double c0 = processCpuSeconds(), g0 = threadCpuSeconds(), w0 = wallSeconds();
    runEventLoop(seconds);
    const double wall = wallSeconds() - w0;
    const LiveSnapshot& s1 = c.snapshot();
    PhaseResult r;
    r.processCorePct = 100 * (processCpuSeconds() - c0) / wall;
    r.guiCorePct = 100 * (threadCpuSeconds() - g0) / wall;
    r.fps = static_cast<double>(s1.framesDone - s0.framesDone) / wall;
    r.dropped = static_cast<long long>(s1.framesDropped - s0.framesDropped);
    // Frames of the measured phase (x is seconds since the run started).
    const double from = s1.elapsedSeconds - wall;
    std::vector<double> ms;
    for (const QPointF& p : s1.latency.points) {
        if (p.x() >= from) {
            ms.push_back(p.y());
        }
    }
    if (!ms.empty()) {
        std::sort(ms.begin(), ms.end());
        r.p50Ms = ms[ms.size() / 2];
        r.p99Ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    }
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    const QCommandLineOption seconds("seconds", "Measured seconds per phase.", "s", "20");
    const QCommandLineOption fps("fps", "Pacing of the dataset replay.", "n", "30");
    const QCommandLineOption memory("memory-minutes",
                                    "Also run the dashboard this long and compare resident "
                                    "memory after 1 minute and at the end.",
                                    "m", "0");
    p.addOptions({seconds, fps, memory});
    p.process(app);
    const double s = p.value(seconds).toDouble();
    const double warmup = 3;
    QTemporaryDir dir;

    DashboardOptions o;
    o.source = "dataset:test";
    o.sourceFps = p.value(fps).toDouble();
    o.platform = "none";
    o.settingsFile = dir.filePath("bench.ini");
    o.restoreSettings = false;
    const std::string model = DOFA_SOURCE_DIR "/resources/fmnist-mbv3.dofa";
    const std::string profile = std::string(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-") +
                                std::to_string(o.threads) + "t.json";
    o.modelPath = QString::fromStdString(model);
    o.profilePath = QString::fromStdString(profile);

    std::printf(
        "dashboard_bench: %s paced at %.0f frames/s, shipped model, %d threads, %.0f s "
        "per phase after %.0f s of warm-up, QPA %s\n",
        qPrintable(o.source), o.sourceFps, o.threads, s, warmup,
        qPrintable(QGuiApplication::platformName()));
    const PhaseResult peer = inferenceOnly(o, model, profile, warmup, s);
    print("inference", peer);
    PhaseResult headless;
    {
        DashboardController c(o);
        headless = measure(c, warmup, s);
    }
    print("controller", headless);
    DashboardController c(o);
    MainWindow window(&c);
    window.resize(1280, 800);
    window.show();
    const PhaseResult full = measure(c, warmup, s);
    print("dashboard", full);
    std::printf(
        "dashboard cost beyond inference: %.1f %% of one core (goal <= 15 %%); frame "
        "rate %.2f of %.0f paced (%.0f %%)\n",
        full.processCorePct - peer.processCorePct, full.fps, o.sourceFps,
        100 * full.fps / o.sourceFps);

    const double minutes = p.value(memory).toDouble();
    if (minutes > 1) {
        runEventLoop(std::max(0.0, 60 - 2 * warmup - s));
        const long rss1 = residentKib();
        std::printf("resident after 1 min: %ld KiB\n", rss1);
        std::fflush(stdout);
        runEventLoop((minutes - 1) * 60);
        const long rssN = residentKib();
        std::printf(
            "resident after %.0f min: %ld KiB, growth %.2f %% (goal < 5 %%); %lld "
            "frames\n",
            minutes, rssN, 100.0 * static_cast<double>(rssN - rss1) / rss1,
            static_cast<long long>(c.snapshot().framesDone));
    }
    return 0;
}
