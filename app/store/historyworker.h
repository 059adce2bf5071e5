#pragma once

#include "store/historyconnection.h"
#include "store/historyqueries.h"
#include "store/historyretention.h"
#include "store/historyrollups.h"
#include "store/historywriter.h"

#include <QObject>
#include <memory>

class QTimer;

namespace hd {

// The SQLite side of one HistoryStore. It lives on the store's worker thread and every method is called there:
// Qt SQL connections must stay in the thread that made them. It owns the connection and the classes that work on
// it (writer, rollups, retention, queries), and runs the timers: the sample flush with its rollups, and the sweep.
class HistoryWorker final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryWorker)

public:
    HistoryWorker(const HistoryStore::Options& options, std::shared_ptr<HistoryShared> shared);
    ~HistoryWorker() override;

    bool open(); // false only when not even the in-memory fallback could be made
    void close(); // commits queued samples and brings the rollups up to date first

    HistoryWriter& writer() { return m_writer; }
    HistoryQueries& queries() { return m_queries; }

    void flushSamples() { m_writer.flushSamples(); }
    void updateRollups(bool all) { m_rollups.updateRollups(all); }
    SweepStats sweep() { return m_retention.sweep(); } // to completion
    void startSweep(); // in bounded batches, letting other work in between

Q_SIGNALS:
    void degraded(const QString& reason);
    void swept(const hd::SweepStats& stats);

private:
    void tick();
    void continueSweep();

    std::shared_ptr<HistoryShared> m_shared;
    HistoryConnection m_conn;
    HistoryWriter m_writer;
    HistoryRollups m_rollups;
    HistoryRetention m_retention;
    HistoryQueries m_queries;
    QTimer* m_flushTimer = nullptr;
    QTimer* m_sweepTimer = nullptr;
    bool m_sweeping = false;
    SweepStats m_sweepStats;
};

} // namespace hd
