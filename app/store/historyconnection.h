#pragma once

#include "store/historystore.h"

#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <functional>
#include <map>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcHistory)

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

// The SQLite connection of one HistoryStore: opening the file (private permissions, WAL, the schema's migrations),
// the fall-back to memory, transactions with their retries, and the cache of prepared statements. Used on the
// store's worker thread only: Qt SQL connections must stay in the thread that made them.
class HistoryConnection final {
    Q_DISABLE_COPY_MOVE(HistoryConnection)

public:
    enum class OnBusy { Keep, Degrade };
    using Body = std::function<bool(QSqlError* error, WriteResult& result)>;
    using DegradedCallback = std::function<void(const QString& reason)>;

    HistoryConnection(
        const HistoryOptions& options, std::shared_ptr<HistoryShared> shared, DegradedCallback onDegraded);
    ~HistoryConnection();

    // Opens (creating and migrating) the file, or falls back to memory; false only when not even that worked.
    bool open();
    void close(); // for good: the statements, caches and the connection go
    bool isClosed() const { return m_closed; }
    bool isValid() const { return m_db.isValid(); }
    bool inMemory() const { return m_inMemory; }
    QSqlDatabase& db() { return m_db; }
    const HistoryOptions& options() const { return m_options; }
    qint64 now() const; // the options' clock

    // Runs body in one transaction (BEGIN IMMEDIATE); durable ones are synced to disk. A busy file is retried;
    // a file that fails for good (and a busy one, with OnBusy::Degrade) gives way to memory, and body runs there.
    WriteResult transact(bool durable, OnBusy onBusy, const Body& body);
    // A statement prepared once per connection; nullptr (and error) when it cannot be prepared.
    QSqlQuery* prepared(const QString& sql, QSqlError* error);
    // Says why a read failed, and gives up on a file that is gone bad. Returns false.
    bool readFailed(const QSqlError& error, QString* message);
    QString describe(const QSqlError& error) const; // the cause, the path and SQLite's words

    // Caches that hold for this connection only: a fall-back to memory clears them.
    QHash<QString, qint64>& keyIds() { return m_keyIds; }
    QSet<qint64>& markedMinutes() { return m_markedMinutes; } // known to be in rollups_pending already

private:
    bool openFile(QString* reason);
    bool degrade(const QString& reason);
    void closeDb();
    bool runOnce(bool durable, const Body& body, WriteResult& result, QSqlError* error);

    HistoryOptions m_options;
    std::shared_ptr<HistoryShared> m_shared;
    DegradedCallback m_onDegraded;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_inMemory = false;
    bool m_closed = false;
    QHash<QString, qint64> m_keyIds;
    QSet<qint64> m_markedMinutes;
    std::map<QString, QSqlQuery> m_queries; // node-based: pointers stay valid as statements are added
};

} // namespace hd
