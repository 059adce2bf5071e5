#include "latencysketch.h"

#include <cmath>

namespace hd {

namespace {

constexpr double gamma = 1.02;

int bucketOf(double latencyMs)
{
    const double us = std::round(latencyMs * 1000.0);
    return us < 1.0 ? -1 : int(std::floor(std::log(us) / std::log(gamma)));
}

double midpointMs(int bucket)
{
    return bucket < 0 ? 0.0 : std::pow(gamma, bucket + 0.5) / 1000.0;
}

void putVarint(QByteArray& out, quint64 v)
{
    do {
        const auto byte = quint8(v & 0x7f);
        v >>= 7;
        out.append(char(v ? byte | 0x80 : byte));
    } while (v);
}

bool getVarint(const QByteArray& in, qsizetype& pos, quint64* v)
{
    *v = 0;
    for (int shift = 0; pos < in.size() && shift < 64; shift += 7) {
        const auto byte = quint8(in.at(pos++));
        *v |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

} // namespace

void LatencySketch::add(double latencyMs, qint64 count)
{
    if (count <= 0)
        return;
    m_buckets[bucketOf(latencyMs)] += count;
    m_count += count;
}

void LatencySketch::merge(const LatencySketch& other)
{
    for (const auto& [bucket, n] : other.m_buckets)
        m_buckets[bucket] += n;
    m_count += other.m_count;
}

double LatencySketch::percentile(double p) const
{
    if (m_count == 0)
        return 0;
    const auto rank = qMax<qint64>(1, qint64(std::ceil(p / 100.0 * double(m_count))));
    qint64 seen = 0;
    for (const auto& [bucket, n] : m_buckets) {
        seen += n;
        if (seen >= rank)
            return midpointMs(bucket);
    }
    return midpointMs(m_buckets.rbegin()->first);
}

// Buckets in ascending order as varint pairs: (index - previous index, count), the first index offset by one.
QByteArray LatencySketch::encode() const
{
    QByteArray out;
    int previous = -2;
    for (const auto& [bucket, n] : m_buckets) {
        putVarint(out, quint64(bucket - previous));
        putVarint(out, quint64(n));
        previous = bucket;
    }
    return out;
}

LatencySketch LatencySketch::decode(const QByteArray& bytes)
{
    LatencySketch sketch;
    qsizetype pos = 0;
    qint64 bucket = -2;
    while (pos < bytes.size()) {
        quint64 delta = 0;
        quint64 n = 0;
        if (!getVarint(bytes, pos, &delta) || !getVarint(bytes, pos, &n) || delta == 0 || delta > 100'000
            || n > quint64(1) << 40)
            return {};
        bucket += qint64(delta);
        sketch.m_buckets[int(bucket)] += qint64(n);
        sketch.m_count += qint64(n);
    }
    return sketch;
}

} // namespace hd
