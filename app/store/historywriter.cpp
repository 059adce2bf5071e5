#include "historywriter.h"

#include "store/historysql.h"
#include "store/redact.h"

#include <QJsonDocument>
#include <QMutexLocker>
#include <QVariant>

namespace hd {

using namespace historysql;

namespace {

constexpr qint64 minuteMs = 60'000;
constexpr int maxPendingBatches = 20; // samples kept across failed flushes, in units of flushRows

} // namespace

HistoryWriter::HistoryWriter(HistoryConnection& connection, std::shared_ptr<HistoryShared> shared)
    : m_conn(connection)
    , m_shared(std::move(shared))
{
}

WriteResult HistoryWriter::writeEvents(QList<StateEvent>& events)
{
    QList<qint64> ids;
    WriteResult r = m_conn.transact(
        true, HistoryConnection::OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
            ids.clear();
            QSqlQuery* q
                = m_conn.prepared(QStringLiteral("INSERT INTO events (time_ms, check_key, service, check_name, item,"
                                                 " from_status, to_status, severity, detail, impacted_by, flapping)"
                                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    error);
            if (!q)
                return false;
            for (const StateEvent& e : std::as_const(events)) {
                if (!execBound(q,
                        { e.timeMs, e.checkKey(), text(e.service), text(e.check), text(e.item), statusName(e.from),
                            statusName(e.to), severityName(e.severity), text(e.detail),
                            e.impactedBy.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(e.impactedBy),
                            int(e.flapping) },
                        error))
                    return false;
                ids << q->lastInsertId().toLongLong();
            }
            result.rowsAffected = int(ids.size());
            result.rowId = ids.isEmpty() ? 0 : ids.constLast();
            return true;
        });
    if (r.ok) {
        for (qsizetype i = 0; i < events.size(); ++i)
            events[i].id = ids.at(i);
    }
    return r;
}

WriteResult HistoryWriter::addAck(const Ack& ack)
{
    return m_conn.transact(true, HistoryConnection::OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q,
                QStringLiteral("INSERT INTO acks (check_key, author, comment, created_ms, expires_ms, cleared_ms,"
                               " cleared_reason) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                { text(ack.checkKey), text(ack.author), text(ack.comment),
                    ack.createdMs > 0 ? ack.createdMs : m_conn.now(), nullIfZero(ack.expiresMs),
                    nullIfZero(ack.clearedMs),
                    ack.clearedMs > 0 ? QVariant(ack.clearedReason) : QVariant(QMetaType::fromType<QString>()) },
                error))
            return false;
        result.rowId = q.lastInsertId().toLongLong();
        result.rowsAffected = 1;
        return true;
    });
}

WriteResult HistoryWriter::clearAcks(const QString& checkKey, qint64 atMs, const QString& reason)
{
    return m_conn.transact(true, HistoryConnection::OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q,
                QStringLiteral(
                    "UPDATE acks SET cleared_ms = ?, cleared_reason = ? WHERE check_key = ? AND cleared_ms IS NULL"),
                { atMs > 0 ? atMs : m_conn.now(), text(reason), text(checkKey) }, error))
            return false;
        result.rowsAffected = q.numRowsAffected();
        return true;
    });
}

WriteResult HistoryWriter::addSilence(const Silence& s)
{
    return m_conn.transact(true, HistoryConnection::OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q,
                QStringLiteral("INSERT INTO silences (target_kind, target, author, comment, start_ms, end_ms, weekly,"
                               " timezone, cancelled_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                { silenceTargetName(s.targetKind), text(s.target), text(s.author), text(s.comment), s.startMs,
                    nullIfZero(s.endMs), text(s.weekly), text(QString::fromUtf8(s.timezone)),
                    nullIfZero(s.cancelledMs) },
                error))
            return false;
        result.rowId = q.lastInsertId().toLongLong();
        result.rowsAffected = 1;
        return true;
    });
}

WriteResult HistoryWriter::cancelSilence(qint64 id, qint64 atMs)
{
    return m_conn.transact(true, HistoryConnection::OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q, QStringLiteral("UPDATE silences SET cancelled_ms = ? WHERE id = ? AND cancelled_ms IS NULL"),
                { atMs > 0 ? atMs : m_conn.now(), id }, error))
            return false;
        result.rowId = id;
        result.rowsAffected = q.numRowsAffected();
        return true;
    });
}

WriteResult HistoryWriter::appendAudit(const AuditEntry& entry)
{
    // The caller redacts already; this pass makes sure no credential reaches the file or its WAL regardless.
    const QByteArray params = QJsonDocument(redactSecrets(entry.params)).toJson(QJsonDocument::Compact);
    const QString message = redactSecretsInText(entry.message);
    return m_conn.transact(true, HistoryConnection::OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q,
                QStringLiteral("INSERT INTO audit (time_ms, os_user, service, action, params, http_status, result,"
                               " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                { entry.timeMs > 0 ? entry.timeMs : m_conn.now(), text(entry.osUser), text(entry.service),
                    text(entry.action), QString::fromUtf8(params),
                    entry.httpStatus > 0 ? QVariant(entry.httpStatus) : QVariant(QMetaType::fromType<int>()),
                    text(entry.result), text(message) },
                error))
            return false;
        result.rowId = q.lastInsertId().toLongLong();
        result.rowsAffected = 1;
        return true;
    });
}

WriteResult HistoryWriter::acquireLease(const QString& name, const QString& holder, qint64 ttlMs)
{
    // Taken when free, expired or already ours; the write lock of BEGIN IMMEDIATE makes the test-and-set atomic
    // across processes. A busy file keeps the file (no fallback to memory): the lease is then simply not held.
    const qint64 at = m_conn.now();
    WriteResult r = m_conn.transact(false, HistoryConnection::OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q,
                QStringLiteral("INSERT INTO leases (name, holder, expires_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO"
                               " UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms"
                               " WHERE leases.holder = excluded.holder OR leases.expires_ms <= ?"),
                { text(name), text(holder), at + ttlMs, at }, error))
            return false;
        result.rowsAffected = q.numRowsAffected();
        if (result.rowsAffected == 0) {
            QSqlQuery who(m_conn.db());
            if (run(who, QStringLiteral("SELECT holder, expires_ms FROM leases WHERE name = ?"), { text(name) }, error)
                && who.next())
                result.error = who.value(0).toString();
        }
        return true;
    });
    return r;
}

WriteResult HistoryWriter::releaseLease(const QString& name, const QString& holder)
{
    return m_conn.transact(false, HistoryConnection::OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_conn.db());
        if (!run(q, QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"), { text(name), text(holder) },
                error))
            return false;
        result.rowsAffected = q.numRowsAffected();
        return true;
    });
}

qint64 HistoryWriter::keyId(const QString& key, QHash<QString, qint64>& fresh, QSqlError* error)
{
    if (const auto it = m_conn.keyIds().constFind(key); it != m_conn.keyIds().cend())
        return *it;
    if (const auto it = fresh.constFind(key); it != fresh.cend())
        return *it;
    QSqlQuery* insert = m_conn.prepared(QStringLiteral("INSERT OR IGNORE INTO check_keys (key) VALUES (?)"), error);
    QSqlQuery* select
        = insert ? m_conn.prepared(QStringLiteral("SELECT id FROM check_keys WHERE key = ?"), error) : nullptr;
    if (!select || !execBound(insert, { text(key) }, error) || !execBound(select, { key }, error))
        return -1;
    const qint64 id = select->next() ? select->value(0).toLongLong() : -1;
    select->finish();
    fresh.insert(key, id);
    return id;
}

// All checks of one minute in one scan: samples are stored in time order.
bool HistoryWriter::insertSamples(
    const QList<Sample>& batch, QHash<QString, qint64>& fresh, QSet<qint64>& newMinutes, QSqlError* error)
{
    fresh.clear();
    newMinutes.clear();
    QSqlQuery* insert = m_conn.prepared(
        QStringLiteral("INSERT OR REPLACE INTO samples (time_ms, check_id, status, latency_us) VALUES (?, ?, ?, ?)"),
        error);
    QSqlQuery* mark = insert
        ? m_conn.prepared(
            QStringLiteral("INSERT OR IGNORE INTO rollups_pending (kind, bucket_ms) VALUES (0, ?)"), error)
        : nullptr;
    if (!mark)
        return false;
    for (const Sample& s : batch) {
        const qint64 id = keyId(s.checkKey, fresh, error);
        if (id < 0)
            return false;
        if (!execBound(
                insert, { s.timeMs, id, statusCode(s.status), qRound64(qMax(0.0, s.latencyMs) * 1000.0) }, error))
            return false;
        // Rollups are not computed here: the minute is marked once and computed by updateRollups() when it is over.
        const qint64 minute = s.timeMs - s.timeMs % minuteMs;
        if (!m_conn.markedMinutes().contains(minute) && !newMinutes.contains(minute)) {
            newMinutes.insert(minute);
            if (!execBound(mark, { minute }, error))
                return false;
        }
    }
    return true;
}

void HistoryWriter::flushSamples()
{
    QList<Sample> batch;
    {
        QMutexLocker lock(&m_shared->mutex);
        batch.swap(m_shared->pending);
        m_shared->flushPosted = false;
    }
    if (batch.isEmpty() || m_conn.isClosed())
        return;
    QHash<QString, qint64> fresh;
    QSet<qint64> newMinutes;
    const WriteResult r
        = m_conn.transact(false, HistoryConnection::OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
              result.rowsAffected = int(batch.size());
              return insertSamples(batch, fresh, newMinutes, error);
          });
    if (r.ok) {
        m_conn.keyIds().insert(fresh);
        m_conn.markedMinutes().unite(newMinutes);
        return;
    }
    // Kept for the next flush; only a long outage drops the oldest samples, and says so.
    qCWarning(lcHistory).noquote() << "could not write" << batch.size() << "samples, retrying:" << r.error;
    QMutexLocker lock(&m_shared->mutex);
    batch += m_shared->pending;
    const qsizetype cap = qsizetype(qMax(1, m_conn.options().flushRows)) * maxPendingBatches;
    if (batch.size() > cap) {
        qCWarning(lcHistory) << "dropping" << batch.size() - cap << "oldest samples after repeated write failures";
        batch.remove(0, batch.size() - cap);
    }
    m_shared->pending = std::move(batch);
}

} // namespace hd
