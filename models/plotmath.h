#pragma once

#include <QList>
#include <QPointF>

namespace hd {

// A linear map from a domain (time, latency) onto pixels and back. A range of
// zero width maps everything to the middle of the pixel range instead of
// dividing by zero. Used by the sparkline delegate and the charts.
struct LinearScale {
    double domainMin = 0;
    double domainMax = 1;
    double pixelMin = 0;
    double pixelMax = 1;

    double map(double value) const;
    double invert(double pixel) const;
    friend bool operator==(const LinearScale&, const LinearScale&) = default;
};

// Reduces points sorted by x to at most about 2 * buckets points: for each of
// `buckets` equal slices of the x range it keeps the lowest and the highest
// point, in x order, so that spikes survive. The first and the last point are
// always kept. NaN y values are dropped. Input at or under the budget is
// returned unchanged (minus NaNs).
QList<QPointF> downsampleMinMax(const QList<QPointF>& points, int buckets);

// Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps `threshold` points
// that preserve the visual shape; for smooth lines where min/max looks jagged.
QList<QPointF> downsampleLttb(const QList<QPointF>& points, int threshold);

} // namespace hd
