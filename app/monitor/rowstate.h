#pragma once

#include "core/rowkey.h"
#include "health/checkrows.h"
#include "store/historytypes.h"

#include <QDateTime>
#include <QMetaType>
#include <QStringList>

namespace hd {

// What the dashboard shows for one row of the matrix, after thresholds,
// dependencies, calendars, acknowledgements and silences.
struct RowState {
    QString key; // service/check[/item]
    QString service;
    QString group;
    QString check;
    QString item;
    QStringList tags;
    Severity severity = Severity::Critical;
    Status status = Status::Starting; // effective, after thresholds
    Status rawStatus = Status::Starting;
    bool counts = true; // false for sub-checks inside a body
    // overlays (docs/contract.md §3)
    bool pending = false;
    bool impacted = false;
    QString impactedBy;
    // The row's service is failing and no dependency (nor an inhibiting alert) explains it: a root cause. Decided
    // here, in the engine, once; the matrix, the banner and the notifications read it.
    bool rootCause = false;
    bool offHours = false;
    bool acknowledged = false;
    bool silenced = false;
    QString silenceReason;
    bool flapping = false;
    bool gated = false; // a liveness/readiness check waiting for its startup check
    double latencyMs = 0;
    QString detail;
    QDateTime lastResult; // UTC, invalid before the first result
    QDateTime since; // when the effective status last changed
    bool freshResult = false; // this batch carries a new probe result for the row
    CheckEvaluation evaluation;
    ProbeResult result;
};

// Whether someone has taken the row: an acknowledgement of healthdeck's own, or for an alert a silence in its
// Alertmanager. Removing it is what the dashboard's acknowledge button offers then.
inline bool isAcknowledged(const RowState& row)
{
    return row.acknowledged || (row.result.alert && !row.result.alert->silencedBy.isEmpty());
}

// One line of `healthdeck monitor` and one row of the events table.
struct StateChange {
    QDateTime time;
    QString service;
    QString check;
    QString item;
    QString group;
    Status from = Status::Starting;
    Status to = Status::Starting;
    Severity severity = Severity::Critical;
    QString detail;
    QString impactedBy; // empty: null
    bool flapping = false;
    bool acknowledged = false;
    bool silenced = false;
    QString key() const { return RowKey::make(service, check, item); }
    // The history's row for this change.
    StateEvent toEvent() const
    {
        StateEvent e;
        e.timeMs = time.toMSecsSinceEpoch();
        e.service = service;
        e.check = check;
        e.item = item;
        e.from = from;
        e.to = to;
        e.severity = severity;
        e.detail = detail;
        e.impactedBy = impactedBy;
        e.flapping = flapping;
        return e;
    }
};

} // namespace hd

Q_DECLARE_METATYPE(hd::RowState)
Q_DECLARE_METATYPE(hd::StateChange)
