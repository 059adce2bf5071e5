#pragma once

#include "store/historyconnection.h"

#include <QHash>
#include <QSet>
#include <memory>

namespace hd {

// The history's writes: events, acknowledgements, silences, the audit log and leases, each committed in its own
// transaction, and the queued samples in batches. Runs on the store's worker thread, on its HistoryConnection.
class HistoryWriter final {
    Q_DISABLE_COPY_MOVE(HistoryWriter)

public:
    HistoryWriter(HistoryConnection& connection, std::shared_ptr<HistoryShared> shared);

    WriteResult writeEvents(QList<StateEvent>& events); // sets the ids
    WriteResult addAck(const Ack& ack);
    WriteResult clearAcks(const QString& checkKey, qint64 atMs, const QString& reason);
    WriteResult addSilence(const Silence& silence);
    WriteResult cancelSilence(qint64 id, qint64 atMs);
    WriteResult appendAudit(const AuditEntry& entry);
    WriteResult acquireLease(const QString& name, const QString& holder, qint64 ttlMs);
    WriteResult releaseLease(const QString& name, const QString& holder);

    // Commits the samples queued in HistoryShared and marks their minutes for the rollups. A batch that fails is
    // kept for the next flush; only a long outage drops the oldest samples.
    void flushSamples();

private:
    qint64 keyId(const QString& key, QHash<QString, qint64>& fresh, QSqlError* error);
    bool insertSamples(
        const QList<Sample>& batch, QHash<QString, qint64>& fresh, QSet<qint64>& newMinutes, QSqlError* error);

    HistoryConnection& m_conn;
    std::shared_ptr<HistoryShared> m_shared;
};

} // namespace hd
