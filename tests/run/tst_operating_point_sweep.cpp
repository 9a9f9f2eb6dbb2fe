// SPDX-License-Identifier: MIT
// `dofa profile --sweep` (OperatingPointSweep): every level at every combination of knob values,
// on the real thread, affinity and backend knobs and on the SIMULATED board's clock; knobs
// restored after a sweep that was stopped, and the stopped sweep resumed from its file; operating
// points through the profile file. Real inference; only what timing noise cannot flip is
// asserted (the model's power, counts, names, restored values).
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "../model/model_fixtures.h"
#include "model/compute_device.h"
#include "model/dynamic_model.h"
#include "platform/affinity_knob.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "run/operating_point_sweep.h"

using namespace dofa;

namespace {

/// Two small levels with declared latencies (the sweep measures its own).
Profile twoLevels(const SupernetSpec& spec)
{
    Profile p = test::declaredProfile(spec);
    p.levels.resize(2);
    return p;
}

OperatingPointSweep::Options quickOptions(const QString& resume = {})
{
    OperatingPointSweep::Options o;
    o.backToBack.warmup = 1;
    o.backToBack.runs = 3;
    o.paced.warmup = 0;
    o.paced.runs = 2;
    o.paced.paceFps = 200;
    o.resumePath = resume.toStdString();
    return o;
}

}  // namespace

class TestOperatingPointSweep : public QObject
{
    Q_OBJECT

    Supernet m_net{nullptr};

private Q_SLOTS:
    void initTestCase()
    {
        torch::manual_seed(3);
        m_net = Supernet(SupernetSpec::preset("fmnist-mbv3"));
        m_net->eval();
        at::set_num_threads(1);
    }

    void axesOfThisMachine()
    {
        const std::vector<SweepAxis> axes =
            OperatingPointSweep::axes({"threads", "cores", "backend"}, nullptr);
        QCOMPARE(axes.size(), size_t{3});
        QCOMPARE(axes[0].knob, std::string("app.threads"));
        QCOMPARE(axes[0].values.front(), std::string("1"));
        QCOMPARE(axes[2].values, (std::vector<std::string>{"torch", "opencv"}));
        // Each allowed CPU alone, then all of them (one CPU: just it).
        const auto allowed = AffinityKnob::parseCpuList(AffinityKnob().get().value()).value();
        QCOMPARE(axes[1].values.size(), allowed.size() > 1 ? allowed.size() + 1 : size_t{1});
        // Clocks: none without a platform, and why; the SIMULATED board's CPU cap otherwise.
        try {
            OperatingPointSweep::axes({"clock"}, nullptr);
            QFAIL("no exception");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("--platform simulated"), e.what());
        }
        const Platform sim = Platform::simulated();
        const auto clock = OperatingPointSweep::axes({"clock"}, &sim);
        QCOMPARE(clock.size(), size_t{1});
        QCOMPARE(clock[0].knob, std::string("cpu.policy0.max_khz"));
        QVERIFY(clock[0].simulated);
        QCOMPARE(clock[0].values.size(), size_t{4});
        QCOMPARE(clock[0].values.back(),
                 std::to_string(SimulatedBoard::cpuTableKhz().back()));  // the top one
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 OperatingPointSweep::axes({"voltage"}, nullptr));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 OperatingPointSweep::axes({"threads", "threads"}, nullptr));
    }

    void processorAxisAndLibraries()
    {
        // The processor axis: the CPU, and CUDA devices only where this LibTorch runs them (none
        // with Debian's CPU-only build). OpenCV DNN is never combined with a GPU. Each mapping
        // (processor, threads, backend) becomes a level library of the runtime.
        const auto axes = OperatingPointSweep::axes({"processor", "backend"}, nullptr);
        QCOMPARE(axes[0].knob, std::string("app.device"));
        QCOMPARE(axes[0].values.front(), std::string("cpu"));
        const bool cuda = ComputeDevice{ComputeDevice::Kind::Cuda, 0}.unavailableReason().empty();
        QCOMPARE(axes[0].values.size(), cuda ? size_t{2} : size_t{1});
        OperatingPointSweep sweep(m_net, twoLevels(m_net->spec()), axes, nullptr, quickOptions());
        QVERIFY(sweep.run({}, nullptr));
        const size_t points = axes[0].values.size() * 2 - (cuda ? 1 : 0);  // no opencv on cuda
        for (const ProfileLevel& l : sweep.profile().levels) {
            QCOMPARE(l.operatingPoints.size(), points);
            QCOMPARE(l.operatingPoints[0].name(), std::string("cpu, torch"));  // where first
            QCOMPARE(l.operatingPoints[0].mapping(), std::string("cpu, torch"));
        }
        const LevelTable table = levelTableFromProfile(sweep.profile(), FrameArrival::BackToBack);
        QCOMPARE(table.libraryCount(), 1 + static_cast<int>(points));
        QCOMPARE(table.library(1).name, std::string("cpu, torch"));
        QCOMPARE(table.library(2).name, std::string("cpu, opencv"));
        // A model on the CPU with LibTorch is offered its own points only: none of another
        // backend, none of another processor.
        DynamicModel model(m_net, sweep.profile(), 0);
        const LevelTable modelTable = model.levelTable();  // by value: keep it for the loop
        for (const RuntimeLevel& l : modelTable.levels()) {
            QCOMPARE(l.operatingPoints.size(), size_t{1});
            QCOMPARE(l.operatingPoints[0].mapping, std::string("cpu, torch"));
        }
    }

    void moreThreadsThanCoresIsNotMeasured()
    {
        // Threads and cores of this machine: a combination whose threads outnumber the cores of
        // its affinity is not measured (as fast with fewer threads; OpenMP's spinning threads
        // made it hundreds of times slower). The others are, and the knobs come back.
        const std::string affinityBefore = AffinityKnob().get().value();
        const auto axes = OperatingPointSweep::axes({"threads", "cores"}, nullptr);
        size_t fitting = 0, total = 0;
        for (const std::string& threads : axes[0].values) {
            for (const std::string& cores : axes[1].values) {
                ++total;
                const size_t n = AffinityKnob::parseCpuList(cores).value().size();
                fitting += static_cast<size_t>(std::stoi(threads)) <= n ? 1 : 0;
            }
        }
        OperatingPointSweep sweep(m_net, twoLevels(m_net->spec()), axes, nullptr, quickOptions());
        QCOMPARE(sweep.skippedCombinations(), static_cast<int>(total - fitting));
        QVERIFY(sweep.run({}, nullptr));
        for (const ProfileLevel& l : sweep.profile().levels) {
            QCOMPARE(l.operatingPoints.size(), fitting);
            for (const ProfileOperatingPoint& op : l.operatingPoints) {
                const size_t cores =
                    AffinityKnob::parseCpuList(op.knobs.at("app.affinity")).value().size();
                QVERIFY2(static_cast<size_t>(std::stoi(op.knobs.at("app.threads"))) <= cores,
                         op.name().c_str());
            }
        }
        if (axes[0].values.size() > 1) {
            QVERIFY(total > fitting);  // with 2+ CPUs, "2 threads on one core" is among them
        }
        QCOMPARE(AffinityKnob().get().value(), affinityBefore);
        QCOMPARE(at::get_num_threads(), 1);
    }

    void simulatedClockAndRealThreads()
    {
        Platform sim = Platform::simulated();
        const std::shared_ptr<SimulatedBoard> board = sim.simulatedBoard();
        const std::int64_t clockBefore = board->frequencyKhz(SimulatedBoard::Processor::Cpu);
        const auto axes = OperatingPointSweep::axes({"clock", "threads"}, &sim);
        OperatingPointSweep sweep(m_net, twoLevels(m_net->spec()), axes, &sim, quickOptions());
        QVERIFY(sweep.run({}, nullptr));
        const size_t combos = 4 * axes[1].values.size();
        for (const ProfileLevel& l : sweep.profile().levels) {
            QCOMPARE(l.operatingPoints.size(), combos);
            for (const ProfileOperatingPoint& op : l.operatingPoints) {
                QVERIFY(op.simulated);
                QVERIFY(QString::fromStdString(op.name()).endsWith("(SIMULATED)"));
                QVERIFY(op.powerMw && op.energyMj && op.pacedLatency);
                QCOMPARE(*op.energyMj, *op.powerMw * op.latency.mean / 1000.0);
            }
            // The model's power falls with the clock (same thread count: points 0 and last
            // with the same thread value are the lowest and the highest clock).
            const ProfileOperatingPoint& low = l.operatingPoints.front();
            const ProfileOperatingPoint& high = l.operatingPoints[combos - axes[1].values.size()];
            QCOMPARE(low.knob("app.threads"), high.knob("app.threads"));
            QVERIFY(std::stoll(low.knob("cpu.policy0.max_khz")) <
                    std::stoll(high.knob("cpu.policy0.max_khz")));
            QVERIFY(*low.powerMw < *high.powerMw);
        }
        QVERIFY(sweep.restoreProblems().empty());
        QCOMPARE(board->frequencyKhz(SimulatedBoard::Processor::Cpu), clockBefore);
        QCOMPARE(at::get_num_threads(), 1);
    }

    void stoppedSweepRestoresAndResumes()
    {
        QTemporaryDir dir;
        const QString resume = dir.filePath("p.json.sweep-partial.json");
        Platform sim = Platform::simulated();
        const std::shared_ptr<SimulatedBoard> board = sim.simulatedBoard();
        const std::int64_t clockBefore = board->frequencyKhz(SimulatedBoard::Processor::Cpu);
        const std::string affinityBefore = AffinityKnob().get().value();
        const auto axes = OperatingPointSweep::axes({"clock", "cores"}, &sim);
        const Profile profile = twoLevels(m_net->spec());

        // Stopped inside the second combination (as SIGINT sets the CLI's flag).
        std::atomic<bool> stop{false};
        int calls = 0;
        {
            OperatingPointSweep sweep(m_net, profile, axes, &sim, quickOptions(resume));
            const bool finished = sweep.run(
                [&](double, const std::string&) {
                    if (++calls == 3) {
                        stop = true;
                    }
                },
                &stop);
            QVERIFY(!finished);
            QVERIFY(sweep.restoreProblems().empty());
        }
        // Every knob is back: the simulated clock, this thread's CPUs, the thread count.
        QCOMPARE(board->frequencyKhz(SimulatedBoard::Processor::Cpu), clockBefore);
        QCOMPARE(AffinityKnob().get().value(), affinityBefore);
        QCOMPARE(at::get_num_threads(), 1);
        QVERIFY(QFile::exists(resume));

        // The same sweep goes on from the file: the first combination is not measured again.
        OperatingPointSweep again(m_net, profile, axes, &sim, quickOptions(resume));
        QCOMPARE(again.resumedCombinations(), 1);
        int measured = 0;
        QVERIFY(again.run([&](double, const std::string&) { ++measured; }, nullptr));
        const size_t combos = 4 * axes[1].values.size();
        QCOMPARE(measured, static_cast<int>((combos - 1) * profile.levels.size()) + 1);
        for (const ProfileLevel& l : again.profile().levels) {
            QCOMPARE(l.operatingPoints.size(), combos);
        }
        // Another sweep (other knobs) ignores the file.
        OperatingPointSweep other(m_net, profile, OperatingPointSweep::axes({"backend"}, nullptr),
                                  nullptr, quickOptions(resume));
        QCOMPARE(other.resumedCombinations(), 0);
    }

    void operatingPointsThroughTheProfileFile()
    {
        QTemporaryDir dir;
        Profile p = twoLevels(m_net->spec());
        ProfileOperatingPoint op;
        op.knobs = {{"app.threads", "2"}, {"app.affinity", "0-1"}, {"app.backend", "opencv"}};
        op.latency.mean = op.latency.p50 = op.latency.p90 = 1.5;
        op.latency.runs = 3;
        op.powerMw = 2000;
        op.energyMj = 3;
        p.levels[0].operatingPoints = {op};
        const std::string path = dir.filePath("p.json").toStdString();
        p.save(path);
        const Profile back = Profile::load(path, m_net->spec());
        QCOMPARE(back.levels[0].operatingPoints.size(), size_t{1});
        const ProfileOperatingPoint& b = back.levels[0].operatingPoints[0];
        QCOMPARE(b.knobs, op.knobs);
        QCOMPARE(b.latency.mean, 1.5);
        QCOMPARE(*b.energyMj, 3.0);
        QVERIFY(!b.simulated);
        QCOMPARE(b.name(), std::string("2 threads, cores 0-1, opencv"));
        QVERIFY(back.levels[1].operatingPoints.empty());
        // The shipped profiles (schema 2, no operating points) still load.
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        const Profile shipped =
            Profile::load(DOFA_SOURCE_DIR "/profiles/fmnist-mbv3.cpu-1t.json", spec);
        QVERIFY(!shipped.levels.empty());
        QVERIFY(shipped.levels[0].operatingPoints.empty());
    }
};

QTEST_GUILESS_MAIN(TestOperatingPointSweep)
#include "tst_operating_point_sweep.moc"
