#include "historyqueries.h"

#include <QJsonDocument>
#include <QVariant>

namespace hd {

using namespace historysql;

namespace {

Where eventWhere(const EventQuery& q, bool withCursor)
{
    Where w;
    if (q.fromMs > 0)
        w.add(QStringLiteral("time_ms >= ?"), { q.fromMs });
    if (q.toMs > 0)
        w.add(QStringLiteral("time_ms < ?"), { q.toMs });
    w.addIn(QStringLiteral("service"), q.services, [](const QString& s) { return QVariant(s); });
    w.addIn(QStringLiteral("check_key"), q.checkKeys, [](const QString& s) { return QVariant(s); });
    w.addIn(QStringLiteral("to_status"), q.statuses, [](Status s) { return QVariant(statusName(s)); });
    w.addIn(QStringLiteral("severity"), q.severities, [](Severity s) { return QVariant(severityName(s)); });
    if (!q.text.isEmpty()) {
        const QString p = likePattern(q.text);
        w.add(QStringLiteral("(service LIKE ? ESCAPE '\\' OR check_name LIKE ? ESCAPE '\\' OR item LIKE ? ESCAPE '\\'"
                             " OR detail LIKE ? ESCAPE '\\' OR COALESCE(impacted_by, '') LIKE ? ESCAPE '\\')"),
            { p, p, p, p, p });
    }
    if (withCursor && q.after) {
        w.add(q.oldestFirst ? QStringLiteral("(time_ms, id) > (?, ?)") : QStringLiteral("(time_ms, id) < (?, ?)"),
            { q.after->timeMs, q.after->id });
    }
    return w;
}

// Row mappers, one per kind of row; the column order is the one of the matching SELECT below.

std::optional<StateEvent> eventRow(const QSqlQuery& q)
{
    StateEvent ev;
    ev.id = q.value(0).toLongLong();
    ev.timeMs = q.value(1).toLongLong();
    ev.service = q.value(2).toString();
    ev.check = q.value(3).toString();
    ev.item = q.value(4).toString();
    ev.from = statusFromText(q.value(5).toString());
    ev.to = statusFromText(q.value(6).toString());
    ev.severity = severityFromName(q.value(7).toString()).value_or(Severity::Critical);
    ev.detail = q.value(8).toString();
    ev.impactedBy = q.value(9).toString();
    ev.flapping = q.value(10).toBool();
    return ev;
}

std::optional<qint64> countRow(const QSqlQuery& q)
{
    return q.value(0).toLongLong();
}

std::optional<Rollup> rollupRow(const QSqlQuery& q)
{
    return Rollup { q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toInt(), q.value(3).toInt(),
        q.value(4).toDouble(), q.value(5).toDouble(), q.value(6).toDouble(), q.value(7).toDouble() };
}

std::optional<Ack> ackRow(const QSqlQuery& q)
{
    return Ack { q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
        q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toLongLong(), q.value(7).toString() };
}

std::optional<Silence> silenceRow(const QSqlQuery& q)
{
    Silence s;
    s.id = q.value(0).toLongLong();
    s.targetKind = silenceTargetFromName(q.value(1).toString()).value_or(Silence::Target::Service);
    s.target = q.value(2).toString();
    s.author = q.value(3).toString();
    s.comment = q.value(4).toString();
    s.startMs = q.value(5).toLongLong();
    s.endMs = q.value(6).toLongLong();
    s.weekly = q.value(7).toString();
    s.timezone = q.value(8).toString().toUtf8();
    s.cancelledMs = q.value(9).toLongLong();
    return s;
}

std::optional<AuditEntry> auditRow(const QSqlQuery& q)
{
    AuditEntry a;
    a.id = q.value(0).toLongLong();
    a.timeMs = q.value(1).toLongLong();
    a.osUser = q.value(2).toString();
    a.service = q.value(3).toString();
    a.action = q.value(4).toString();
    a.params = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
    a.httpStatus = q.value(6).toInt();
    a.result = q.value(7).toString();
    a.message = q.value(8).toString();
    return a;
}

} // namespace

HistoryQueries::HistoryQueries(HistoryConnection& connection)
    : m_conn(connection)
{
}

template <class T>
QList<T> HistoryQueries::read(const QString& sql, const Binds& binds, const RowMapper<T>& map, QString* error)
{
    Selected<T> selected = select<T>(m_conn.db(), sql, binds, map);
    if (!selected.ok())
        m_conn.readFailed(selected.error, error);
    return std::move(selected.rows);
}

QList<StateEvent> HistoryQueries::events(const EventQuery& query, QString* error)
{
    const Where w = eventWhere(query, true);
    const QString order = query.oldestFirst ? QStringLiteral(" ORDER BY time_ms ASC, id ASC")
                                            : QStringLiteral(" ORDER BY time_ms DESC, id DESC");
    return read<StateEvent>(
        QStringLiteral("SELECT id, time_ms, service, check_name, item, from_status, to_status, severity, detail,"
                       " impacted_by, flapping FROM events")
            + w.sql() + order + limitSql(query.limit, query.offset),
        w.values, eventRow, error);
}

qint64 HistoryQueries::eventCount(const EventQuery& query, QString* error)
{
    const Where w = eventWhere(query, false);
    QString message;
    const QList<qint64> count
        = read<qint64>(QStringLiteral("SELECT count(*) FROM events") + w.sql(), w.values, countRow, &message);
    if (message.isEmpty() && count.isEmpty()) // count(*) always has its row
        m_conn.readFailed(unreadableRow(0, QStringLiteral("SELECT count(*) FROM events")), &message);
    if (error && !message.isEmpty())
        *error = message;
    return message.isEmpty() ? count.first() : -1;
}

QList<Sample> HistoryQueries::samples(const SampleQuery& query, QString* error)
{
    // Samples are in time order: the range is scanned across all checks and filtered, which SQLite does quickly.
    Where w;
    w.add(QStringLiteral("check_id = (SELECT id FROM check_keys WHERE key = ?)"), { query.checkKey });
    if (query.fromMs > 0)
        w.add(QStringLiteral("time_ms >= ?"), { query.fromMs });
    if (query.toMs > 0)
        w.add(QStringLiteral("time_ms < ?"), { query.toMs });
    const QString key = query.checkKey;
    return read<Sample>(
        QStringLiteral("SELECT time_ms, status, latency_us FROM samples") + w.sql()
            + QStringLiteral(" ORDER BY time_ms") + limitSql(query.limit, 0),
        w.values,
        [key](const QSqlQuery& q) -> std::optional<Sample> {
            return Sample { q.value(0).toLongLong(), key, statusFromCode(q.value(1).toInt()),
                q.value(2).toLongLong() / 1000.0 };
        },
        error);
}

QList<Rollup> HistoryQueries::rollups(const RollupQuery& query, QString* error)
{
    Where w;
    if (query.fromMs > 0)
        w.add(QStringLiteral("r.bucket_ms >= ?"), { query.fromMs });
    if (query.toMs > 0)
        w.add(QStringLiteral("r.bucket_ms < ?"), { query.toMs });
    w.addIn(QStringLiteral("k.key"), query.checkKeys, [](const QString& s) { return QVariant(s); });
    const QString table = query.granularity == RollupGranularity::Hour ? QStringLiteral("rollups_hour")
                                                                       : QStringLiteral("rollups_minute");
    return read<Rollup>(
        QStringLiteral("SELECT k.key, r.bucket_ms, r.count, r.failures, r.min_ms, r.p50_ms, r.p95_ms, r.max_ms FROM ")
            + table + QStringLiteral(" r JOIN check_keys k ON k.id = r.check_id") + w.sql()
            + QStringLiteral(" ORDER BY k.key, r.bucket_ms"),
        w.values, rollupRow, error);
}

QList<Ack> HistoryQueries::acks(const AckQuery& query, QString* error)
{
    const qint64 at = query.atMs > 0 ? query.atMs : m_conn.now();
    Where w;
    if (!query.checkKey.isEmpty())
        w.add(QStringLiteral("check_key = ?"), { query.checkKey });
    if (query.activeOnly)
        w.add(QStringLiteral("cleared_ms IS NULL AND created_ms <= ? AND (expires_ms IS NULL OR expires_ms > ?)"),
            { at, at });
    return read<Ack>(
        QStringLiteral("SELECT id, check_key, author, comment, created_ms, expires_ms, cleared_ms, cleared_reason"
                       " FROM acks")
            + w.sql() + QStringLiteral(" ORDER BY created_ms DESC, id DESC") + limitSql(query.limit, 0),
        w.values, ackRow, error);
}

QList<Silence> HistoryQueries::silences(const SilenceQuery& query, QString* error)
{
    const qint64 at = query.atMs > 0 ? query.atMs : m_conn.now();
    Where w;
    if (query.inForceOnly)
        w.add(QStringLiteral("(cancelled_ms IS NULL OR cancelled_ms > ?) AND (end_ms IS NULL OR end_ms > ?)"),
            { at, at });
    return read<Silence>(
        QStringLiteral("SELECT id, target_kind, target, author, comment, start_ms, end_ms, weekly, timezone,"
                       " cancelled_ms FROM silences")
            + w.sql() + QStringLiteral(" ORDER BY start_ms DESC, id DESC") + limitSql(query.limit, 0),
        w.values, silenceRow, error);
}

QList<AuditEntry> HistoryQueries::audit(const AuditQuery& query, QString* error)
{
    Where w;
    if (!query.service.isEmpty())
        w.add(QStringLiteral("service = ?"), { query.service });
    if (query.fromMs > 0)
        w.add(QStringLiteral("time_ms >= ?"), { query.fromMs });
    if (query.toMs > 0)
        w.add(QStringLiteral("time_ms < ?"), { query.toMs });
    return read<AuditEntry>(
        QStringLiteral("SELECT id, time_ms, os_user, service, action, params, http_status, result, message FROM audit")
            + w.sql() + QStringLiteral(" ORDER BY time_ms DESC, id DESC") + limitSql(query.limit, query.offset),
        w.values, auditRow, error);
}

} // namespace hd
