// SPDX-License-Identifier: MIT
#include "pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace dofa {

std::vector<size_t> paretoFront(const std::vector<CostAccuracy>& points)
{
    std::vector<size_t> order(points.size());
    std::iota(order.begin(), order.end(), 0);
    // Cheapest first; at equal cost the most accurate first, so the sweep keeps it.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (points[a].cost != points[b].cost) {
            return points[a].cost < points[b].cost;
        }
        return points[a].accuracy > points[b].accuracy;
    });
    std::vector<size_t> front;
    double best = -std::numeric_limits<double>::infinity();
    for (size_t i : order) {
        if (points[i].accuracy > best) {
            front.push_back(i);
            best = points[i].accuracy;
        }
    }
    return front;
}

double hypervolume(const std::vector<CostAccuracy>& points, double refCost, double refAccuracy)
{
    const std::vector<size_t> front = paretoFront(points);
    // A staircase: by ascending accuracy, each front point adds the band between the previous
    // accuracy and its own, from its cost to the reference cost.
    double volume = 0;
    double prevAcc = refAccuracy;
    for (size_t i : front) {
        const CostAccuracy& p = points[i];
        if (p.cost >= refCost || p.accuracy <= prevAcc) {
            continue;
        }
        volume += (refCost - p.cost) * (p.accuracy - prevAcc);
        prevAcc = p.accuracy;
    }
    return volume;
}

std::vector<size_t> pickLevels(const std::vector<CostAccuracy>& points,
                               const std::vector<size_t>& front, size_t n)
{
    if (front.size() <= n) {
        return front;
    }
    if (n == 0) {
        return {};
    }
    if (n == 1) {
        return {front.back()};
    }
    const double lo = std::log(std::max(points[front.front()].cost, 1e-9));
    const double hi = std::log(std::max(points[front.back()].cost, 1e-9));
    std::vector<size_t> picked{front.front()};
    size_t from = 1;  // next candidate position in `front`
    for (size_t k = 1; k + 1 < n; ++k) {
        const double target = lo + (hi - lo) * static_cast<double>(k) / static_cast<double>(n - 1);
        // Leave enough points after this one for the remaining picks.
        const size_t last = front.size() - (n - k);
        size_t best = from;
        for (size_t j = from; j <= last; ++j) {
            const double d = std::abs(std::log(std::max(points[front[j]].cost, 1e-9)) - target);
            if (d < std::abs(std::log(std::max(points[front[best]].cost, 1e-9)) - target)) {
                best = j;
            }
        }
        picked.push_back(front[best]);
        from = best + 1;
    }
    picked.push_back(front.back());
    return picked;
}

double accuracyAtCost(const std::vector<CostAccuracy>& points, const std::vector<size_t>& front,
                      double cost)
{
    double best = -std::numeric_limits<double>::infinity();
    for (size_t i : front) {
        if (points[i].cost <= cost) {
            best = std::max(best, points[i].accuracy);
        }
    }
    return best;
}

double costAtAccuracy(const std::vector<CostAccuracy>& points, const std::vector<size_t>& front,
                      double accuracy)
{
    double best = std::numeric_limits<double>::infinity();
    for (size_t i : front) {
        if (points[i].accuracy >= accuracy) {
            best = std::min(best, points[i].cost);
        }
    }
    return best;
}

}  // namespace dofa
