#include "plotmath.h"

#include <cmath>

namespace hd {

double LinearScale::map(double value) const
{
    const double span = domainMax - domainMin;
    if (span == 0 || !std::isfinite(span))
        return (pixelMin + pixelMax) / 2;
    return pixelMin + (value - domainMin) / span * (pixelMax - pixelMin);
}

double LinearScale::invert(double pixel) const
{
    const double span = pixelMax - pixelMin;
    if (span == 0 || !std::isfinite(span))
        return (domainMin + domainMax) / 2;
    return domainMin + (pixel - pixelMin) / span * (domainMax - domainMin);
}

namespace {

QList<QPointF> withoutNan(const QList<QPointF>& points)
{
    QList<QPointF> out;
    out.reserve(points.size());
    for (const QPointF& p : points) {
        if (!std::isnan(p.y()))
            out << p;
    }
    return out;
}

} // namespace

QList<QPointF> downsampleMinMax(const QList<QPointF>& input, int buckets)
{
    const QList<QPointF> points = withoutNan(input);
    if (buckets < 1 || points.size() <= 2 * qsizetype(buckets) + 2)
        return points;
    const double x0 = points.first().x();
    const double x1 = points.last().x();
    const double width = x1 - x0;
    QList<QPointF> out;
    out.reserve(2 * buckets + 2);
    out << points.first();

    qsizetype minIdx = -1, maxIdx = -1;
    int current = -1;
    const auto flush = [&] {
        if (minIdx < 0)
            return;
        const qsizetype a = qMin(minIdx, maxIdx), b = qMax(minIdx, maxIdx);
        out << points.at(a);
        if (b != a)
            out << points.at(b);
    };
    const qsizetype last = points.size() - 1;
    for (qsizetype i = 1; i < last; ++i) {
        const QPointF& p = points.at(i);
        int bucket = width > 0 ? int((p.x() - x0) / width * buckets) : 0;
        bucket = qBound(0, bucket, buckets - 1);
        if (bucket != current) {
            flush();
            current = bucket;
            minIdx = maxIdx = i;
            continue;
        }
        if (p.y() < points.at(minIdx).y())
            minIdx = i;
        if (p.y() > points.at(maxIdx).y())
            maxIdx = i;
    }
    flush();
    out << points.last();
    return out;
}

QList<QPointF> downsampleLttb(const QList<QPointF>& input, int threshold)
{
    const QList<QPointF> points = withoutNan(input);
    const qsizetype n = points.size();
    if (threshold < 3 || n <= threshold)
        return points;
    QList<QPointF> out;
    out.reserve(threshold);
    const double every = double(n - 2) / (threshold - 2);
    qsizetype a = 0;
    out << points.first();
    for (int i = 0; i < threshold - 2; ++i) {
        // The average of the next bucket is the third corner of the triangle.
        qsizetype avgStart = qsizetype(std::floor((i + 1) * every)) + 1;
        qsizetype avgEnd = qMin(qsizetype(std::floor((i + 2) * every)) + 1, n);
        double avgX = 0, avgY = 0;
        for (qsizetype j = avgStart; j < avgEnd; ++j) {
            avgX += points.at(j).x();
            avgY += points.at(j).y();
        }
        const qsizetype avgCount = qMax<qsizetype>(1, avgEnd - avgStart);
        avgX /= double(avgCount);
        avgY /= double(avgCount);

        const qsizetype start = qsizetype(std::floor(i * every)) + 1;
        const qsizetype end = qsizetype(std::floor((i + 1) * every)) + 1;
        const QPointF& pa = points.at(a);
        double bestArea = -1;
        qsizetype best = start;
        for (qsizetype j = start; j < end && j < n; ++j) {
            const QPointF& p = points.at(j);
            const double area = std::abs((pa.x() - avgX) * (p.y() - pa.y()) - (pa.x() - p.x()) * (avgY - pa.y()));
            if (area > bestArea) {
                bestArea = area;
                best = j;
            }
        }
        out << points.at(best);
        a = best;
    }
    out << points.last();
    return out;
}

} // namespace hd
