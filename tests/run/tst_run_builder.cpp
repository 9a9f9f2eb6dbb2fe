// SPDX-License-Identifier: MIT
// buildRun, the one place `dofa run` and the dashboard's LiveWorker put a run together: what it
// builds for each RunConfig (lanes, policy, simulated clocks, the governor under the pipeline's
// guard), what it refuses and how, and that ending a run restores the knobs it wrote.
// The shipped model and profile, the Fashion-MNIST test set, the SIMULATED board.
#include <QtTest>
#include <stdexcept>

#include <torch/torch.h>

#include "platform/knob.h"
#include "platform/platform.h"
#include "platform/simulated_board.h"
#include "run/inference_pipeline.h"
#include "run/run_builder.h"
#include "run/shipped_files.h"
#include "runtime/policy.h"
#include "runtime/runtime_manager.h"
#include "sources/frame_source.h"
#include "supernet/model_file.h"

using namespace dofa;

namespace {

/// A one-lane replay of the test set on the SIMULATED board with the shipped model and its
/// one-thread profile.
RunConfig shippedConfig()
{
    RunConfig c;
    c.modelPath = shippedModelPath().toStdString();
    c.model = std::make_shared<const ModelFile>(ModelFile::load(c.modelPath));
    const std::string profilePath =
        shippedProfilePath(QString::fromStdString(c.model->spec.name), 1).toStdString();
    c.profile = Profile::load(profilePath, c.model->spec);
    c.threads = 1;
    c.platform = PlatformMode::Simulated;
    c.source = "dataset:test";
    return c;
}

template <typename E>
QString thrownBy(const RunConfig& c)
{
    try {
        (void)buildRun(c);
    } catch (const E& e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("(nothing thrown)");
}

}  // namespace

class TestRunBuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void platformModeNames()
    {
        for (PlatformMode m :
             {PlatformMode::Discover, PlatformMode::Simulated, PlatformMode::None}) {
            QCOMPARE(platformModeFromName(platformModeName(m)), std::optional<PlatformMode>(m));
        }
        for (const char* bad : {"", "Discover", " none", "simulated ", "sim"}) {
            QVERIFY2(!platformModeFromName(bad), bad);
        }
    }

    void oneLaneReactiveRun()
    {
        RunConfig c = shippedConfig();
        c.latestFrameOnly = true;
        BuiltRun run = buildRun(c);
        QVERIFY(run.platform && run.platform->isSimulated());
        QCOMPARE(run.pipeline->laneCount(), 1);
        QCOMPARE(std::string(run.manager->policy().name()), std::string("reactive"));
        QVERIFY(!run.simulatedClock);
        QVERIFY(!run.manager->table().hasOperatingPoints());
        QVERIFY(run.latest != nullptr);
        QCOMPARE(static_cast<const void*>(&run.pipeline->source(0)),
                 static_cast<const void*>(run.latest));
        QCOMPARE(at::get_num_threads(), 1);
        std::vector<FrameRecord> records;
        QVERIFY(run.pipeline->step(records));
        QCOMPARE(records.size(), size_t{1});
        QVERIFY(records[0].label >= 0);  // the test set is labelled
        run.reset();
        QVERIFY(!run.pipeline && !run.manager && !run.platform && !run.latest);
    }

    void energyOnTheSimulatedBoardChoosesClocks()
    {
        RunConfig c = shippedConfig();
        c.policy = "energy";
        BuiltRun run = buildRun(c);
        QVERIFY(run.simulatedClock);
        QVERIFY(run.manager->table().hasOperatingPoints());
        QVERIFY(run.latest == nullptr);  // not asked for
        // Without a board there are no clocks to choose.
        c.platform = PlatformMode::None;
        run = buildRun(c);
        QVERIFY(!run.platform);
        QVERIFY(!run.simulatedClock);
        QVERIFY(!run.manager->table().hasOperatingPoints());
    }

    void secondLatencyRunsTwoLanesJointly()
    {
        RunConfig c = shippedConfig();
        c.targets.latencyMs = 5.0;
        c.secondLatencyMs = 9.0;
        c.policy = "energy";  // not used: two lanes are chosen jointly, without clock points
        BuiltRun run = buildRun(c);
        QCOMPARE(run.pipeline->laneCount(), 2);
        QCOMPARE(std::string(run.manager->policy().name()), std::string("joint"));
        QVERIFY(!run.simulatedClock);
        QCOMPARE(run.manager->targets(0).latencyMs, std::optional<double>(5.0));
        QCOMPARE(run.manager->targets(1).latencyMs, std::optional<double>(9.0));
        c.policy = "no such policy";  // not read for two lanes, as `dofa run --second-latency`
        QCOMPARE(buildRun(c).pipeline->laneCount(), 2);
    }

    void governorIsWrittenAndRestoredWithTheRun()
    {
        RunConfig c = shippedConfig();
        c.governor = "powersave";
        BuiltRun run = buildRun(c);
        QCOMPARE(std::string(run.manager->policy().name()), std::string("fixed"));
        const std::shared_ptr<SimulatedBoard> board = run.platform->simulatedBoard();
        QCOMPARE(board->governor(), SimulatedGovernor::Kind::Powersave);
        // Ending the run ends the pipeline first, whose guard puts the governor back while the
        // platform is still there.
        run.reset();
        QVERIFY(board->governor() != SimulatedGovernor::Kind::Powersave);
        QCOMPARE(board->governor(), SimulatedBoard().governor());
    }

    void badChoicesAreRefusedBeforeOrWhileOpening()
    {
        RunConfig c = shippedConfig();
        c.policy = "fastest";
        QVERIFY(thrownBy<std::invalid_argument>(c).contains("policy 'fastest'"));
        c = shippedConfig();
        c.governor = "turbo";
        QVERIFY(thrownBy<std::invalid_argument>(c).contains("governor 'turbo'"));
        c = shippedConfig();
        c.governor = "ondemand";
        c.platform = PlatformMode::None;
        QVERIFY(thrownBy<std::invalid_argument>(c).contains("needs a platform"));
        c = shippedConfig();
        c.source = "nonsense:x";
        const QString parse = thrownBy<std::invalid_argument>(c);
        QVERIFY2(parse.startsWith("source 'nonsense:x': "), qPrintable(parse));
        c = shippedConfig();
        c.source = "file:/nonexistent/clip.avi";
        const QString open = thrownBy<std::runtime_error>(c);
        QVERIFY2(open.startsWith("source 'file:/nonexistent/clip.avi' did not open: "),
                 qPrintable(open));
        c = shippedConfig();
        c.model.reset();
        QVERIFY(thrownBy<std::invalid_argument>(c).contains("no model"));
    }
};

QTEST_GUILESS_MAIN(TestRunBuilder)
#include "tst_run_builder.moc"
