#include "historyrollups.h"

#include "store/historysql.h"
#include "store/latencysketch.h"

#include <QElapsedTimer>
#include <QVariant>
#include <algorithm>
#include <limits>

namespace hd {

using namespace historysql;

namespace {

constexpr qint64 minuteMs = 60'000;
constexpr qint64 hourMs = 3'600'000;
constexpr qint64 rollupGraceMs = 10'000; // how late a sample may still arrive for its bucket
constexpr qint64 rollupBudgetMs = 50; // rollup work per tick, so events never wait long behind it

} // namespace

HistoryRollups::HistoryRollups(HistoryConnection& connection)
    : m_conn(connection)
{
}

void HistoryRollups::updateRollups(bool all)
{
    if (!m_conn.isValid() || m_conn.isClosed())
        return;
    // A bucket counts as over a little after its end, so that samples still in a queue make it in.
    const qint64 t = m_conn.now() - rollupGraceMs;
    const auto isOver = [t](int kind, qint64 bucketMs) { return bucketMs + (kind == 1 ? hourMs : minuteMs) <= t; };
    QElapsedTimer spent;
    spent.start();
    // Minutes first: computing one marks its hour.
    for (int kind : { 0, 1 }) {
        QList<qint64> todo;
        {
            QSqlQuery q(m_conn.db());
            QSqlError error;
            const qint64 before = all ? std::numeric_limits<qint64>::max() : t - (kind == 1 ? hourMs : minuteMs);
            if (!run(q,
                    QStringLiteral("SELECT bucket_ms FROM rollups_pending WHERE kind = ? AND bucket_ms <= ?"
                                   " ORDER BY bucket_ms"),
                    { kind, before }, &error)) {
                QString message;
                m_conn.readFailed(error, &message);
                qCWarning(lcHistory).noquote() << "cannot update rollups:" << message;
                return;
            }
            while (q.next())
                todo << q.value(0).toLongLong();
        }
        for (qint64 bucket : std::as_const(todo)) {
            if (!all && spent.elapsed() > rollupBudgetMs)
                return; // the next tick goes on from here
            const WriteResult r
                = m_conn.transact(false, HistoryConnection::OnBusy::Keep, [&](QSqlError* error, WriteResult&) {
                      if (!(kind == 1 ? computeHour(bucket, error) : computeMinute(bucket, error)))
                          return false;
                      // A bucket still running stays marked, to be computed again when it is over.
                      QSqlQuery* done = m_conn.prepared(
                          QStringLiteral("DELETE FROM rollups_pending WHERE kind = ? AND bucket_ms = ?"), error);
                      return done && (!isOver(kind, bucket) || execBound(done, { kind, bucket }, error));
                  });
            if (!r.ok) {
                qCWarning(lcHistory).noquote() << "cannot update rollups:" << r.error;
                return;
            }
        }
    }
    // Forget finished minutes, so that a late sample marks its minute again.
    m_conn.markedMinutes().removeIf([&](qint64 minute) { return isOver(0, minute); });
}

bool HistoryRollups::computeMinute(qint64 bucketMs, QSqlError* error)
{
    struct Acc {
        QList<double> latencies;
        int failures = 0;
    };
    QHash<qint64, Acc> byCheck;
    QSqlQuery* select = m_conn.prepared(
        QStringLiteral("SELECT check_id, status, latency_us FROM samples WHERE time_ms >= ? AND time_ms < ?"), error);
    if (!select || !execBound(select, { bucketMs, bucketMs + minuteMs }, error))
        return false;
    while (select->next()) {
        Acc& acc = byCheck[select->value(0).toLongLong()];
        acc.failures += countsAsFailure(statusFromCode(select->value(1).toInt())) ? 1 : 0;
        acc.latencies << select->value(2).toLongLong() / 1000.0;
    }
    select->finish();
    QSqlQuery* upsert = m_conn.prepared(
        QStringLiteral("INSERT OR REPLACE INTO rollups_minute VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"), error);
    QSqlQuery* markHour = upsert
        ? m_conn.prepared(
            QStringLiteral("INSERT OR IGNORE INTO rollups_pending (kind, bucket_ms) VALUES (1, ?)"), error)
        : nullptr;
    if (!markHour)
        return false;
    for (auto it = byCheck.cbegin(); it != byCheck.cend(); ++it) {
        LatencySketch sketch;
        for (double ms : it->latencies)
            sketch.add(ms);
        const Rollup r = summarizeLatencies(it->latencies, it->failures);
        if (!execBound(upsert,
                { it.key(), bucketMs, r.count, r.failures, r.minMs, r.p50Ms, r.p95Ms, r.maxMs, sketch.encode() },
                error))
            return false;
    }
    // With no samples left (retention) the minute keeps the rollup it had.
    return byCheck.isEmpty() || execBound(markHour, { bucketMs - bucketMs % hourMs }, error);
}

// Hours are merged from their minutes: exact counts and extremes, percentiles from the sketches.
// One check at a time, its minutes read through the primary key, so that only one merged sketch is in memory
// however many checks there are. Merging every check's sketch at once held 64 bytes per distinct latency bucket
// of each check (25 to 113 MiB at 5,000 checks in bench/rollup_memory), and glibc kept that memory after the job.
bool HistoryRollups::computeHour(qint64 bucketMs, QSqlError* error)
{
    QSqlQuery* checks = m_conn.prepared(
        QStringLiteral("SELECT DISTINCT check_id FROM rollups_minute WHERE bucket_ms >= ? AND bucket_ms < ?"), error);
    if (!checks || !execBound(checks, { bucketMs, bucketMs + hourMs }, error))
        return false;
    QList<qint64> ids;
    while (checks->next())
        ids << checks->value(0).toLongLong();
    checks->finish();
    QSqlQuery* select
        = m_conn.prepared(QStringLiteral("SELECT count, failures, min_ms, max_ms, sketch FROM rollups_minute"
                                         " WHERE check_id = ? AND bucket_ms >= ? AND bucket_ms < ?"),
            error);
    QSqlQuery* upsert = select
        ? m_conn.prepared(QStringLiteral("INSERT OR REPLACE INTO rollups_hour VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), error)
        : nullptr;
    if (!upsert)
        return false;
    for (qint64 id : std::as_const(ids)) {
        if (!execBound(select, { id, bucketMs, bucketMs + hourMs }, error))
            return false;
        Rollup r;
        LatencySketch sketch;
        bool any = false;
        while (select->next()) {
            const int count = select->value(0).toInt();
            const double min = select->value(2).toDouble();
            const double max = select->value(3).toDouble();
            r.minMs = r.count == 0 ? min : qMin(r.minMs, min);
            r.maxMs = r.count == 0 ? max : qMax(r.maxMs, max);
            r.count += count;
            r.failures += select->value(1).toInt();
            sketch.merge(LatencySketch::decode(select->value(4).toByteArray()));
            any = true;
        }
        select->finish();
        if (!any)
            continue; // cannot happen inside the transaction; an hour is never written empty
        const auto clamp = [&](double v) { return std::clamp(v, r.minMs, r.maxMs); };
        if (!execBound(upsert,
                { id, bucketMs, r.count, r.failures, r.minMs, clamp(sketch.percentile(50)),
                    clamp(sketch.percentile(95)), r.maxMs },
                error))
            return false;
    }
    return true;
}

} // namespace hd
