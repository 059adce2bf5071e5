#include "historyretention.h"

#include "store/historysql.h"

#include <QVariant>

namespace hd {

using namespace historysql;

HistoryRetention::HistoryRetention(HistoryConnection& connection)
    : m_conn(connection)
{
}

bool HistoryRetention::sweepStep(SweepStats& stats)
{
    const qint64 t = m_conn.now();
    const int batch = qMax(1, m_conn.options().sweepBatchRows);
    const HistoryConfig& keep = m_conn.options().retention;
    bool more = false;

    const auto deleteBatch = [&](qint64 retentionMs, const QString& sql, qint64& counter) {
        if (retentionMs <= 0)
            return;
        const qint64 cutoff = t - retentionMs;
        const WriteResult r
            = m_conn.transact(false, HistoryConnection::OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
                  QSqlQuery q(m_conn.db());
                  if (!run(q, sql, { cutoff, batch }, error))
                      return false;
                  result.rowsAffected = q.numRowsAffected();
                  return true;
              });
        if (!r.ok) {
            qCWarning(lcHistory).noquote() << "retention sweep:" << r.error;
            return;
        }
        counter += r.rowsAffected;
        more = more || r.rowsAffected >= batch;
    };

    deleteBatch(keep.rawSamplesMs,
        QStringLiteral("DELETE FROM samples WHERE (time_ms, check_id) IN"
                       " (SELECT time_ms, check_id FROM samples WHERE time_ms < ? ORDER BY time_ms LIMIT ?)"),
        stats.samples);
    deleteBatch(keep.minuteRollupsMs,
        QStringLiteral("DELETE FROM rollups_minute WHERE (check_id, bucket_ms) IN"
                       " (SELECT check_id, bucket_ms FROM rollups_minute WHERE bucket_ms < ? LIMIT ?)"),
        stats.minuteRollups);
    deleteBatch(keep.hourRollupsMs,
        QStringLiteral("DELETE FROM rollups_hour WHERE (check_id, bucket_ms) IN"
                       " (SELECT check_id, bucket_ms FROM rollups_hour WHERE bucket_ms < ? LIMIT ?)"),
        stats.hourRollups);
    deleteBatch(keep.eventsMs,
        QStringLiteral(
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time_ms < ? ORDER BY time_ms LIMIT ?)"),
        stats.events);
    // The audit log, ended acks and ended silences are kept as long as the events they explain.
    deleteBatch(keep.eventsMs,
        QStringLiteral(
            "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE time_ms < ? ORDER BY time_ms LIMIT ?)"),
        stats.audit);
    deleteBatch(keep.eventsMs,
        QStringLiteral(
            "DELETE FROM acks WHERE id IN (SELECT id FROM acks WHERE COALESCE(cleared_ms, expires_ms) < ? LIMIT ?)"),
        stats.acks);
    deleteBatch(keep.eventsMs,
        QStringLiteral("DELETE FROM silences WHERE id IN"
                       " (SELECT id FROM silences WHERE COALESCE(cancelled_ms, end_ms) < ? LIMIT ?)"),
        stats.silences);
    return more;
}

void HistoryRetention::vacuumIfWorthIt()
{
    if (m_conn.inMemory() || !m_conn.isValid())
        return;
    // Freed pages are reused by new rows anyway; hand them back only when a large share of the file is free.
    QSqlQuery q(m_conn.db());
    QSqlError error;
    if (!run(q, QStringLiteral("PRAGMA freelist_count"), {}, &error) || !q.next())
        return;
    const qint64 freePages = q.value(0).toLongLong();
    q.finish();
    if (!run(q, QStringLiteral("PRAGMA page_count"), {}, &error) || !q.next())
        return;
    const qint64 pages = q.value(0).toLongLong();
    q.finish();
    if (freePages > 256 && freePages * 4 > pages && run(q, QStringLiteral("PRAGMA incremental_vacuum"), {}, &error)) {
        while (q.next()) { } // incremental_vacuum works one page per step
    }
}

SweepStats HistoryRetention::sweep()
{
    SweepStats stats;
    if (!m_conn.isValid())
        return stats;
    while (sweepStep(stats)) { }
    vacuumIfWorthIt();
    return stats;
}

} // namespace hd
