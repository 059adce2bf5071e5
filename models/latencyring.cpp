#include "latencyring.h"

#include <limits>

namespace hd {

LatencyRing::LatencyRing(int capacity)
    : m_samples(size_t(qMax(1, capacity)))
{
}

void LatencyRing::add(qint64 timeMs, double latencyMs, bool failed)
{
    m_samples[size_t(m_next)] = QPointF(double(timeMs), failed ? std::numeric_limits<double>::quiet_NaN() : latencyMs);
    m_next = (m_next + 1) % capacity();
    m_size = qMin(m_size + 1, capacity());
}

void LatencyRing::clear()
{
    m_next = 0;
    m_size = 0;
}

QList<QPointF> LatencyRing::points() const
{
    QList<QPointF> out;
    out.reserve(m_size);
    const int start = (m_next - m_size + capacity()) % capacity();
    for (int i = 0; i < m_size; ++i)
        out << m_samples[size_t((start + i) % capacity())];
    return out;
}

} // namespace hd
