// SPDX-License-Identifier: MIT
#include "live_snapshot_builder.h"

#include <algorithm>
#include <cmath>

#include "live/series_decimation.h"

namespace dofa {

namespace {

constexpr int kMaxSeriesPoints = 1500;  // a chart wider than this gains nothing from more
constexpr double kFpsWindowSeconds = 2.0;
constexpr int kMedianFrames = 30;

}  // namespace

LiveSnapshot makeLiveSnapshot(const LiveRunData& d, const LiveRunState& st, double windowSeconds)
{
    LiveSnapshot s;
    s.frame = st.image;
    s.frameIndex = st.frameIndex;
    s.label = st.label;
    s.topClass = st.topClass;
    s.topScore = st.topScore;
    s.framesDone = d.framesDone.load();
    s.framesDropped = d.framesDropped.load();
    s.labelledFrames = d.labelled.load();
    s.runningTop1 = s.labelledFrames > 0 ? 100.0 * static_cast<double>(d.correct.load()) /
                                               static_cast<double>(s.labelledFrames)
                                         : LiveSnapshot::kNone;
    s.currentLevel = st.running || st.frameIndex >= 0 ? st.level : -1;
    s.latencyMs = st.latencyMs;
    s.loadDescription = st.load;
    s.placement = st.placement;
    s.library = s.currentLevel >= 0 ? st.library : QString();
    s.running = st.running;

    const LivePlatformSample lastSample = d.samples.last();
    const double now = std::max(st.elapsedSeconds, lastSample.t);
    s.elapsedSeconds = now;
    const double from = now - windowSeconds;
    const std::vector<LiveFramePoint> points =
        d.points.since(from, [](const LiveFramePoint& p) { return p.t; });
    if (!points.empty()) {
        const LiveFramePoint& last = points.back();
        s.targetLatencyMs = last.targetMs;
        std::size_t recent = 0;
        for (auto it = points.rbegin(); it != points.rend() && it->t >= now - kFpsWindowSeconds;
             ++it) {
            ++recent;
        }
        const double span = std::min(kFpsWindowSeconds, std::max(1e-3, now - points.front().t));
        s.fps = static_cast<double>(recent) / span;
        std::vector<double> lat;
        for (size_t i = points.size() - std::min<size_t>(kMedianFrames, points.size());
             i < points.size(); ++i) {
            lat.push_back(points[i].latencyMs);
        }
        std::nth_element(lat.begin(), lat.begin() + static_cast<long>(lat.size() / 2), lat.end());
        s.latencyP50Ms = lat[lat.size() / 2];
    }
    s.latency = {QStringLiteral("latency"), QStringLiteral("ms"), {}};
    s.latencyTarget = {QStringLiteral("target"), QStringLiteral("ms"), {}};
    s.accuracy = {QStringLiteral("top-1"), QStringLiteral("%"), {}};
    s.level = {QStringLiteral("level"), QString(), {}};
    for (const LiveFramePoint& p : points) {
        s.latency.points.append(QPointF(p.t, p.latencyMs));
        if (!std::isnan(p.targetMs)) {
            s.latencyTarget.points.append(QPointF(p.t, p.targetMs));
        }
        if (!std::isnan(p.runningTop1)) {
            s.accuracy.points.append(QPointF(p.t, p.runningTop1));
        }
        s.level.points.append(QPointF(p.t, p.level));
    }

    s.powerTotal = {QStringLiteral("power total"), QStringLiteral("W"), {}};
    s.cpuClock = {QStringLiteral("CPU clock"), QStringLiteral("MHz"), {}};
    s.gpuClock = {QStringLiteral("GPU clock"), QStringLiteral("MHz"), {}};
    for (const QString& rail : st.railNames) {
        s.powerRails.push_back({QStringLiteral("power %1").arg(rail), QStringLiteral("W"), {}});
    }
    const std::vector<LivePlatformSample> samples =
        d.samples.since(from, [](const LivePlatformSample& p) { return p.t; });
    for (const LivePlatformSample& p : samples) {
        if (!std::isnan(p.totalW)) {
            s.powerTotal.points.append(QPointF(p.t, p.totalW));
        }
        for (size_t r = 0; r < p.railsW.size() && r < s.powerRails.size(); ++r) {
            if (!std::isnan(p.railsW[r])) {
                s.powerRails[r].points.append(QPointF(p.t, p.railsW[r]));
            }
        }
        if (!std::isnan(p.cpuMHz)) {
            s.cpuClock.points.append(QPointF(p.t, p.cpuMHz));
        }
        if (!std::isnan(p.gpuMHz)) {
            s.gpuClock.points.append(QPointF(p.t, p.gpuMHz));
        }
    }
    // Every frame and sample is in the series; the charts get at most kMaxSeriesPoints of
    // each, min/max per column, so that no spike is lost to the thinning.
    for (LiveSeries* series : {&s.latency, &s.latencyTarget, &s.accuracy, &s.level, &s.powerTotal,
                               &s.cpuClock, &s.gpuClock})
        series->points = decimateMinMax(series->points, kMaxSeriesPoints);
    for (LiveSeries& rail : s.powerRails)
        rail.points = decimateMinMax(rail.points, kMaxSeriesPoints);
    s.powerW = lastSample.totalW;
    s.decisions = d.decisions.all();
    return s;
}

}  // namespace dofa
