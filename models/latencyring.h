#pragma once

#include <QList>
#include <QPointF>
#include <vector>

namespace hd {

// The recent latencies of one check, for its sparkline. Bounded: once full, the
// oldest sample goes before a new one comes in, so memory stays flat however
// long the dashboard runs.
class LatencyRing final {
public:
    explicit LatencyRing(int capacity = 60);

    // failed results carry no meaningful latency; they are kept as NaN.
    void add(qint64 timeMs, double latencyMs, bool failed);
    void clear();

    int size() const { return m_size; }
    int capacity() const { return int(m_samples.size()); }
    // Oldest first.
    QList<QPointF> points() const;

private:
    std::vector<QPointF> m_samples;
    int m_next = 0; // where the next sample goes
    int m_size = 0;
};

} // namespace hd
