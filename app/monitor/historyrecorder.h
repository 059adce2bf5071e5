#pragma once

#include "store/historystore.h"

#include <QObject>

namespace hd {

class MonitorEngine;

// Records what an engine sees into a history store: each state change as an event, committed (and synced)
// before eventCommitted() announces it, and each fresh result as a latency sample, batched by the store.
// `healthdeck monitor` prints its JSON lines from eventCommitted(), so a kill -9 loses nothing it printed.
// Every few seconds it also hands the engine the acknowledgements the history holds, so that one given in
// another healthdeck (a dashboard, `healthdeck ack`) is honoured here too. That read is asynchronous: the engine's
// thread never waits for SQLite.
class HistoryRecorder final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryRecorder)
public:
    HistoryRecorder(MonitorEngine* engine, HistoryStore* store, QObject* parent = nullptr);

    // State changes handed to the store and not yet committed.
    int outstanding() const { return m_outstanding; }

Q_SIGNALS:
    void eventCommitted(const hd::StateEvent& event, const hd::WriteResult& result);

private:
    // Asks the store for its acknowledgements without waiting; the answer is applied when it comes.
    void syncAcknowledgements();
    void applyAcknowledgements(const QList<Ack>& stored);

    MonitorEngine* m_engine;
    HistoryStore* m_store;
    int m_outstanding = 0;
    quint64 m_ackRequest = 0; // the read in flight, 0: none
};

} // namespace hd
