// SPDX-License-Identifier: MIT
// The family search on closed-form scores: constraints hold, the sweep spans the space, and
// evolution finds better sub-networks than the random samples it starts from.
#include <QtTest>

#include "search/family_search.h"
#include "search/pareto.h"

using namespace dofa;

namespace {

// Latency grows with MACs; accuracy rewards MACs with diminishing returns, and (unlike
// latency) prefers expand ratio 3 in the second stage, which random sampling rarely hits
// everywhere at once.
FamilySearch::Scorer closedForm(const SupernetSpec& spec)
{
    return [spec](std::vector<ScoredArch>& batch) {
        for (ScoredArch& s : batch) {
            const double mmacs = static_cast<double>(s.arch.macs(spec)) / 1e6;
            s.latencyMs = 0.2 + mmacs;
            double bonus = 0;
            for (int i = spec.maxDepth(); i < 2 * spec.maxDepth(); ++i) {
                bonus += s.arch.isActive(spec, i) && s.arch.e[i] == 3 ? 1.0 : 0.0;
            }
            s.accuracy = 95.0 - 20.0 / (1.0 + mmacs) + bonus;
        }
    };
}

}  // namespace

class TestFamilySearch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void constraintsHoldAndEvolutionImproves()
    {
        const SupernetSpec spec = SupernetSpec::preset("fmnist-mbv3");
        FamilySearchOptions o;
        o.randomSamples = 200;
        o.sweepSteps = 6;
        o.population = 30;
        o.generations = 15;
        FamilySearch search(spec, closedForm(spec), o);
        const FamilySearch::Result r = search.run();
        QCOMPARE(r.constraints.size(), size_t{6});
        QVERIFY(!r.bestPerConstraint.empty());
        int improved = 0;
        for (size_t c = 0; c < r.bestPerConstraint.size(); ++c) {
            const ScoredArch& best = r.bestPerConstraint[c];
            const double limit =
                r.constraints[r.constraints.size() - r.bestPerConstraint.size() + c];
            QVERIFY2(best.latencyMs <= limit + 1e-9, best.arch.toString().c_str());
            double bestRandom = -1;
            for (const ScoredArch& s : r.cloud) {
                if (s.source == "random" && s.latencyMs <= limit) {
                    bestRandom = std::max(bestRandom, s.accuracy);
                }
            }
            QVERIFY(best.accuracy >= bestRandom);
            improved += best.accuracy > bestRandom + 0.5 ? 1 : 0;
        }
        QVERIFY2(improved >= 3, qPrintable(QString::number(improved)));
        // The cloud holds each arch once, and more than the random samples.
        std::set<std::string> seen;
        for (const ScoredArch& s : r.cloud) {
            QVERIFY(seen.insert(s.arch.toString()).second);
        }
        QVERIFY(r.cloud.size() > 200);
    }

    void mutationAndCrossoverStayInTheSpace()
    {
        const SupernetSpec spec = SupernetSpec::preset("ofa-mbv3-w1.0");
        FamilySearchOptions o;
        o.mutateProb = 0.5;
        FamilySearch search(spec, closedForm(spec), o);
        std::mt19937 rng(4);
        int changedDepth = 0;
        for (int i = 0; i < 200; ++i) {
            const SubnetArch a = SubnetArch::sample(spec, rng);
            const SubnetArch b = SubnetArch::sample(spec, rng);
            const SubnetArch m = search.mutate(a, rng);
            const SubnetArch c = search.crossover(a, b, rng);
            QVERIFY2(m.validate(spec).empty(), m.validate(spec).c_str());
            QVERIFY2(c.validate(spec).empty(), c.validate(spec).c_str());
            QVERIFY(m == m.canonical(spec));
            changedDepth += m.d != a.d ? 1 : 0;
            for (size_t s = 0; s < c.d.size(); ++s) {
                QVERIFY(c.d[s] == a.d[s] || c.d[s] == b.d[s]);
            }
            QVERIFY(c.r == a.r || c.r == b.r);
        }
        QVERIFY(changedDepth > 50);
    }
};

QTEST_GUILESS_MAIN(TestFamilySearch)
#include "tst_family_search.moc"
