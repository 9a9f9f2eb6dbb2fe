// SPDX-License-Identifier: MIT
// Pareto front, hypervolume and level picking: pure functions, checked on hand-made clouds.
#include <QtTest>
#include <cmath>
#include <random>

#include "search/pareto.h"

using namespace dofa;

class TestPareto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void frontKeepsOnlyNonDominated()
    {
        const std::vector<CostAccuracy> pts{{10, 90}, {5, 85}, {7, 84},  {5, 80},
                                            {12, 89}, {3, 70}, {10, 90}, {20, 91}};
        const std::vector<size_t> front = paretoFront(pts);
        // (7,84) is dominated by (5,85); (5,80) by (5,85); (12,89) by (10,90); the second
        // (10,90) is a duplicate of the first.
        QCOMPARE(front, (std::vector<size_t>{5, 1, 0, 7}));
    }

    void frontMatchesBruteForce()
    {
        std::mt19937 rng(3);
        std::uniform_real_distribution<double> u(0, 100);
        std::vector<CostAccuracy> pts(300);
        for (auto& p : pts) {
            p = {std::round(u(rng)), std::round(u(rng))};
        }
        const std::vector<size_t> front = paretoFront(pts);
        for (size_t i = 0; i < pts.size(); ++i) {
            bool dominated = false;
            for (size_t j = 0; j < pts.size() && !dominated; ++j) {
                dominated = pts[j].cost <= pts[i].cost && pts[j].accuracy >= pts[i].accuracy &&
                            (pts[j].cost < pts[i].cost || pts[j].accuracy > pts[i].accuracy);
            }
            const bool inFront = std::find(front.begin(), front.end(), i) != front.end();
            if (inFront) {
                QVERIFY(!dominated);
            } else if (!dominated) {
                // Only exact duplicates of a front point may be left out.
                bool duplicate = false;
                for (size_t f : front) {
                    duplicate |= pts[f].cost == pts[i].cost && pts[f].accuracy == pts[i].accuracy;
                }
                QVERIFY2(duplicate, qPrintable(QString::number(i)));
            }
        }
    }

    void hypervolumeIsTheStaircaseArea()
    {
        // Rectangles [1,10]x[0,10] and [2,10]x[0,20] overlap in [2,10]x[0,10]: 90 + 160 - 80.
        QCOMPARE(hypervolume({{1, 10}, {2, 20}}, 10, 0), 170.0);
        // A dominated point and points outside the box add nothing.
        QCOMPARE(hypervolume({{1, 10}, {2, 20}, {3, 15}, {11, 50}, {0.5, -1}}, 10, 0), 170.0);
        QCOMPARE(hypervolume({}, 10, 0), 0.0);
        // A better front has a larger hypervolume.
        QVERIFY(hypervolume({{1, 12}, {2, 20}}, 10, 0) > hypervolume({{1, 10}, {2, 20}}, 10, 0));
    }

    void levelsSpanTheFront()
    {
        std::vector<CostAccuracy> pts;
        for (int i = 0; i < 40; ++i) {
            pts.push_back({1.0 + i, 50.0 + i});
        }
        const std::vector<size_t> front = paretoFront(pts);
        const std::vector<size_t> levels = pickLevels(pts, front, 6);
        QCOMPARE(levels.size(), size_t{6});
        QCOMPARE(levels.front(), front.front());
        QCOMPARE(levels.back(), front.back());
        for (size_t i = 1; i < levels.size(); ++i) {
            QVERIFY(pts[levels[i]].cost > pts[levels[i - 1]].cost);
        }
        // Log spacing: the second level is much nearer the cheap end than the middle.
        QVERIFY(pts[levels[1]].cost < 5);
        QCOMPARE(pickLevels(pts, {front[0], front[1]}, 6).size(), size_t{2});
    }

    void frontLookups()
    {
        const std::vector<CostAccuracy> pts{{1, 10}, {2, 20}, {4, 30}};
        const std::vector<size_t> front = paretoFront(pts);
        QCOMPARE(accuracyAtCost(pts, front, 3), 20.0);
        QVERIFY(std::isinf(accuracyAtCost(pts, front, 0.5)));
        QCOMPARE(costAtAccuracy(pts, front, 25), 4.0);
        QVERIFY(std::isinf(costAtAccuracy(pts, front, 31)));
    }
};

QTEST_GUILESS_MAIN(TestPareto)
#include "tst_pareto.moc"
