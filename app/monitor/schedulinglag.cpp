#include "schedulinglag.h"

#include <algorithm>

namespace hd {

namespace {

constexpr size_t kBuckets = 10'001; // 0..10,000 ms, then later

// Percentiles of a histogram of starts by lateness in ms.
SchedulingLag lagOf(const std::vector<qint64>& counts)
{
    SchedulingLag lag;
    for (const qint64 count : counts)
        lag.starts += count;
    if (lag.starts == 0)
        return lag;
    qint64 seen = 0;
    bool p50 = false;
    bool p99 = false;
    for (size_t ms = 0; ms < counts.size(); ++ms) {
        if (counts[ms] == 0)
            continue;
        seen += counts[ms];
        if (!p50 && seen * 2 >= lag.starts) {
            lag.p50Ms = qint64(ms);
            p50 = true;
        }
        if (!p99 && seen * 100 >= lag.starts * 99) {
            lag.p99Ms = qint64(ms);
            p99 = true;
        }
        lag.maxMs = qint64(ms);
    }
    return lag;
}

} // namespace

void LagHistogram::add(qint64 lateMs)
{
    if (m_counts.size() != kBuckets)
        m_counts.assign(kBuckets, 0);
    ++m_counts[size_t(qBound<qint64>(0, lateMs, qint64(kBuckets) - 1))];
}

SchedulingLag LagHistogram::total() const
{
    return lagOf(m_counts);
}

SchedulingLag LagHistogram::takeRecent()
{
    std::vector<qint64> recent = m_counts;
    for (size_t i = 0; i < recent.size() && i < m_taken.size(); ++i)
        recent[i] = qMax<qint64>(0, recent[i] - m_taken[i]); // a reset in between leaves fewer, never less than 0
    m_taken = m_counts;
    return lagOf(recent);
}

void LagHistogram::reset()
{
    std::fill(m_counts.begin(), m_counts.end(), 0);
}

} // namespace hd
