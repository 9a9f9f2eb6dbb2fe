// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "accuracy_evaluator.h"
#include "family_search.h"
#include "latency_meter.h"
#include "pareto.h"
#include "profile.h"

namespace dofa {

/// Settings of the whole profiling pipeline (`dofa search`).
struct ProfileBuilderOptions
{
    int threads = 1;  ///< latency is measured on this many threads (and recorded in the device)
    /// Accuracy work (BN calibration, evaluation) runs on this many threads: accuracy does not
    /// depend on them, so it may use every core while latency is timed as the profile says.
    /// 0: as `threads`.
    int evalThreads = 0;
    int cudaIndex = -1;          ///< >= 0: measure latency on that CUDA device
    int predictorSamples = 150;  ///< random archs measured to train the accuracy predictor
    int correctionArchs = 20;    ///< measured archs the latency table's correction is fitted on
    int heldOutArchs = 50;       ///< measured archs the latency predictor error is reported on
    int frontCandidates = 40;    ///< predicted-front archs measured for real
    int levels = 8;
    LatencyOptions tableLatency{5, 30, 1, torch::kCPU};
    LatencyOptions archLatency{10, 60, 1, torch::kCPU};
    /// The levels' paced latency (ProfileLevel::pacedLatency); paceFps 0: not measured.
    LatencyOptions pacedLatency{10, 60, 1, torch::kCPU, 30};
    FamilySearchOptions search;
    bool baselines = true;
    int maxPredictedCandidates = 1500;  ///< predicted points kept in the profile's cloud
    std::uint32_t seed = 1;
};

/// A baseline family measured like the full search (same evaluator, same latency protocol).
struct BaselineReport
{
    std::string name;  ///< "width", "depth", "resolution", "random"
    std::vector<ProfileCandidate> points;
    double hypervolume = 0;
    /// Latency of the baseline's front point over the full search front's latency at the
    /// same or better accuracy: median and best over the baseline's front.
    double speedupMedian = 0;
    double speedupMax = 0;
};

/// Numbers the pipeline measured about itself (printed by the CLI, kept in provenance).
struct ProfileReport
{
    double tableSeconds = 0, latencySeconds = 0, accuracySeconds = 0, searchSeconds = 0,
           levelSeconds = 0, baselineSeconds = 0, totalSeconds = 0;
    int tableEntries = 0;
    double latencyPredictorMape = 0;  ///< % on the held-out archs
    double accuracyPredictorMae = 0;  ///< points, on held-out measured archs
    int accuracyMeasurements = 0;
    int searchedCandidates = 0;
    double hypervolume = 0;                    ///< of the full search's measured front
    double refLatencyMs = 0, refAccuracy = 0;  ///< the hypervolume reference point
    std::vector<BaselineReport> baselines;

    [[nodiscard]] QJsonObject toJson() const;
};

/// The Dynamic-OFA offline flow for one model on this device: a per-layer latency table with
/// a fitted correction, an accuracy predictor trained on measured sub-networks, the family
/// search on both predictors, re-measurement of the predicted front (accuracy on the search
/// set, latency on the device), the measured Pareto front, and levels picked from it with
/// their test-set top-1, latency statistics and BN statistics.
class ProfileBuilder
{
public:
    using ProgressFn = std::function<void(const std::string& stage, double fraction)>;

    /// `search` measures accuracy during the search (a held-out validation split); `test`
    /// measures the levels' reported top-1 (the test set).
    ProfileBuilder(AccuracyEvaluator& search, AccuracyEvaluator& test, std::string modelChecksum,
                   ProfileBuilderOptions options, ProgressFn progress = {});

    /// Throws std::runtime_error when interrupted through `stop`.
    Profile run(ProfileReport& report, const std::atomic<bool>* stop = nullptr);

    /// The sub-networks whose search-set accuracy run() measures on any device, in its order:
    /// the accuracy predictor's samples (drawn from options.seed as run() draws them) and the
    /// baseline families. The rest of run()'s accuracy work (the predicted front, the levels'
    /// test top-1) depends on the device's latencies. `dofa search --accuracy-only --shard I/N`
    /// measures every N-th of these on other machines; run() finds them in the cache.
    static std::vector<SubnetArch> deviceIndependentArchs(const SupernetSpec& spec,
                                                          const ProfileBuilderOptions& options);

private:
    struct Measured
    {
        SubnetArch arch;
        double accuracy = 0;  ///< on the search set
        LatencyStats latency;
        std::string source;
    };
    LatencyStats latencyOf(const SubnetArch& arch);
    /// `measure()` on the profile's thread count, then back to the accuracy work's.
    template <typename Measure>
    auto onProfileThreads(Measure&& measure);
    /// Top-1 on the test evaluator, measured once per arch.
    double testTop1(const SubnetArch& arch);
    /// The levels (indices into `points`, ascending latency): the smallest and the largest
    /// sub-network at the ends, up to `levels` in all, picked from the measured `front` and
    /// kept only where the test top-1 rises with latency.
    std::vector<size_t> pickLevelsOf(const std::vector<Measured>& points,
                                     const std::vector<CostAccuracy>& ca,
                                     const std::vector<size_t>& front,
                                     const std::atomic<bool>* stop);
    Measured measure(const SubnetArch& arch, const std::string& source);
    void checkStop(const std::atomic<bool>* stop) const;

    AccuracyEvaluator& m_search;
    AccuracyEvaluator& m_test;
    std::string m_checksum;
    ProfileBuilderOptions m_options;
    ProgressFn m_progress;
    std::map<std::string, LatencyStats> m_latency;  ///< measured, by arch text
    std::map<std::string, double> m_testTop1;       ///< test top-1, by arch text
};

}  // namespace dofa
