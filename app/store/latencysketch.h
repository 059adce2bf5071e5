#pragma once

#include <QByteArray>
#include <map>

namespace hd {

// A mergeable latency histogram with log-spaced buckets, 2 % apart, so a percentile read from it is within about
// 1 % of the exact one. Minute rollups carry one, so that hour rollups are merged from them instead of reading an
// hour of raw samples of every check again.
class LatencySketch final {
public:
    void add(double latencyMs, qint64 count = 1);
    void merge(const LatencySketch& other);
    qint64 count() const { return m_count; }
    // Nearest rank over the bucket midpoints; 0 when empty. Callers clamp it into the exact [min, max].
    double percentile(double p) const;

    QByteArray encode() const;
    static LatencySketch decode(const QByteArray& bytes); // empty when the bytes are malformed

private:
    std::map<int, qint64> m_buckets; // bucket index -> count; index -1 holds zero latencies
    qint64 m_count = 0;
};

} // namespace hd
