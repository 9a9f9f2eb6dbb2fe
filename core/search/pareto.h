// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

namespace dofa {

/// A candidate as the front sees it: cost (latency in ms, lower is better) and accuracy
/// (top-1 in %, higher is better).
struct CostAccuracy
{
    double cost = 0;
    double accuracy = 0;
};

/// Indices of the non-dominated points, by ascending cost (and so ascending accuracy). A point
/// is dominated when another is no costlier and no less accurate, and better in one of the
/// two; of exact duplicates the first is kept.
std::vector<size_t> paretoFront(const std::vector<CostAccuracy>& points);

/// Area dominated by `points` inside the box [0, refCost] x [refAccuracy, inf): the larger,
/// the better the front. Points outside the box add nothing.
double hypervolume(const std::vector<CostAccuracy>& points, double refCost, double refAccuracy);

/// Picks up to `n` of the front's points (indices into `points`, ascending cost), always the
/// cheapest and the most accurate, the rest as evenly spread in log cost as the front allows.
std::vector<size_t> pickLevels(const std::vector<CostAccuracy>& points,
                               const std::vector<size_t>& front, size_t n);

/// Accuracy of the front at `cost`: the best accuracy among front points costing no more
/// (negative infinity when none does).
double accuracyAtCost(const std::vector<CostAccuracy>& points, const std::vector<size_t>& front,
                      double cost);
/// Cost of the front at `accuracy`: the least cost among front points at least that
/// accurate (infinity when none is).
double costAtAccuracy(const std::vector<CostAccuracy>& points, const std::vector<size_t>& front,
                      double accuracy);

}  // namespace dofa
