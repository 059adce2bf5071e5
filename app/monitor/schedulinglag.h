#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace hd {

// How late probes started against their schedule, in whole milliseconds.
struct SchedulingLag {
    qint64 starts = 0;
    qint64 p50Ms = 0;
    qint64 p99Ms = 0;
    qint64 maxMs = 0;
};

} // namespace hd

Q_DECLARE_METATYPE(hd::SchedulingLag)
