#pragma once

#include <Qt>

namespace hd {

// Item-data roles shared by every healthdeck model, so that views, delegates
// and sort proxies agree on where the raw values live.
enum ItemRole {
    StatusRole = Qt::UserRole + 1, // hd::Status as int
    SortRole, // raw value for sorting (numbers, not strings)
    LatencyRole, // double, milliseconds
    SparklineRole, // QList<QPointF>: (ms since epoch, latency ms), oldest first; NaN = failed result
    OverlaysRole, // QStringList: pending, impacted, off-hours, acknowledged, silenced, flapping
    CheckKeyRole, // QString "service/check[/item]"
    NodeKindRole, // MatrixModel::NodeKind as int
    AttentionRole, // int, lower first: root causes are 0 while something fails
    ConfigOrderRole, // int: position in the config file
    ImpactedByRole, // QString: the root cause that takes this row down, empty when none
    ServiceRole, // QString: the service a row belongs to
    TimelineKindRole, // TimelineEntry::Kind as int (history rows)
    TimeRole, // qint64 ms since the epoch, UTC (history rows)
    SourceRole, // QString: where a row comes from when it is not healthdeck's own probe ("Alertmanager")
    RootCauseRole, // bool: a service (or a check of one) the engine decided is a root cause (RowState::rootCause)
};

} // namespace hd
