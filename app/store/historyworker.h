#pragma once

#include "historystore.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace hd {

// State the store reads from any thread while the worker changes it.
struct HistoryShared {
    mutable QMutex mutex;
    QList<Sample> pending; // samples not yet handed to SQLite
    bool flushPosted = false;
    bool open = false;
    bool degraded = false;
    QString reason;
};

// Owns the SQLite connection of one HistoryStore. It lives on the store's worker thread and every method is
// called there: Qt SQL connections must stay in the thread that made them.
class HistoryWorker final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryWorker)

public:
    HistoryWorker(const HistoryStore::Options& options, std::shared_ptr<HistoryShared> shared);
    ~HistoryWorker() override;

    bool open(); // false only when not even the in-memory fallback could be made
    void close();

    WriteResult writeEvents(QList<StateEvent>& events); // sets the ids
    WriteResult addAck(const Ack& ack);
    WriteResult clearAcks(const QString& checkKey, qint64 atMs, const QString& reason);
    WriteResult addSilence(const Silence& silence);
    WriteResult cancelSilence(qint64 id, qint64 atMs);
    WriteResult appendAudit(const AuditEntry& entry);
    WriteResult acquireLease(const QString& name, const QString& holder, qint64 ttlMs);
    WriteResult releaseLease(const QString& name, const QString& holder);

    void flushSamples();
    // Computes the rollups of finished minutes and hours (all: of every touched one, the current ones included).
    // Without all, it stops after a few tens of milliseconds so that events never wait long; the next tick goes on.
    void updateRollups(bool all);
    SweepStats sweep(); // to completion
    void startSweep(); // in bounded batches, letting other work in between

    QList<StateEvent> events(const EventQuery& query, QString* error);
    qint64 eventCount(const EventQuery& query, QString* error);
    QList<Sample> samples(const SampleQuery& query, QString* error);
    QList<Rollup> rollups(const RollupQuery& query, QString* error);
    QList<Ack> acks(const AckQuery& query, QString* error);
    QList<Silence> silences(const SilenceQuery& query, QString* error);
    QList<AuditEntry> audit(const AuditQuery& query, QString* error);

Q_SIGNALS:
    void degraded(const QString& reason);
    void swept(const hd::SweepStats& stats);

private:
    enum class OnBusy { Keep, Degrade };
    using Body = std::function<bool(QSqlError* error, WriteResult& result)>;

    qint64 now() const;
    bool openFile(QString* reason);
    bool degrade(const QString& reason);
    void closeDb();
    QString describe(const QSqlError& error) const;
    WriteResult transact(bool durable, OnBusy onBusy, const Body& body);
    bool runOnce(bool durable, const Body& body, WriteResult& result, QSqlError* error);
    QSqlQuery* prepared(const QString& sql, QSqlError* error);
    bool readFailed(const QSqlError& error, QString* message);
    qint64 keyId(const QString& key, QHash<QString, qint64>& fresh, QSqlError* error);
    bool insertSamples(
        const QList<Sample>& batch, QHash<QString, qint64>& fresh, QSet<qint64>& newMinutes, QSqlError* error);
    void tick();
    bool computeMinute(qint64 bucketMs, QSqlError* error);
    bool computeHour(qint64 bucketMs, QSqlError* error);
    bool sweepStep(SweepStats& stats);
    void continueSweep();
    void vacuumIfWorthIt();

    HistoryStore::Options m_options;
    std::shared_ptr<HistoryShared> m_shared;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_inMemory = false;
    bool m_closed = false;
    QHash<QString, qint64> m_keyIds;
    QSet<qint64> m_markedMinutes; // known to be in rollups_pending already: saves a write per sample
    std::map<QString, QSqlQuery> m_queries; // node-based: pointers stay valid as statements are added
    QTimer* m_flushTimer = nullptr;
    QTimer* m_sweepTimer = nullptr;
    bool m_sweeping = false;
    SweepStats m_sweepStats;
};

} // namespace hd
