#pragma once

#include "store/historyconnection.h"
#include "store/historysql.h"

namespace hd {

// The history's reads, one select and one row mapper per kind of row (historysql::select). A read that fails
// says why in *error (when given) and returns nothing; a file gone bad makes the connection fall back to memory.
// Runs on the store's worker thread, on its HistoryConnection.
class HistoryQueries final {
    Q_DISABLE_COPY_MOVE(HistoryQueries)

public:
    explicit HistoryQueries(HistoryConnection& connection);

    QList<StateEvent> events(const EventQuery& query, QString* error);
    qint64 eventCount(const EventQuery& query, QString* error); // -1 when the read failed
    QList<Sample> samples(const SampleQuery& query, QString* error);
    QList<Rollup> rollups(const RollupQuery& query, QString* error);
    QList<Ack> acks(const AckQuery& query, QString* error);
    QList<Silence> silences(const SilenceQuery& query, QString* error);
    QList<AuditEntry> audit(const AuditQuery& query, QString* error);

private:
    template <class T>
    QList<T> read(
        const QString& sql, const historysql::Binds& binds, const historysql::RowMapper<T>& map, QString* error);

    HistoryConnection& m_conn;
};

} // namespace hd
