#pragma once

#include "core/status.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace hd {

// Every time in the history store is milliseconds since the epoch, UTC.

// One state change of one check, after thresholds (docs/contract.md §5).
struct StateEvent {
    qint64 id = 0; // row id, set once committed
    qint64 timeMs = 0;
    QString service;
    QString check;
    QString item; // sub-check or key found by a pattern; empty for the check itself
    Status from = Status::Starting;
    Status to = Status::Starting;
    Severity severity = Severity::Critical;
    QString detail;
    QString impactedBy; // empty: not impacted
    bool flapping = false;

    QString checkKey() const; // "service/check" or "service/check/item"
    friend bool operator==(const StateEvent&, const StateEvent&) = default;
};

// One probe result reduced to what the charts need.
struct Sample {
    qint64 timeMs = 0;
    QString checkKey;
    Status status = Status::Ok;
    double latencyMs = 0;
    friend bool operator==(const Sample&, const Sample&) = default;
};

// Down, stale and unknown count as failures in rollups; ok, degraded and starting do not.
bool countsAsFailure(Status status);

enum class RollupGranularity { Minute, Hour };

// Latency statistics of one bucket; percentiles use the nearest-rank method.
struct Rollup {
    QString checkKey;
    qint64 bucketMs = 0; // start of the minute or hour
    int count = 0;
    int failures = 0;
    double minMs = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double maxMs = 0;
    friend bool operator==(const Rollup&, const Rollup&) = default;
};

// Summarises latencies (any order) with `failures` of them failed; checkKey and bucketMs are left empty.
Rollup summarizeLatencies(QList<double> latencies, int failures);

struct Ack {
    qint64 id = 0;
    QString checkKey;
    QString author;
    QString comment;
    qint64 createdMs = 0;
    qint64 expiresMs = 0; // 0: sticky until the check recovers
    qint64 clearedMs = 0; // 0: not cleared
    QString clearedReason; // "recovered", "removed", ...

    bool isActive(qint64 atMs) const;
    friend bool operator==(const Ack&, const Ack&) = default;
};

struct Silence {
    enum class Target { Service, Group, Tag };
    qint64 id = 0;
    Target targetKind = Target::Service;
    QString target;
    QString author;
    QString comment;
    qint64 startMs = 0;
    qint64 endMs = 0; // 0: open-ended
    QString weekly; // "Sat 22:00-23:30" in `timezone`; empty: once, from start to end
    QByteArray timezone; // IANA id for `weekly`
    qint64 cancelledMs = 0; // 0: not cancelled

    // Not cancelled and not over at atMs. Whether a weekly window is open right now is the engine's call.
    bool isInForce(qint64 atMs) const;
    friend bool operator==(const Silence&, const Silence&) = default;
};

QString silenceTargetName(Silence::Target target);
std::optional<Silence::Target> silenceTargetFromName(QStringView name);

// One admin action attempt. Secrets in params and message are redacted on write.
struct AuditEntry {
    qint64 id = 0;
    qint64 timeMs = 0;
    QString osUser;
    QString service;
    QString action;
    QJsonObject params;
    int httpStatus = 0; // 0: no HTTP response (refused, timeout, not sent)
    QString result; // "success", "failure", "unknown", "refused", ...
    QString message;
    friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// Keyset position: the last row of the previous page.
struct EventCursor {
    qint64 timeMs = 0;
    qint64 id = 0;
};

struct EventQuery {
    qint64 fromMs = 0; // inclusive; 0: no lower bound
    qint64 toMs = 0; // exclusive; 0: no upper bound
    QStringList services; // empty: all
    QStringList checkKeys; // "service/check[/item]"; empty: all
    QList<Status> statuses; // the status changed to; empty: all
    QList<Severity> severities;
    QString text; // case-insensitive substring of service, check, item, detail or impacted_by
    bool oldestFirst = false; // default: newest first
    std::optional<EventCursor> after; // rows strictly after this one in the chosen order
    int offset = 0;
    int limit = 500; // 0: no limit
};

// Raw samples are stored in time order, so this scans the time range across all checks: keep ranges short
// (a chart of the last 15 min or hour) and use rollups beyond that.
struct SampleQuery {
    QString checkKey;
    qint64 fromMs = 0; // inclusive
    qint64 toMs = 0; // exclusive; 0: no upper bound
    int limit = 0; // 0: no limit; oldest first
};

struct RollupQuery {
    RollupGranularity granularity = RollupGranularity::Minute;
    QStringList checkKeys; // empty: all
    qint64 fromMs = 0; // bucket start, inclusive
    qint64 toMs = 0; // exclusive; 0: no upper bound
};

struct AckQuery {
    QString checkKey; // empty: all
    bool activeOnly = true; // uncleared and unexpired at atMs
    qint64 atMs = 0; // 0: the store's clock
    int limit = 0; // 0: no limit; newest first
};

struct SilenceQuery {
    bool inForceOnly = true; // not cancelled and not over at atMs
    qint64 atMs = 0; // 0: the store's clock
    int limit = 0; // newest first
};

struct AuditQuery {
    QString service; // empty: all
    qint64 fromMs = 0;
    qint64 toMs = 0; // exclusive; 0: no upper bound
    int offset = 0;
    int limit = 500; // 0: no limit; newest first
};

struct WriteResult {
    quint64 requestId = 0;
    bool ok = false;
    bool persisted = false; // false while the store runs in memory after a failure
    qint64 rowId = 0; // the new row (the last one of a batch)
    int rowsAffected = 0;
    QString error;
};

struct SweepStats {
    qint64 samples = 0;
    qint64 minuteRollups = 0;
    qint64 hourRollups = 0;
    qint64 events = 0;
    qint64 audit = 0;
    qint64 acks = 0;
    qint64 silences = 0;
    qint64 total() const { return samples + minuteRollups + hourRollups + events + audit + acks + silences; }
};

} // namespace hd

Q_DECLARE_METATYPE(hd::StateEvent)
Q_DECLARE_METATYPE(hd::WriteResult)
Q_DECLARE_METATYPE(hd::SweepStats)
