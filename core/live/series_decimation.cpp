// SPDX-License-Identifier: MIT
#include "series_decimation.h"

#include <algorithm>
#include <array>

namespace dofa {

QList<QPointF> decimateMinMax(const QList<QPointF>& points, int maxPoints)
{
    if (points.size() <= maxPoints || maxPoints < 4)
        return points;
    const int columns = maxPoints / 4;
    const double x0 = points.front().x();
    const double span = points.back().x() - x0;
    QList<QPointF> out;
    out.reserve(maxPoints);
    qsizetype begin = 0;
    while (begin < points.size()) {
        // The column of `begin`, and the points that share it.
        const int column =
            span > 0
                ? std::min(columns - 1, static_cast<int>((points[begin].x() - x0) / span * columns))
                : columns - 1;
        qsizetype end = begin + 1, low = begin, high = begin;
        while (end < points.size()) {
            const int c = span > 0
                              ? std::min(columns - 1,
                                         static_cast<int>((points[end].x() - x0) / span * columns))
                              : columns - 1;
            if (c != column)
                break;
            if (points[end].y() < points[low].y())
                low = end;
            if (points[end].y() > points[high].y())
                high = end;
            ++end;
        }
        // First, lowest, highest, last: in index (time) order, each once.
        std::array<qsizetype, 4> keep{{begin, low, high, end - 1}};
        std::sort(keep.begin(), keep.end());
        for (size_t k = 0; k < keep.size(); ++k)
            if (k == 0 || keep[k] != keep[k - 1])
                out.append(points[keep[k]]);
        begin = end;
    }
    return out;
}

}  // namespace dofa
