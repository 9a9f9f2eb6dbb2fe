// SPDX-License-Identifier: MIT
#include "family_search.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace dofa {

namespace {

int pick(const std::vector<int>& v, std::mt19937& rng)
{
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

bool byAccuracy(const ScoredArch& a, const ScoredArch& b)
{
    return a.accuracy > b.accuracy;
}

}  // namespace

FamilySearch::FamilySearch(SupernetSpec spec, Scorer scorer, FamilySearchOptions options)
    : m_spec(std::move(spec)), m_scorer(std::move(scorer)), m_options(options)
{
    if (!m_scorer) {
        throw std::invalid_argument("family search needs a scorer");
    }
    if (m_options.population < 4 || m_options.randomSamples < 1 || m_options.sweepSteps < 1) {
        throw std::invalid_argument(
            "family search: population >= 4, random samples and sweep steps >= 1");
    }
}

SubnetArch FamilySearch::filled(const SubnetArch& a, std::mt19937& rng) const
{
    SubnetArch f = a;
    for (size_t i = 0; i < f.ks.size(); ++i) {
        if (f.ks[i] == 0) {
            f.ks[i] = pick(m_spec.kernelSizes, rng);
        }
        if (f.e[i] == 0) {
            f.e[i] = pick(m_spec.expandRatios, rng);
        }
    }
    return f;
}

SubnetArch FamilySearch::mutate(const SubnetArch& a, std::mt19937& rng) const
{
    std::bernoulli_distribution res(m_options.resolutionMutateProb);
    std::bernoulli_distribution arch(m_options.mutateProb);
    SubnetArch m = filled(a, rng);
    if (res(rng)) {
        m.r = pick(m_spec.resolutions, rng);
    }
    for (size_t i = 0; i < m.ks.size(); ++i) {
        if (arch(rng)) {
            m.ks[i] = pick(m_spec.kernelSizes, rng);
            m.e[i] = pick(m_spec.expandRatios, rng);
        }
    }
    for (int& d : m.d) {
        if (arch(rng)) {
            d = pick(m_spec.depths, rng);
        }
    }
    return m.canonical(m_spec);
}

SubnetArch FamilySearch::crossover(const SubnetArch& a, const SubnetArch& b,
                                   std::mt19937& rng) const
{
    std::bernoulli_distribution coin(0.5);
    const SubnetArch fa = filled(a, rng);
    const SubnetArch fb = filled(b, rng);
    SubnetArch c = fa;
    for (size_t i = 0; i < c.ks.size(); ++i) {
        c.ks[i] = coin(rng) ? fa.ks[i] : fb.ks[i];
        c.e[i] = coin(rng) ? fa.e[i] : fb.e[i];
    }
    for (size_t s = 0; s < c.d.size(); ++s) {
        c.d[s] = coin(rng) ? fa.d[s] : fb.d[s];
    }
    c.r = coin(rng) ? fa.r : fb.r;
    return c.canonical(m_spec);
}

void FamilySearch::score(std::vector<ScoredArch>& batch)
{
    // Only archs not seen before go to the scorer; the rest are copied from the cloud.
    std::vector<ScoredArch> fresh;
    std::vector<size_t> freshAt;
    for (size_t i = 0; i < batch.size(); ++i) {
        const auto it = m_seen.find(batch[i].arch.toString());
        if (it != m_seen.end()) {
            batch[i] = m_cloud[it->second];
        } else {
            fresh.push_back(batch[i]);
            freshAt.push_back(i);
        }
    }
    if (!fresh.empty()) {
        m_scorer(fresh);
    }
    for (size_t j = 0; j < fresh.size(); ++j) {
        const std::string key = fresh[j].arch.toString();
        if (m_seen.emplace(key, m_cloud.size()).second) {
            m_cloud.push_back(fresh[j]);
        }
        batch[freshAt[j]] = m_cloud[m_seen[key]];
    }
}

FamilySearch::Result FamilySearch::run()
{
    std::mt19937 rng(m_options.seed);
    const FamilySearchOptions& o = m_options;

    // 1. Random search over the whole space.
    std::vector<ScoredArch> pool(static_cast<size_t>(o.randomSamples));
    for (ScoredArch& s : pool) {
        s.arch = SubnetArch::sample(m_spec, rng);
        s.source = "random";
    }
    score(pool);
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const ScoredArch& s : pool) {
        lo = std::min(lo, s.latencyMs);
        hi = std::max(hi, s.latencyMs);
    }
    {
        // The extremes of the space bound the sweep even if random sampling missed them.
        std::vector<ScoredArch> ends{{SubnetArch::min(m_spec), 0, 0, "random"},
                                     {SubnetArch::max(m_spec), 0, 0, "random"}};
        score(ends);
        lo = std::min(lo, ends[0].latencyMs);
        hi = std::max(hi, ends[1].latencyMs);
    }

    Result result;
    const double step = (hi - lo) / o.sweepSteps;
    for (int c = 1; c <= o.sweepSteps; ++c) {
        const double limit = lo + step * c;
        result.constraints.push_back(limit);

        // 2. Initial population: feasible random samples within the accuracy range.
        std::vector<ScoredArch> feasible;
        for (const ScoredArch& s : m_cloud) {
            if (s.latencyMs <= limit) {
                feasible.push_back(s);
            }
        }
        if (feasible.empty()) {
            continue;
        }
        std::sort(feasible.begin(), feasible.end(), byAccuracy);
        const double floorAcc = feasible.front().accuracy - o.accuracyRange;
        std::vector<ScoredArch> population;
        for (const ScoredArch& s : feasible) {
            if (s.accuracy >= floorAcc && population.size() < static_cast<size_t>(o.population)) {
                population.push_back(s);
            }
        }

        // 3. Evolution under the constraint (rejection: resample until feasible).
        const size_t parents =
            std::max<size_t>(2, static_cast<size_t>(o.parentRatio * o.population));
        const size_t mutants = static_cast<size_t>(o.mutationRatio * o.population);
        const size_t crossovers = static_cast<size_t>(o.population) - mutants;
        for (int g = 0; g < o.generations; ++g) {
            std::sort(population.begin(), population.end(), byAccuracy);
            population.resize(std::min(parents, population.size()));
            std::uniform_int_distribution<size_t> parent(0, population.size() - 1);
            auto breed = [&](size_t count, bool mutation) {
                std::vector<ScoredArch> children;
                for (size_t n = 0; n < count; ++n) {
                    for (int t = 0; t < o.maxTries; ++t) {
                        ScoredArch child;
                        child.source = "evolution";
                        child.arch = mutation ? mutate(population[parent(rng)].arch, rng)
                                              : crossover(population[parent(rng)].arch,
                                                          population[parent(rng)].arch, rng);
                        std::vector<ScoredArch> one{child};
                        score(one);
                        if (one[0].latencyMs <= limit) {
                            children.push_back(one[0]);
                            break;
                        }
                    }
                }
                return children;
            };
            std::vector<ScoredArch> next = breed(mutants, true);
            const std::vector<ScoredArch> crossed = breed(crossovers, false);
            next.insert(next.end(), crossed.begin(), crossed.end());
            population.insert(population.end(), next.begin(), next.end());
        }
        std::sort(population.begin(), population.end(), byAccuracy);
        result.bestPerConstraint.push_back(population.front());
    }
    result.cloud = m_cloud;
    return result;
}

}  // namespace dofa
