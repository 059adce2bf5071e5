#pragma once

#include "store/historyconnection.h"

namespace hd {

// The latency rollups: minutes computed from their samples once they are over, hours merged from their minutes'
// sketches. Runs on the store's worker thread, on its HistoryConnection.
class HistoryRollups final {
    Q_DISABLE_COPY_MOVE(HistoryRollups)

public:
    explicit HistoryRollups(HistoryConnection& connection);

    // Computes the rollups of finished minutes and hours (all: of every touched one, the current ones included).
    // Without all, it stops after a few tens of milliseconds so that events never wait long; the next tick goes on.
    void updateRollups(bool all);

private:
    bool computeMinute(qint64 bucketMs, QSqlError* error);
    bool computeHour(qint64 bucketMs, QSqlError* error);

    HistoryConnection& m_conn;
};

} // namespace hd
