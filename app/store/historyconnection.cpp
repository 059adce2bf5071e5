#include "historyconnection.h"

#include "store/historyschema.h"
#include "store/historysql.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QVariant>

Q_LOGGING_CATEGORY(lcHistory, "healthdeck.history")

namespace hd {

using namespace historysql;

namespace {

constexpr int busyRetries = 2; // each attempt already waits busyTimeoutMs for the lock

// SQLite primary result codes (sqlite3.h); Qt reports the extended code, the low byte is the primary one.
enum SqliteCode {
    Perm = 3,
    Busy = 5,
    Locked = 6,
    ReadOnly = 8,
    IoErr = 10,
    Corrupt = 11,
    Full = 13,
    CantOpen = 14,
    NotADb = 26,
};
constexpr int readOnlyDirectory = ReadOnly | (6 << 8);

int nativeCode(const QSqlError& error)
{
    return error.nativeErrorCode().toInt();
}

enum class Failure { Busy, Fatal, Other };

Failure classify(const QSqlError& error)
{
    switch (nativeCode(error) & 0xff) {
    case Busy:
    case Locked:
        return Failure::Busy;
    case Perm:
    case ReadOnly:
    case IoErr:
    case Corrupt:
    case Full:
    case CantOpen:
    case NotADb:
        return Failure::Fatal;
    default:
        return Failure::Other;
    }
}

constexpr QFileDevice::Permissions ownerOnlyFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions ownerOnlyDir = ownerOnlyFile | QFileDevice::ExeOwner;

// The history holds the admin audit trail and internal services' responses, and healthdeck runs on shared jump
// hosts: its folder is 0700 and its files 0600 whatever the umask. A folder healthdeck did not create (a
// --history file in /tmp, say) keeps its permissions, unless it is the default one. The WAL and shared-memory
// files take the database file's permissions from SQLite, so creating the file first covers them too.
bool preparePrivateFile(const QString& path, QString* reason)
{
    const QFileInfo info(path);
    const QString dir = info.absolutePath();
    const bool ours = !QFileInfo::exists(dir) || dir == QFileInfo(HistoryStore::defaultPath()).absolutePath();
    if (!QFileInfo::exists(dir) && !(QDir().mkpath(QFileInfo(dir).absolutePath()) && QDir().mkdir(dir, ownerOnlyDir))) {
        *reason = QStringLiteral("cannot create the directory for the history file: %1").arg(path);
        return false;
    }
    if (ours)
        QFile::setPermissions(dir, ownerOnlyDir);
    QFile file(path);
    // NewOnly: another process that created it first wins the race, and that is fine.
    if (!info.exists() && !file.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnlyFile)
        && !QFileInfo::exists(path)) {
        *reason = QStringLiteral("cannot open the history file: cannot create %1 (%2)").arg(path, file.errorString());
        return false;
    }
    file.close();
    for (const QString& f : { path, QString(path + u"-wal"), QString(path + u"-shm") }) {
        if (QFileInfo::exists(f)
            && (QFile::permissions(f) & ~(ownerOnlyFile | QFileDevice::ReadUser | QFileDevice::WriteUser)))
            QFile::setPermissions(f, ownerOnlyFile); // not our file to change: SQLite then says why it cannot open
    }
    return true;
}

} // namespace

HistoryConnection::HistoryConnection(
    const HistoryOptions& options, std::shared_ptr<HistoryShared> shared, DegradedCallback onDegraded)
    : m_options(options)
    , m_shared(std::move(shared))
    , m_onDegraded(std::move(onDegraded))
    , m_connectionName(QStringLiteral("healthdeck-history-%1").arg(quintptr(this), 0, 16))
{
}

HistoryConnection::~HistoryConnection()
{
    closeDb();
}

qint64 HistoryConnection::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentMSecsSinceEpoch();
}

bool HistoryConnection::open()
{
    QString reason;
    return openFile(&reason) || degrade(reason);
}

void HistoryConnection::close()
{
    m_closed = true;
    closeDb();
}

bool HistoryConnection::openFile(QString* reason)
{
    const QFileInfo info(m_options.path);
    if (info.isDir()) {
        *reason = QStringLiteral("history path is a directory: %1").arg(m_options.path);
        return false;
    }
    if (!preparePrivateFile(m_options.path, reason))
        return false;
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_options.path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_options.busyTimeoutMs));
    if (!m_db.open()) {
        *reason = describe(m_db.lastError());
        closeDb();
        return false;
    }
    const auto fail = [&](const QString& why) {
        *reason = why;
        closeDb();
        return false;
    };
    QSqlError error;
    bool wal = false;
    {
        QSqlQuery q(m_db);
        const auto step = [&](const QString& sql) {
            if (!error.isValid() && !q.exec(sql))
                error = q.lastError();
            return !error.isValid();
        };
        if (m_options.maxPageCount > 0)
            step(QStringLiteral("PRAGMA max_page_count = %1").arg(m_options.maxPageCount));
        // Incremental vacuum lets a sweep hand pages back. It can only be chosen for a new, empty file, before WAL
        // mode writes the first page; on an existing file even a no-op change rewrites the header.
        if (step(QStringLiteral("PRAGMA page_count")) && q.next() && q.value(0).toLongLong() == 0)
            step(QStringLiteral("PRAGMA auto_vacuum = INCREMENTAL"));
        if (step(QStringLiteral("PRAGMA journal_mode = WAL")))
            wal = q.next() && q.value(0).toString().compare(u"wal", Qt::CaseInsensitive) == 0;
        step(QStringLiteral("PRAGMA synchronous = NORMAL"));
    }
    if (error.isValid())
        return fail(describe(error));
    if (!wal) // e.g. a file on a file system without shared memory
        return fail(QStringLiteral("cannot switch the history file to WAL mode: %1").arg(m_options.path));

    const auto migrated = historyschema::migrate(m_db);
    using S = historyschema::MigrateResult::Status;
    switch (migrated.status) {
    case S::Ok:
        break;
    case S::NewerSchema:
        return fail(QStringLiteral("history file has schema version %1, newer than version %2 that this healthdeck "
                                   "understands; it was left untouched (use a newer healthdeck or another --history "
                                   "file): %3")
                        .arg(migrated.fromVersion)
                        .arg(historyschema::latestVersion())
                        .arg(m_options.path));
    case S::ForeignDatabase:
        return fail(QStringLiteral("file is an SQLite database but not a healthdeck history; it was left untouched: %1")
                        .arg(m_options.path));
    case S::Failed:
        return fail(describe(migrated.error));
    }

    // A read-only file opens and reads fine; only a write tells.
    const WriteResult probe = [&] {
        WriteResult r;
        QSqlError e;
        if (!runOnce(
                false,
                [&](QSqlError* err, WriteResult&) {
                    QSqlQuery q(m_db);
                    return run(q,
                        QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_opened_ms', ?)"),
                        { now() }, err);
                },
                r, &e)) {
            r.error = describe(e);
            return r;
        }
        r.ok = true;
        return r;
    }();
    if (!probe.ok)
        return fail(probe.error);
    m_inMemory = false;
    return true;
}

QString HistoryConnection::describe(const QSqlError& error) const
{
    QString cause;
    const int code = nativeCode(error);
    switch (code & 0xff) {
    case ReadOnly:
        cause = code == readOnlyDirectory ? QStringLiteral("the directory of the history file is read-only")
                                          : QStringLiteral("history file is read-only");
        break;
    case Perm:
        cause = QStringLiteral("no permission to write the history file");
        break;
    case Full:
        cause = QStringLiteral("history file is full (disk full or its size cap reached)");
        break;
    case Corrupt:
    case NotADb:
        cause = QStringLiteral("history file is corrupt or not an SQLite database");
        break;
    case CantOpen:
        cause = QStringLiteral("cannot open the history file");
        break;
    case IoErr:
        cause = QStringLiteral("I/O error on the history file");
        break;
    case Busy:
    case Locked:
        cause = QStringLiteral("history file is locked by another process");
        break;
    default:
        cause = QStringLiteral("history file error");
        break;
    }
    const QString where = m_inMemory ? QStringLiteral("(in memory)") : m_options.path;
    return QStringLiteral("%1: %2 (%3)")
        .arg(cause, where, error.databaseText().isEmpty() ? error.text() : error.databaseText());
}

bool HistoryConnection::degrade(const QString& reason)
{
    closeDb();
    m_inMemory = true;
    const QString message = reason + QStringLiteral("; history is kept in memory until healthdeck exits");
    qCWarning(lcHistory).noquote() << message;
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName + QStringLiteral("-memory"));
    m_db.setDatabaseName(QStringLiteral(":memory:"));
    const bool ok = m_db.open() && historyschema::migrate(m_db).status == historyschema::MigrateResult::Status::Ok;
    if (!ok)
        qCCritical(lcHistory) << "cannot create the in-memory history either:" << m_db.lastError().text();
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->degraded = true;
        m_shared->reason = message;
    }
    if (m_onDegraded)
        m_onDegraded(message);
    return ok;
}

void HistoryConnection::closeDb()
{
    m_queries.clear();
    m_keyIds.clear();
    m_markedMinutes.clear();
    if (!m_db.isValid())
        return;
    const QString name = m_db.connectionName();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(name);
}

QSqlQuery* HistoryConnection::prepared(const QString& sql, QSqlError* error)
{
    auto it = m_queries.find(sql);
    if (it == m_queries.end()) {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.prepare(sql)) {
            *error = q.lastError();
            return nullptr;
        }
        it = m_queries.emplace(sql, std::move(q)).first;
    }
    return &it->second;
}

bool HistoryConnection::runOnce(bool durable, const Body& body, WriteResult& result, QSqlError* error)
{
    // Events must survive a power cut, samples only a crash: FULL for the one transaction, NORMAL otherwise.
    const bool sync = durable && !m_inMemory;
    QSqlQuery q(m_db);
    if (sync && !q.exec(QStringLiteral("PRAGMA synchronous = FULL"))) {
        *error = q.lastError();
        return false;
    }
    bool ok = q.exec(QStringLiteral("BEGIN IMMEDIATE"));
    if (!ok) {
        *error = q.lastError();
    } else if (!body(error, result) || !q.exec(QStringLiteral("COMMIT"))) {
        if (!error->isValid())
            *error = q.lastError();
        ok = false;
        q.exec(QStringLiteral("ROLLBACK")); // fails harmlessly when SQLite already rolled back
    }
    if (sync)
        q.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    return ok;
}

WriteResult HistoryConnection::transact(bool durable, OnBusy onBusy, const Body& body)
{
    for (int attempt = 0;; ++attempt) {
        if (!m_db.isValid()) {
            WriteResult r;
            r.error = QStringLiteral("history store is not open");
            return r;
        }
        WriteResult r;
        QSqlError error;
        if (runOnce(durable, body, r, &error)) {
            r.ok = true;
            r.persisted = !m_inMemory;
            return r;
        }
        const Failure failure = classify(error);
        if (failure == Failure::Busy && attempt < busyRetries)
            continue;
        const bool giveUpOnFile = failure == Failure::Fatal || (failure == Failure::Busy && onBusy == OnBusy::Degrade);
        if (giveUpOnFile && !m_inMemory) {
            // Whatever we were writing goes to memory instead of being dropped.
            if (degrade(describe(error)))
                continue;
        }
        r = WriteResult {};
        r.error = describe(error);
        return r;
    }
}

bool HistoryConnection::readFailed(const QSqlError& error, QString* message)
{
    const QString text = describe(error);
    if (message)
        *message = text;
    if (classify(error) == Failure::Fatal && !m_inMemory)
        degrade(text);
    return false;
}

} // namespace hd
