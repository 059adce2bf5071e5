#pragma once

#include <Qt>

namespace hd {

// Item-data roles shared by every healthdeck model, so that views, delegates
// and sort proxies agree on where the raw values live.
enum StatusRole {
    StatusRole = Qt::UserRole + 1, // hd::Status as int
    SortRole,                      // raw value for sorting (numbers, not strings)
    LatencyRole,                   // double, milliseconds
    SparklineRole,                 // QList<QPointF>: recent latency samples
    OverlaysRole,                  // QStringList: pending, impacted, off-hours, ...
    CheckKeyRole,                  // QString "service/check[/item]"
};

} // namespace hd
