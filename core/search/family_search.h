// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "supernet/subnet_arch.h"
#include "supernet/supernet_spec.h"

namespace dofa {

/// What the search knows of a candidate: its (predicted or measured) accuracy and latency.
struct ScoredArch
{
    SubnetArch arch;
    double accuracy = 0;  ///< top-1 %
    double latencyMs = 0;
    std::string source;  ///< "random" or "evolution"
};

/// Settings of the Dynamic-OFA family search (reference: OFA's EvolutionFinder and
/// Dynamic-OFA's latency sweep).
struct FamilySearchOptions
{
    int randomSamples = 1000;  ///< random search: samples over the whole space
    int sweepSteps = 10;       ///< latency constraints, in fixed increments from the lowest
    /// Initial populations keep only candidates within this many points of the best random
    /// sample under the same constraint (Dynamic-OFA's accuracy range).
    double accuracyRange = 10.0;
    int population = 100;
    int generations = 20;
    double parentRatio = 0.25;
    double mutationRatio = 0.5;
    double mutateProb = 0.1;            ///< per block (kernel and expand jointly), per stage
    double resolutionMutateProb = 0.5;  ///< per mutation
    int maxTries = 200;                 ///< resampling attempts to satisfy a constraint
    std::uint32_t seed = 1;
};

/// Random search sweeping latency constraints, then evolution under each constraint (as
/// OFA: constraint by rejection, top parents kept, mutants and crossovers). The scorer is
/// injected: predictors in the pipeline, closed-form functions in tests.
class FamilySearch
{
public:
    using Scorer = std::function<void(std::vector<ScoredArch>&)>;  ///< fills accuracy/latency

    FamilySearch(SupernetSpec spec, Scorer scorer, FamilySearchOptions options = {});

    struct Result
    {
        std::vector<ScoredArch> cloud;    ///< every distinct candidate scored
        std::vector<double> constraints;  ///< the sweep, ms
        std::vector<ScoredArch> bestPerConstraint;
    };
    Result run();

    /// OFA's mutation: resolution with resolutionMutateProb, (kernel, expand) per block and
    /// depth per stage with mutateProb.
    SubnetArch mutate(const SubnetArch& a, std::mt19937& rng) const;
    /// Each element from either parent.
    SubnetArch crossover(const SubnetArch& a, const SubnetArch& b, std::mt19937& rng) const;

private:
    void score(std::vector<ScoredArch>& batch);
    /// Full (non-canonical) arrays: skipped blocks get random values so mutation and
    /// crossover can raise a depth.
    SubnetArch filled(const SubnetArch& a, std::mt19937& rng) const;

    SupernetSpec m_spec;
    Scorer m_scorer;
    FamilySearchOptions m_options;
    std::vector<ScoredArch> m_cloud;
    std::map<std::string, size_t> m_seen;
};

}  // namespace dofa
