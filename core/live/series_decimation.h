// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPointF>

namespace dofa {

/// A time series cut down for drawing without losing what matters to the eye: the time span is
/// split into `maxPoints / 4` equal columns, and each column keeps its first, lowest, highest
/// and last point, in time order (min/max per column, as ground-station and oscilloscope
/// software draw telemetry). A one-frame latency spike survives however many frames share its
/// column, unlike keeping every k-th point, which at 30 fps over 60 s drops half the frames.
/// Points must be in ascending x. A series of at most `maxPoints` points comes back as it is.
QList<QPointF> decimateMinMax(const QList<QPointF>& points, int maxPoints);

}  // namespace dofa
