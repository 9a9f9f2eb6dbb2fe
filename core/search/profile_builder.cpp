// SPDX-License-Identifier: MIT
#include "profile_builder.h"

#include <QDateTime>
#include <QJsonArray>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

#include "accuracy_predictor.h"
#include "latency_table.h"
#include "model/inference_threads.h"
#include "pareto.h"
#include "supernet/static_subnet.h"

namespace dofa {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<CostAccuracy> costAccuracy(const std::vector<ProfileCandidate>& pts)
{
    std::vector<CostAccuracy> out;
    for (const ProfileCandidate& c : pts) {
        out.push_back({c.latencyMs, c.top1});
    }
    return out;
}

double median(std::vector<double> v)
{
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// The archs of a one-dimensional baseline: one elastic dimension swept, the others largest.
std::vector<SubnetArch> baselineArchs(const SupernetSpec& spec, const std::string& name)
{
    std::vector<SubnetArch> out;
    for (int r : spec.resolutions) {
        SubnetArch a = SubnetArch::max(spec);
        a.r = r;
        if (name == "width") {
            // Slimmable/AutoSlim-style: uniform expand ratio, full depth and kernels.
            for (int e : spec.expandRatios) {
                a.e.assign(a.e.size(), e);
                out.push_back(a.canonical(spec));
            }
        } else if (name == "depth") {
            for (int d : spec.depths) {
                a.d.assign(a.d.size(), d);
                out.push_back(a.canonical(spec));
            }
        } else {
            out.push_back(a.canonical(spec));
        }
    }
    return out;
}

}  // namespace

QJsonObject ProfileReport::toJson() const
{
    QJsonArray bl;
    for (const BaselineReport& b : baselines) {
        bl.append(QJsonObject{{"name", QString::fromStdString(b.name)},
                              {"points", static_cast<int>(b.points.size())},
                              {"hypervolume", b.hypervolume},
                              {"speedup_median", b.speedupMedian},
                              {"speedup_max", b.speedupMax}});
    }
    return QJsonObject{
        {"seconds", QJsonObject{{"latency_table", tableSeconds},
                                {"latency_measurement", latencySeconds},
                                {"accuracy", accuracySeconds},
                                {"search", searchSeconds},
                                {"levels", levelSeconds},
                                {"baselines", baselineSeconds},
                                {"total", totalSeconds}}},
        {"latency_table_entries", tableEntries},
        {"latency_predictor_mape_percent", latencyPredictorMape},
        {"accuracy_predictor_mae_points", accuracyPredictorMae},
        {"accuracy_measurements", accuracyMeasurements},
        {"searched_candidates", searchedCandidates},
        {"hypervolume", hypervolume},
        {"hypervolume_reference", QJsonObject{{"latency_ms", refLatencyMs}, {"top1", refAccuracy}}},
        {"baselines", bl}};
}

ProfileBuilder::ProfileBuilder(AccuracyEvaluator& search, AccuracyEvaluator& test,
                               std::string modelChecksum, ProfileBuilderOptions options,
                               ProgressFn progress)
    : m_search(search),
      m_test(test),
      m_checksum(std::move(modelChecksum)),
      m_options(std::move(options)),
      m_progress(std::move(progress))
{
    if (m_options.levels < 2 || m_options.predictorSamples < 10 || m_options.correctionArchs < 2 ||
        m_options.heldOutArchs < 1) {
        throw std::invalid_argument(
            "profile: need >= 2 levels, >= 10 predictor samples, >= 2 correction archs and "
            ">= 1 held-out arch");
    }
    if (m_options.cudaIndex >= 0) {
        const torch::Device cuda(torch::kCUDA, static_cast<int8_t>(m_options.cudaIndex));
        m_options.tableLatency.device = cuda;
        m_options.archLatency.device = cuda;
        m_options.pacedLatency.device = cuda;
    }
}

void ProfileBuilder::checkStop(const std::atomic<bool>* stop) const
{
    if (stop && stop->load()) {
        throw std::runtime_error("profiling interrupted");
    }
}

template <typename Measure>
auto ProfileBuilder::onProfileThreads(Measure&& measure)
{
    if (m_options.evalThreads <= 0 || m_options.evalThreads == m_options.threads) {
        return measure();
    }
    setInferenceThreads(m_options.threads);
    auto result = measure();
    setInferenceThreads(m_options.evalThreads);
    return result;
}

LatencyStats ProfileBuilder::latencyOf(const SubnetArch& arch)
{
    const std::string key = arch.canonical(m_search.spec()).toString();
    if (const auto it = m_latency.find(key); it != m_latency.end()) {
        return it->second;
    }
    // BN statistics do not change the cost of a BN-folded network: running stats will do.
    const StaticSubnet sub = m_search.net()->extract(arch);
    const LatencyStats s = onProfileThreads(
        [&] { return measureLatency(sub, m_search.spec().inChannels, m_options.archLatency); });
    m_latency[key] = s;
    return s;
}

namespace {

/// run()'s random draws, in its order: the latency table's correction and held-out archs,
/// then the accuracy predictor's samples (min and max first).
struct SampledArchs
{
    std::vector<SubnetArch> latency;
    std::vector<SubnetArch> accuracy;
};

SampledArchs sampleArchs(const SupernetSpec& spec, const ProfileBuilderOptions& o,
                         std::mt19937& rng)
{
    SampledArchs s;
    for (int i = 0; i < o.correctionArchs + o.heldOutArchs; ++i) {
        s.latency.push_back(SubnetArch::sample(spec, rng));
    }
    s.accuracy = {SubnetArch::min(spec), SubnetArch::max(spec)};
    while (static_cast<int>(s.accuracy.size()) < o.predictorSamples) {
        s.accuracy.push_back(SubnetArch::sample(spec, rng));
    }
    return s;
}

const char* const kBaselineFamilies[] = {"width", "depth", "resolution"};

}  // namespace

std::vector<SubnetArch> ProfileBuilder::deviceIndependentArchs(const SupernetSpec& spec,
                                                               const ProfileBuilderOptions& o)
{
    std::mt19937 rng(o.seed);
    std::vector<SubnetArch> archs = sampleArchs(spec, o, rng).accuracy;
    if (o.baselines) {
        for (const char* name : kBaselineFamilies) {
            for (const SubnetArch& a : baselineArchs(spec, name)) {
                archs.push_back(a);
            }
        }
    }
    return archs;
}

ProfileBuilder::Measured ProfileBuilder::measure(const SubnetArch& arch, const std::string& source)
{
    return {arch, m_search.top1(arch), latencyOf(arch), source};
}

double ProfileBuilder::testTop1(const SubnetArch& arch)
{
    const std::string key = arch.canonical(m_test.spec()).toString();
    if (const auto it = m_testTop1.find(key); it != m_testTop1.end()) {
        return it->second;
    }
    return m_testTop1[key] = m_test.top1(arch);
}

std::vector<size_t> ProfileBuilder::pickLevelsOf(const std::vector<Measured>& points,
                                                 const std::vector<CostAccuracy>& ca,
                                                 const std::vector<size_t>& front,
                                                 const std::atomic<bool>* stop)
{
    const SupernetSpec& spec = m_search.spec();
    auto indexOf = [&](const SubnetArch& arch) {
        const std::string key = arch.canonical(spec).toString();
        for (size_t i = 0; i < points.size(); ++i) {
            if (points[i].arch.canonical(spec).toString() == key) {
                return i;
            }
        }
        throw std::logic_error("profile: the smallest or largest sub-network was not measured");
    };
    // The ends are the smallest and the largest sub-network, so that the levels span the whole
    // family: the search's front can stop short of both (latency noise, a validation top-1 a
    // hair above the largest network's), and a demo wants the fastest and the best there are.
    const size_t lo = indexOf(SubnetArch::min(spec));
    const size_t hi = indexOf(SubnetArch::max(spec));
    if (lo == hi) {
        return {lo};
    }
    const double loTop1 = testTop1(points[lo].arch), hiTop1 = testTop1(points[hi].arch);
    if (loTop1 >= hiTop1) {
        return {hi};  // an untrained model: nothing is gained by the slower ones
    }
    std::vector<size_t> inside;  // front points strictly between the ends in latency and top-1
    for (const size_t i : front) {
        if (ca[i].cost > ca[lo].cost && ca[i].cost < ca[hi].cost &&
            ca[i].accuracy > ca[lo].accuracy && ca[i].accuracy < ca[hi].accuracy) {
            inside.push_back(i);
        }
    }
    // Levels are picked on the search set's top-1 and report the test set's; the manager ranks
    // them by the latter, so a level whose test top-1 does not rise above the faster one's is
    // dropped (it buys nothing there) and the pick is made again without it.
    std::vector<char> rejected(points.size(), 0);
    for (;;) {
        std::vector<size_t> span{lo};
        for (const size_t i : inside) {
            if (!rejected[i]) {
                span.push_back(i);
            }
        }
        span.push_back(hi);
        const std::vector<size_t> picked =
            pickLevels(ca, span, static_cast<size_t>(m_options.levels));
        std::vector<size_t> kept{lo};
        double last = loTop1;
        bool dropped = false;
        for (size_t k = 1; k + 1 < picked.size(); ++k) {
            const double top1 = testTop1(points[picked[k]].arch);
            checkStop(stop);
            if (top1 > last && top1 < hiTop1) {
                kept.push_back(picked[k]);
                last = top1;
            } else {
                rejected[picked[k]] = 1;
                dropped = true;
            }
        }
        kept.push_back(hi);
        if (!dropped || kept.size() >= static_cast<size_t>(m_options.levels)) {
            return kept;
        }
    }
}

Profile ProfileBuilder::run(ProfileReport& report, const std::atomic<bool>* stop)
{
    const auto start = Clock::now();
    const SupernetSpec& spec = m_search.spec();
    const ProfileBuilderOptions& o = m_options;
    std::mt19937 rng(o.seed);
    auto progress = [&](const std::string& stage, double f) {
        if (m_progress) {
            m_progress(stage, f);
        }
    };

    Profile profile;
    profile.modelName = spec.name;
    profile.modelChecksum = m_checksum;
    profile.device = DeviceDescriptor::current(o.threads, o.cudaIndex);

    // 1. Per-layer latency table, its correction and its error on held-out archs.
    auto t = Clock::now();
    LatencyTable table = onProfileThreads([&] {
        return LatencyTable::build(spec, o.tableLatency, [&](int done, int total) {
            progress("latency table", static_cast<double>(done) / total);
        });
    });
    report.tableEntries = static_cast<int>(table.size());
    report.tableSeconds = secondsSince(t);
    checkStop(stop);
    t = Clock::now();
    std::vector<std::pair<SubnetArch, double>> fitSet, heldOut;
    // The predictor targets the median latency, robust to preempted runs (LatencyTable).
    fitSet.emplace_back(SubnetArch::min(spec), latencyOf(SubnetArch::min(spec)).p50);
    fitSet.emplace_back(SubnetArch::max(spec), latencyOf(SubnetArch::max(spec)).p50);
    const SampledArchs sampled = sampleArchs(spec, o, rng);
    for (size_t i = 0; i < sampled.latency.size(); ++i) {
        const SubnetArch& a = sampled.latency[i];
        auto& into = static_cast<int>(fitSet.size()) < o.correctionArchs ? fitSet : heldOut;
        into.emplace_back(a, latencyOf(a).p50);
        progress("latency of sampled archs",
                 static_cast<double>(i + 1) / static_cast<double>(sampled.latency.size()));
        checkStop(stop);
    }
    table.fitCorrection(spec, fitSet);
    report.latencyPredictorMape = meanAbsPercentError(table, spec, heldOut);
    report.latencySeconds = secondsSince(t);

    // 2. Accuracy predictor on measured random archs (a fifth held out to report its error).
    t = Clock::now();
    std::vector<Measured> measured;
    const std::vector<SubnetArch>& samples = sampled.accuracy;
    for (size_t i = 0; i < samples.size(); ++i) {
        measured.push_back(measure(samples[i], "random"));
        progress("accuracy of sampled archs", static_cast<double>(i + 1) / samples.size());
        checkStop(stop);
    }
    std::vector<SubnetArch> fitArchs;
    std::vector<double> fitAcc;
    const size_t holdFrom = samples.size() - samples.size() / 5;
    for (size_t i = 0; i < holdFrom; ++i) {
        fitArchs.push_back(measured[i].arch);
        fitAcc.push_back(measured[i].accuracy);
    }
    {
        AccuracyPredictor check(spec, 400, o.seed);
        check.fit(fitArchs, fitAcc);
        double err = 0;
        for (size_t i = holdFrom; i < measured.size(); ++i) {
            err += std::abs(check.predict(measured[i].arch) - measured[i].accuracy);
        }
        report.accuracyPredictorMae = err / static_cast<double>(measured.size() - holdFrom);
    }
    for (size_t i = holdFrom; i < measured.size(); ++i) {
        fitArchs.push_back(measured[i].arch);
        fitAcc.push_back(measured[i].accuracy);
    }
    AccuracyPredictor predictor(spec, 400, o.seed);
    predictor.fit(fitArchs, fitAcc);
    report.accuracySeconds = secondsSince(t);
    checkStop(stop);

    // 3. The family search on the predictors.
    t = Clock::now();
    FamilySearchOptions so = o.search;
    so.seed = o.seed;
    FamilySearch search(
        spec,
        [&](std::vector<ScoredArch>& batch) {
            std::vector<SubnetArch> archs;
            for (const ScoredArch& s : batch) {
                archs.push_back(s.arch);
            }
            const std::vector<double> acc = predictor.predict(archs);
            for (size_t i = 0; i < batch.size(); ++i) {
                batch[i].accuracy = acc[i];
                batch[i].latencyMs = table.predict(spec, batch[i].arch);
            }
        },
        so);
    progress("search", 0.0);
    const FamilySearch::Result found = search.run();
    report.searchedCandidates = static_cast<int>(found.cloud.size());
    report.searchSeconds = secondsSince(t);
    checkStop(stop);

    // 4. Measure the predicted front (and the best of every constraint) for real.
    t = Clock::now();
    std::vector<CostAccuracy> predicted;
    for (const ScoredArch& s : found.cloud) {
        predicted.push_back({s.latencyMs, s.accuracy});
    }
    const std::vector<size_t> predictedFront = paretoFront(predicted);
    std::vector<SubnetArch> toMeasure;
    for (size_t i : pickLevels(predicted, predictedFront, static_cast<size_t>(o.frontCandidates))) {
        toMeasure.push_back(found.cloud[i].arch);
    }
    for (const ScoredArch& s : found.bestPerConstraint) {
        toMeasure.push_back(s.arch);
    }
    for (size_t i = 0; i < toMeasure.size(); ++i) {
        measured.push_back(measure(toMeasure[i], "evolution"));
        progress("measuring the front", static_cast<double>(i + 1) / toMeasure.size());
        checkStop(stop);
    }

    // 5. The measured front and the levels picked from it.
    std::map<std::string, size_t> unique;
    std::vector<Measured> points;
    for (const Measured& m : measured) {
        if (unique.emplace(m.arch.toString(), points.size()).second) {
            points.push_back(m);
        }
    }
    std::vector<ProfileCandidate> full;
    for (const Measured& m : points) {
        full.push_back({m.arch, m.accuracy, m.latency.mean, true, m.source});
    }
    const std::vector<CostAccuracy> fullCa = costAccuracy(full);
    const std::vector<size_t> front = paretoFront(fullCa);
    const std::vector<size_t> picked = pickLevelsOf(points, fullCa, front, stop);
    for (size_t n = 0; n < picked.size(); ++n) {
        const Measured& m = points[picked[n]];
        ProfileLevel level;
        level.arch = m.arch;
        level.top1 = testTop1(m.arch);
        level.latency = m.latency;
        level.macs = m.arch.macs(spec);
        level.params = m.arch.params(spec);
        level.bn = m_search.bnStats(m.arch);
        if (o.pacedLatency.paceFps > 0) {
            const StaticSubnet net = m_search.net()->extract(m.arch);
            level.pacedLatency = onProfileThreads(
                [&] { return measureLatency(net, spec.inChannels, o.pacedLatency); });
        }
        profile.levels.push_back(std::move(level));
        progress("levels", static_cast<double>(n + 1) / picked.size());
        checkStop(stop);
    }
    report.levelSeconds = secondsSince(t);

    // 6. Baselines, measured the same way.
    t = Clock::now();
    std::vector<std::vector<ProfileCandidate>> baselinePoints;
    std::vector<std::string> baselineNames;
    if (o.baselines) {
        for (const std::string name : kBaselineFamilies) {
            std::vector<ProfileCandidate> pts;
            for (const SubnetArch& a : baselineArchs(spec, name)) {
                const Measured m = measure(a, name);
                pts.push_back({m.arch, m.accuracy, m.latency.mean, true, name});
                checkStop(stop);
            }
            baselineNames.push_back(name);
            baselinePoints.push_back(pts);
        }
        std::vector<ProfileCandidate> random;
        for (const ProfileCandidate& c : full) {
            if (c.source == "random") {
                random.push_back(c);
            }
        }
        baselineNames.push_back("random");
        baselinePoints.push_back(random);
    }
    double refCost = 0, refAcc = std::numeric_limits<double>::infinity();
    auto widen = [&](const std::vector<ProfileCandidate>& pts) {
        for (const ProfileCandidate& c : pts) {
            refCost = std::max(refCost, c.latencyMs);
            refAcc = std::min(refAcc, c.top1);
        }
    };
    widen(full);
    for (const auto& pts : baselinePoints) {
        widen(pts);
    }
    refCost *= 1.1;
    refAcc -= 1.0;
    report.refLatencyMs = refCost;
    report.refAccuracy = refAcc;
    report.hypervolume = hypervolume(fullCa, refCost, refAcc);
    for (size_t b = 0; b < baselinePoints.size(); ++b) {
        BaselineReport br;
        br.name = baselineNames[b];
        br.points = baselinePoints[b];
        const std::vector<CostAccuracy> ca = costAccuracy(br.points);
        br.hypervolume = hypervolume(ca, refCost, refAcc);
        std::vector<double> speedups;
        for (size_t i : paretoFront(ca)) {
            const double ours = costAtAccuracy(fullCa, front, ca[i].accuracy);
            if (std::isfinite(ours) && ours > 0) {
                speedups.push_back(ca[i].cost / ours);
            }
        }
        br.speedupMedian = median(speedups);
        br.speedupMax = speedups.empty() ? 0 : *std::max_element(speedups.begin(), speedups.end());
        report.baselines.push_back(br);
    }
    report.baselineSeconds = secondsSince(t);
    report.accuracyMeasurements = m_search.measurements();

    // 7. The candidate cloud: every measured point, and a sample of the predicted ones.
    profile.candidates = full;
    for (const auto& pts : baselinePoints) {
        for (const ProfileCandidate& c : pts) {
            if (c.source != "random") {
                profile.candidates.push_back(c);
            }
        }
    }
    std::vector<size_t> order(found.cloud.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(std::min(order.size(), static_cast<size_t>(o.maxPredictedCandidates)));
    std::sort(order.begin(), order.end());
    for (size_t i : order) {
        const ScoredArch& s = found.cloud[i];
        profile.candidates.push_back({s.arch, s.accuracy, s.latencyMs, false, s.source});
    }

    profile.accuracyProtocol =
        QJsonObject{{"levels", m_test.protocol()}, {"search", m_search.protocol()}};
    profile.latencyProtocol =
        QJsonObject{{"warmup", o.archLatency.warmup},     {"runs", o.archLatency.runs},
                    {"batch", o.archLatency.batch},       {"statistic_for_front", "mean"},
                    {"levels_picked_on", "back_to_back"}, {"paced_fps", o.pacedLatency.paceFps},
                    {"paced_runs", o.pacedLatency.runs}};
    report.totalSeconds = secondsSince(start);
    profile.provenance =
        QJsonObject{{"created", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                    {"report", report.toJson()},
                    {"latency_table", table.toJson()}};
    return profile;
}

}  // namespace dofa
