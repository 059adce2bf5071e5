#pragma once

#include "store/historyconnection.h"

namespace hd {

// The retention sweep: deletes what is older than HistoryOptions::retention says, in bounded batches, and hands
// free pages back when a large share of the file is free. Runs on the store's worker thread, on its
// HistoryConnection.
class HistoryRetention final {
    Q_DISABLE_COPY_MOVE(HistoryRetention)

public:
    explicit HistoryRetention(HistoryConnection& connection);

    // One batch of every kind of row; true when there is more to delete.
    bool sweepStep(SweepStats& stats);
    void vacuumIfWorthIt();
    SweepStats sweep(); // to completion

private:
    HistoryConnection& m_conn;
};

} // namespace hd
