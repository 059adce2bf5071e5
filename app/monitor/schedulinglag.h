#pragma once

#include <QMetaType>
#include <QtGlobal>
#include <vector>

namespace hd {

// How late probes started against their schedule, in whole milliseconds.
struct SchedulingLag {
    qint64 starts = 0;
    qint64 p50Ms = 0;
    qint64 p99Ms = 0;
    qint64 maxMs = 0;
};

// Starts by lateness in whole ms, 0 to 10 s and one bucket for later: the engine adds each probe's start, and
// reads the percentiles of all of them or of those since it last asked.
class LagHistogram final {
public:
    void add(qint64 lateMs);
    SchedulingLag total() const;
    // The starts since the previous call only (the first call: since the start); total() is left as it is.
    SchedulingLag takeRecent();
    void reset();

private:
    std::vector<qint64> m_counts;
    std::vector<qint64> m_taken; // m_counts at the last takeRecent()
};

} // namespace hd

Q_DECLARE_METATYPE(hd::SchedulingLag)
