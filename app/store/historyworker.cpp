#include "historyworker.h"

#include "store/historyschema.h"
#include "store/latencysketch.h"
#include "store/redact.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSet>
#include <QTimer>
#include <QVariant>
#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcHistory, "healthdeck.history")

namespace hd {

namespace {

constexpr qint64 minuteMs = 60'000;
constexpr qint64 hourMs = 3'600'000;
constexpr int busyRetries = 2; // each attempt already waits busyTimeoutMs for the lock
constexpr int maxPendingBatches = 20; // samples kept across failed flushes, in units of flushRows
constexpr qint64 rollupGraceMs = 10'000; // how late a sample may still arrive for its bucket
constexpr qint64 rollupBudgetMs = 50; // rollup work per tick, so events never wait long behind it

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

// Sample status codes are part of the file format; they must not follow the enum's order.
int statusCode(Status s)
{
    switch (s) {
    case Status::Ok:
        return 0;
    case Status::Starting:
        return 1;
    case Status::Degraded:
        return 2;
    case Status::Unknown:
        return 3;
    case Status::Stale:
        return 4;
    case Status::Down:
        return 5;
    }
    return 3;
}

Status statusFromCode(int code)
{
    static const Status byCode[]
        = { Status::Ok, Status::Starting, Status::Degraded, Status::Unknown, Status::Stale, Status::Down };
    return code >= 0 && code < 6 ? byCode[code] : Status::Unknown;
}

Status statusFromText(const QString& text)
{
    return statusFromName(text).value_or(Status::Unknown);
}

// A null QString would be bound as SQL NULL; text columns are NOT NULL.
QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QVariant nullIfZero(qint64 v)
{
    return v == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(v);
}

QString placeholders(qsizetype n)
{
    QString s;
    for (qsizetype i = 0; i < n; ++i)
        s += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    return s;
}

QString likePattern(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\"))
        .replace(u'%', QStringLiteral("\\%"))
        .replace(u'_', QStringLiteral("\\_"));
    return u'%' + escaped + u'%';
}

// A WHERE clause with its bound values, in order.
struct Where {
    QStringList clauses;
    QVariantList values;

    void add(const QString& clause, const QVariantList& v = {})
    {
        clauses << clause;
        values << v;
    }
    template <typename T, typename F> void addIn(const QString& column, const QList<T>& list, F toValue)
    {
        if (list.isEmpty())
            return;
        QVariantList v;
        for (const T& x : list)
            v << toValue(x);
        add(column + QStringLiteral(" IN (") + placeholders(list.size()) + u')', v);
    }
    QString sql() const
    {
        return clauses.isEmpty() ? QString() : QStringLiteral(" WHERE ") + clauses.join(QStringLiteral(" AND "));
    }
};

Where eventWhere(const EventQuery& q, bool withCursor)
{
    Where w;
    if (q.fromMs > 0)
        w.add(QStringLiteral("time_ms >= ?"), { q.fromMs });
    if (q.toMs > 0)
        w.add(QStringLiteral("time_ms < ?"), { q.toMs });
    w.addIn(QStringLiteral("service"), q.services, [](const QString& s) { return QVariant(s); });
    w.addIn(QStringLiteral("check_key"), q.checkKeys, [](const QString& s) { return QVariant(s); });
    w.addIn(QStringLiteral("to_status"), q.statuses, [](Status s) { return QVariant(statusName(s)); });
    w.addIn(QStringLiteral("severity"), q.severities, [](Severity s) { return QVariant(severityName(s)); });
    if (!q.text.isEmpty()) {
        const QString p = likePattern(q.text);
        w.add(QStringLiteral("(service LIKE ? ESCAPE '\\' OR check_name LIKE ? ESCAPE '\\' OR item LIKE ? ESCAPE '\\'"
                             " OR detail LIKE ? ESCAPE '\\' OR COALESCE(impacted_by, '') LIKE ? ESCAPE '\\')"),
            { p, p, p, p, p });
    }
    if (withCursor && q.after) {
        w.add(q.oldestFirst ? QStringLiteral("(time_ms, id) > (?, ?)") : QStringLiteral("(time_ms, id) < (?, ?)"),
            { q.after->timeMs, q.after->id });
    }
    return w;
}

QString limitSql(int limit, int offset)
{
    if (limit <= 0 && offset <= 0)
        return {};
    return QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit > 0 ? limit : -1).arg(qMax(0, offset));
}

bool run(QSqlQuery& q, const QString& sql, const QVariantList& values, QSqlError* error)
{
    q.setForwardOnly(true); // otherwise Qt keeps a copy of every row read
    if (!q.prepare(sql)) {
        *error = q.lastError();
        return false;
    }
    for (const QVariant& v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        *error = q.lastError();
        return false;
    }
    return true;
}

bool execBound(QSqlQuery* q, const QVariantList& values, QSqlError* error)
{
    for (qsizetype i = 0; i < values.size(); ++i)
        q->bindValue(int(i), values.at(i));
    if (q->exec())
        return true;
    *error = q->lastError();
    q->finish();
    return false;
}

} // namespace

HistoryWorker::HistoryWorker(const HistoryStore::Options& options, std::shared_ptr<HistoryShared> shared)
    : m_options(options)
    , m_shared(std::move(shared))
    , m_connectionName(QStringLiteral("healthdeck-history-%1").arg(quintptr(this), 0, 16))
{
}

HistoryWorker::~HistoryWorker()
{
    closeDb();
}

qint64 HistoryWorker::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentMSecsSinceEpoch();
}

bool HistoryWorker::open()
{
    QString reason;
    bool ok = openFile(&reason) || degrade(reason);
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->open = ok;
    }
    if (!ok)
        return false;
    m_flushTimer = new QTimer(this);
    connect(m_flushTimer, &QTimer::timeout, this, &HistoryWorker::tick);
    m_flushTimer->start(qMax(1, m_options.flushIntervalMs));
    m_sweepTimer = new QTimer(this);
    connect(m_sweepTimer, &QTimer::timeout, this, &HistoryWorker::startSweep);
    m_sweepTimer->start(qMax(1000, m_options.sweepIntervalMs));
    startSweep();
    return true;
}

namespace {

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

bool HistoryWorker::openFile(QString* reason)
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

QString HistoryWorker::describe(const QSqlError& error) const
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

bool HistoryWorker::degrade(const QString& reason)
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
    Q_EMIT degraded(message);
    return ok;
}

void HistoryWorker::closeDb()
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

void HistoryWorker::close()
{
    if (m_closed)
        return;
    for (QTimer* t : { m_flushTimer, m_sweepTimer }) {
        if (t)
            t->stop();
    }
    if (m_db.isValid()) {
        flushSamples();
        updateRollups(true);
    }
    m_closed = true;
    closeDb();
    QMutexLocker lock(&m_shared->mutex);
    m_shared->open = false;
}

QSqlQuery* HistoryWorker::prepared(const QString& sql, QSqlError* error)
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

bool HistoryWorker::runOnce(bool durable, const Body& body, WriteResult& result, QSqlError* error)
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

WriteResult HistoryWorker::transact(bool durable, OnBusy onBusy, const Body& body)
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

WriteResult HistoryWorker::writeEvents(QList<StateEvent>& events)
{
    QList<qint64> ids;
    WriteResult r = transact(true, OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        ids.clear();
        QSqlQuery* q = prepared(QStringLiteral("INSERT INTO events (time_ms, check_key, service, check_name, item,"
                                               " from_status, to_status, severity, detail, impacted_by, flapping)"
                                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            error);
        if (!q)
            return false;
        for (const StateEvent& e : std::as_const(events)) {
            if (!execBound(q,
                    { e.timeMs, e.checkKey(), text(e.service), text(e.check), text(e.item), statusName(e.from),
                        statusName(e.to), severityName(e.severity), text(e.detail),
                        e.impactedBy.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(e.impactedBy),
                        int(e.flapping) },
                    error))
                return false;
            ids << q->lastInsertId().toLongLong();
        }
        result.rowsAffected = int(ids.size());
        result.rowId = ids.isEmpty() ? 0 : ids.constLast();
        return true;
    });
    if (r.ok) {
        for (qsizetype i = 0; i < events.size(); ++i)
            events[i].id = ids.at(i);
    }
    return r;
}

WriteResult HistoryWorker::addAck(const Ack& ack)
{
    return transact(true, OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q,
                QStringLiteral("INSERT INTO acks (check_key, author, comment, created_ms, expires_ms, cleared_ms,"
                               " cleared_reason) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                { text(ack.checkKey), text(ack.author), text(ack.comment), ack.createdMs > 0 ? ack.createdMs : now(),
                    nullIfZero(ack.expiresMs), nullIfZero(ack.clearedMs),
                    ack.clearedMs > 0 ? QVariant(ack.clearedReason) : QVariant(QMetaType::fromType<QString>()) },
                error))
            return false;
        result.rowId = q.lastInsertId().toLongLong();
        result.rowsAffected = 1;
        return true;
    });
}

WriteResult HistoryWorker::clearAcks(const QString& checkKey, qint64 atMs, const QString& reason)
{
    return transact(true, OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q,
                QStringLiteral(
                    "UPDATE acks SET cleared_ms = ?, cleared_reason = ? WHERE check_key = ? AND cleared_ms IS NULL"),
                { atMs > 0 ? atMs : now(), text(reason), text(checkKey) }, error))
            return false;
        result.rowsAffected = q.numRowsAffected();
        return true;
    });
}

WriteResult HistoryWorker::addSilence(const Silence& s)
{
    return transact(true, OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q,
                QStringLiteral("INSERT INTO silences (target_kind, target, author, comment, start_ms, end_ms, weekly,"
                               " timezone, cancelled_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                { silenceTargetName(s.targetKind), text(s.target), text(s.author), text(s.comment), s.startMs,
                    nullIfZero(s.endMs), text(s.weekly), text(QString::fromUtf8(s.timezone)),
                    nullIfZero(s.cancelledMs) },
                error))
            return false;
        result.rowId = q.lastInsertId().toLongLong();
        result.rowsAffected = 1;
        return true;
    });
}

WriteResult HistoryWorker::cancelSilence(qint64 id, qint64 atMs)
{
    return transact(true, OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q, QStringLiteral("UPDATE silences SET cancelled_ms = ? WHERE id = ? AND cancelled_ms IS NULL"),
                { atMs > 0 ? atMs : now(), id }, error))
            return false;
        result.rowId = id;
        result.rowsAffected = q.numRowsAffected();
        return true;
    });
}

WriteResult HistoryWorker::appendAudit(const AuditEntry& entry)
{
    // The caller redacts already; this pass makes sure no credential reaches the file or its WAL regardless.
    const QByteArray params = QJsonDocument(redactSecrets(entry.params)).toJson(QJsonDocument::Compact);
    const QString message = redactSecretsInText(entry.message);
    return transact(true, OnBusy::Degrade, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q,
                QStringLiteral("INSERT INTO audit (time_ms, os_user, service, action, params, http_status, result,"
                               " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                { entry.timeMs > 0 ? entry.timeMs : now(), text(entry.osUser), text(entry.service), text(entry.action),
                    QString::fromUtf8(params),
                    entry.httpStatus > 0 ? QVariant(entry.httpStatus) : QVariant(QMetaType::fromType<int>()),
                    text(entry.result), text(message) },
                error))
            return false;
        result.rowId = q.lastInsertId().toLongLong();
        result.rowsAffected = 1;
        return true;
    });
}

WriteResult HistoryWorker::acquireLease(const QString& name, const QString& holder, qint64 ttlMs)
{
    // Taken when free, expired or already ours; the write lock of BEGIN IMMEDIATE makes the test-and-set atomic
    // across processes. A busy file keeps the file (no fallback to memory): the lease is then simply not held.
    const qint64 at = now();
    WriteResult r = transact(false, OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q,
                QStringLiteral("INSERT INTO leases (name, holder, expires_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO"
                               " UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms"
                               " WHERE leases.holder = excluded.holder OR leases.expires_ms <= ?"),
                { text(name), text(holder), at + ttlMs, at }, error))
            return false;
        result.rowsAffected = q.numRowsAffected();
        if (result.rowsAffected == 0) {
            QSqlQuery who(m_db);
            if (run(who, QStringLiteral("SELECT holder, expires_ms FROM leases WHERE name = ?"), { text(name) }, error)
                && who.next())
                result.error = who.value(0).toString();
        }
        return true;
    });
    return r;
}

WriteResult HistoryWorker::releaseLease(const QString& name, const QString& holder)
{
    return transact(false, OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
        QSqlQuery q(m_db);
        if (!run(q, QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"), { text(name), text(holder) },
                error))
            return false;
        result.rowsAffected = q.numRowsAffected();
        return true;
    });
}

qint64 HistoryWorker::keyId(const QString& key, QHash<QString, qint64>& fresh, QSqlError* error)
{
    if (const auto it = m_keyIds.constFind(key); it != m_keyIds.cend())
        return *it;
    if (const auto it = fresh.constFind(key); it != fresh.cend())
        return *it;
    QSqlQuery* insert = prepared(QStringLiteral("INSERT OR IGNORE INTO check_keys (key) VALUES (?)"), error);
    QSqlQuery* select = insert ? prepared(QStringLiteral("SELECT id FROM check_keys WHERE key = ?"), error) : nullptr;
    if (!select || !execBound(insert, { text(key) }, error) || !execBound(select, { key }, error))
        return -1;
    const qint64 id = select->next() ? select->value(0).toLongLong() : -1;
    select->finish();
    fresh.insert(key, id);
    return id;
}

// All checks of one minute in one scan: samples are stored in time order.
bool HistoryWorker::computeMinute(qint64 bucketMs, QSqlError* error)
{
    struct Acc {
        QList<double> latencies;
        int failures = 0;
    };
    QHash<qint64, Acc> byCheck;
    QSqlQuery* select = prepared(
        QStringLiteral("SELECT check_id, status, latency_us FROM samples WHERE time_ms >= ? AND time_ms < ?"), error);
    if (!select || !execBound(select, { bucketMs, bucketMs + minuteMs }, error))
        return false;
    while (select->next()) {
        Acc& acc = byCheck[select->value(0).toLongLong()];
        acc.failures += countsAsFailure(statusFromCode(select->value(1).toInt())) ? 1 : 0;
        acc.latencies << select->value(2).toLongLong() / 1000.0;
    }
    select->finish();
    QSqlQuery* upsert
        = prepared(QStringLiteral("INSERT OR REPLACE INTO rollups_minute VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"), error);
    QSqlQuery* markHour = upsert
        ? prepared(QStringLiteral("INSERT OR IGNORE INTO rollups_pending (kind, bucket_ms) VALUES (1, ?)"), error)
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
bool HistoryWorker::computeHour(qint64 bucketMs, QSqlError* error)
{
    QSqlQuery* checks = prepared(
        QStringLiteral("SELECT DISTINCT check_id FROM rollups_minute WHERE bucket_ms >= ? AND bucket_ms < ?"), error);
    if (!checks || !execBound(checks, { bucketMs, bucketMs + hourMs }, error))
        return false;
    QList<qint64> ids;
    while (checks->next())
        ids << checks->value(0).toLongLong();
    checks->finish();
    QSqlQuery* select = prepared(QStringLiteral("SELECT count, failures, min_ms, max_ms, sketch FROM rollups_minute"
                                                " WHERE check_id = ? AND bucket_ms >= ? AND bucket_ms < ?"),
        error);
    QSqlQuery* upsert = select
        ? prepared(QStringLiteral("INSERT OR REPLACE INTO rollups_hour VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), error)
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

bool HistoryWorker::insertSamples(
    const QList<Sample>& batch, QHash<QString, qint64>& fresh, QSet<qint64>& newMinutes, QSqlError* error)
{
    fresh.clear();
    newMinutes.clear();
    QSqlQuery* insert = prepared(
        QStringLiteral("INSERT OR REPLACE INTO samples (time_ms, check_id, status, latency_us) VALUES (?, ?, ?, ?)"),
        error);
    QSqlQuery* mark = insert
        ? prepared(QStringLiteral("INSERT OR IGNORE INTO rollups_pending (kind, bucket_ms) VALUES (0, ?)"), error)
        : nullptr;
    if (!mark)
        return false;
    for (const Sample& s : batch) {
        const qint64 id = keyId(s.checkKey, fresh, error);
        if (id < 0)
            return false;
        if (!execBound(
                insert, { s.timeMs, id, statusCode(s.status), qRound64(qMax(0.0, s.latencyMs) * 1000.0) }, error))
            return false;
        // Rollups are not computed here: the minute is marked once and computed by updateRollups() when it is over.
        const qint64 minute = s.timeMs - s.timeMs % minuteMs;
        if (!m_markedMinutes.contains(minute) && !newMinutes.contains(minute)) {
            newMinutes.insert(minute);
            if (!execBound(mark, { minute }, error))
                return false;
        }
    }
    return true;
}

void HistoryWorker::tick()
{
    flushSamples();
    updateRollups(false);
}

void HistoryWorker::flushSamples()
{
    QList<Sample> batch;
    {
        QMutexLocker lock(&m_shared->mutex);
        batch.swap(m_shared->pending);
        m_shared->flushPosted = false;
    }
    if (batch.isEmpty() || m_closed)
        return;
    QHash<QString, qint64> fresh;
    QSet<qint64> newMinutes;
    const WriteResult r = transact(false, OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
        result.rowsAffected = int(batch.size());
        return insertSamples(batch, fresh, newMinutes, error);
    });
    if (r.ok) {
        m_keyIds.insert(fresh);
        m_markedMinutes.unite(newMinutes);
        return;
    }
    // Kept for the next flush; only a long outage drops the oldest samples, and says so.
    qCWarning(lcHistory).noquote() << "could not write" << batch.size() << "samples, retrying:" << r.error;
    QMutexLocker lock(&m_shared->mutex);
    batch += m_shared->pending;
    const qsizetype cap = qsizetype(qMax(1, m_options.flushRows)) * maxPendingBatches;
    if (batch.size() > cap) {
        qCWarning(lcHistory) << "dropping" << batch.size() - cap << "oldest samples after repeated write failures";
        batch.remove(0, batch.size() - cap);
    }
    m_shared->pending = std::move(batch);
}

void HistoryWorker::updateRollups(bool all)
{
    if (!m_db.isValid() || m_closed)
        return;
    // A bucket counts as over a little after its end, so that samples still in a queue make it in.
    const qint64 t = now() - rollupGraceMs;
    const auto isOver = [t](int kind, qint64 bucketMs) { return bucketMs + (kind == 1 ? hourMs : minuteMs) <= t; };
    QElapsedTimer spent;
    spent.start();
    // Minutes first: computing one marks its hour.
    for (int kind : { 0, 1 }) {
        QList<qint64> todo;
        {
            QSqlQuery q(m_db);
            QSqlError error;
            const qint64 before = all ? std::numeric_limits<qint64>::max() : t - (kind == 1 ? hourMs : minuteMs);
            if (!run(q,
                    QStringLiteral("SELECT bucket_ms FROM rollups_pending WHERE kind = ? AND bucket_ms <= ?"
                                   " ORDER BY bucket_ms"),
                    { kind, before }, &error)) {
                QString message;
                readFailed(error, &message);
                qCWarning(lcHistory).noquote() << "cannot update rollups:" << message;
                return;
            }
            while (q.next())
                todo << q.value(0).toLongLong();
        }
        for (qint64 bucket : std::as_const(todo)) {
            if (!all && spent.elapsed() > rollupBudgetMs)
                return; // the next tick goes on from here
            const WriteResult r = transact(false, OnBusy::Keep, [&](QSqlError* error, WriteResult&) {
                if (!(kind == 1 ? computeHour(bucket, error) : computeMinute(bucket, error)))
                    return false;
                // A bucket still running stays marked, to be computed again when it is over.
                QSqlQuery* done
                    = prepared(QStringLiteral("DELETE FROM rollups_pending WHERE kind = ? AND bucket_ms = ?"), error);
                return done && (!isOver(kind, bucket) || execBound(done, { kind, bucket }, error));
            });
            if (!r.ok) {
                qCWarning(lcHistory).noquote() << "cannot update rollups:" << r.error;
                return;
            }
        }
    }
    // Forget finished minutes, so that a late sample marks its minute again.
    m_markedMinutes.removeIf([&](qint64 minute) { return isOver(0, minute); });
}

bool HistoryWorker::sweepStep(SweepStats& stats)
{
    const qint64 t = now();
    const int batch = qMax(1, m_options.sweepBatchRows);
    const HistoryConfig& keep = m_options.retention;
    bool more = false;

    const auto deleteBatch = [&](qint64 retentionMs, const QString& sql, qint64& counter) {
        if (retentionMs <= 0)
            return;
        const qint64 cutoff = t - retentionMs;
        const WriteResult r = transact(false, OnBusy::Keep, [&](QSqlError* error, WriteResult& result) {
            QSqlQuery q(m_db);
            if (!run(q, sql, { cutoff, batch }, error))
                return false;
            result.rowsAffected = q.numRowsAffected();
            return true;
        });
        if (!r.ok) {
            qCWarning(lcHistory).noquote() << "retention sweep:" << r.error;
            return;
        }
        counter += r.rowsAffected;
        more = more || r.rowsAffected >= batch;
    };

    deleteBatch(keep.rawSamplesMs,
        QStringLiteral("DELETE FROM samples WHERE (time_ms, check_id) IN"
                       " (SELECT time_ms, check_id FROM samples WHERE time_ms < ? ORDER BY time_ms LIMIT ?)"),
        stats.samples);
    deleteBatch(keep.minuteRollupsMs,
        QStringLiteral("DELETE FROM rollups_minute WHERE (check_id, bucket_ms) IN"
                       " (SELECT check_id, bucket_ms FROM rollups_minute WHERE bucket_ms < ? LIMIT ?)"),
        stats.minuteRollups);
    deleteBatch(keep.hourRollupsMs,
        QStringLiteral("DELETE FROM rollups_hour WHERE (check_id, bucket_ms) IN"
                       " (SELECT check_id, bucket_ms FROM rollups_hour WHERE bucket_ms < ? LIMIT ?)"),
        stats.hourRollups);
    deleteBatch(keep.eventsMs,
        QStringLiteral(
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time_ms < ? ORDER BY time_ms LIMIT ?)"),
        stats.events);
    // The audit log, ended acks and ended silences are kept as long as the events they explain.
    deleteBatch(keep.eventsMs,
        QStringLiteral(
            "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE time_ms < ? ORDER BY time_ms LIMIT ?)"),
        stats.audit);
    deleteBatch(keep.eventsMs,
        QStringLiteral(
            "DELETE FROM acks WHERE id IN (SELECT id FROM acks WHERE COALESCE(cleared_ms, expires_ms) < ? LIMIT ?)"),
        stats.acks);
    deleteBatch(keep.eventsMs,
        QStringLiteral("DELETE FROM silences WHERE id IN"
                       " (SELECT id FROM silences WHERE COALESCE(cancelled_ms, end_ms) < ? LIMIT ?)"),
        stats.silences);
    return more;
}

void HistoryWorker::vacuumIfWorthIt()
{
    if (m_inMemory || !m_db.isValid())
        return;
    // Freed pages are reused by new rows anyway; hand them back only when a large share of the file is free.
    QSqlQuery q(m_db);
    QSqlError error;
    if (!run(q, QStringLiteral("PRAGMA freelist_count"), {}, &error) || !q.next())
        return;
    const qint64 freePages = q.value(0).toLongLong();
    q.finish();
    if (!run(q, QStringLiteral("PRAGMA page_count"), {}, &error) || !q.next())
        return;
    const qint64 pages = q.value(0).toLongLong();
    q.finish();
    if (freePages > 256 && freePages * 4 > pages && run(q, QStringLiteral("PRAGMA incremental_vacuum"), {}, &error)) {
        while (q.next()) { } // incremental_vacuum works one page per step
    }
}

SweepStats HistoryWorker::sweep()
{
    SweepStats stats;
    if (!m_db.isValid())
        return stats;
    while (sweepStep(stats)) { }
    vacuumIfWorthIt();
    return stats;
}

void HistoryWorker::startSweep()
{
    if (m_sweeping || m_closed || !m_db.isValid())
        return;
    m_sweeping = true;
    m_sweepStats = {};
    continueSweep();
}

void HistoryWorker::continueSweep()
{
    if (m_closed || !m_db.isValid()) {
        m_sweeping = false;
        return;
    }
    if (sweepStep(m_sweepStats)) {
        QTimer::singleShot(0, this, &HistoryWorker::continueSweep); // let queued events in between batches
        return;
    }
    m_sweeping = false;
    vacuumIfWorthIt();
    Q_EMIT swept(m_sweepStats);
}

bool HistoryWorker::readFailed(const QSqlError& error, QString* message)
{
    const QString text = describe(error);
    if (message)
        *message = text;
    if (classify(error) == Failure::Fatal && !m_inMemory)
        degrade(text);
    return false;
}

QList<StateEvent> HistoryWorker::events(const EventQuery& query, QString* error)
{
    QList<StateEvent> out;
    const Where w = eventWhere(query, true);
    const QString order = query.oldestFirst ? QStringLiteral(" ORDER BY time_ms ASC, id ASC")
                                            : QStringLiteral(" ORDER BY time_ms DESC, id DESC");
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q,
            QStringLiteral("SELECT id, time_ms, service, check_name, item, from_status, to_status, severity, detail,"
                           " impacted_by, flapping FROM events")
                + w.sql() + order + limitSql(query.limit, query.offset),
            w.values, &e)) {
        readFailed(e, error);
        return out;
    }
    while (q.next()) {
        StateEvent ev;
        ev.id = q.value(0).toLongLong();
        ev.timeMs = q.value(1).toLongLong();
        ev.service = q.value(2).toString();
        ev.check = q.value(3).toString();
        ev.item = q.value(4).toString();
        ev.from = statusFromText(q.value(5).toString());
        ev.to = statusFromText(q.value(6).toString());
        ev.severity = severityFromName(q.value(7).toString()).value_or(Severity::Critical);
        ev.detail = q.value(8).toString();
        ev.impactedBy = q.value(9).toString();
        ev.flapping = q.value(10).toBool();
        out << ev;
    }
    return out;
}

qint64 HistoryWorker::eventCount(const EventQuery& query, QString* error)
{
    const Where w = eventWhere(query, false);
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q, QStringLiteral("SELECT count(*) FROM events") + w.sql(), w.values, &e) || !q.next()) {
        readFailed(e.isValid() ? e : q.lastError(), error);
        return -1;
    }
    return q.value(0).toLongLong();
}

QList<Sample> HistoryWorker::samples(const SampleQuery& query, QString* error)
{
    // Samples are in time order: the range is scanned across all checks and filtered, which SQLite does quickly.
    QList<Sample> out;
    Where w;
    w.add(QStringLiteral("check_id = (SELECT id FROM check_keys WHERE key = ?)"), { query.checkKey });
    if (query.fromMs > 0)
        w.add(QStringLiteral("time_ms >= ?"), { query.fromMs });
    if (query.toMs > 0)
        w.add(QStringLiteral("time_ms < ?"), { query.toMs });
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q,
            QStringLiteral("SELECT time_ms, status, latency_us FROM samples") + w.sql()
                + QStringLiteral(" ORDER BY time_ms") + limitSql(query.limit, 0),
            w.values, &e)) {
        readFailed(e, error);
        return out;
    }
    while (q.next())
        out << Sample { q.value(0).toLongLong(), query.checkKey, statusFromCode(q.value(1).toInt()),
            q.value(2).toLongLong() / 1000.0 };
    return out;
}

QList<Rollup> HistoryWorker::rollups(const RollupQuery& query, QString* error)
{
    QList<Rollup> out;
    Where w;
    if (query.fromMs > 0)
        w.add(QStringLiteral("r.bucket_ms >= ?"), { query.fromMs });
    if (query.toMs > 0)
        w.add(QStringLiteral("r.bucket_ms < ?"), { query.toMs });
    w.addIn(QStringLiteral("k.key"), query.checkKeys, [](const QString& s) { return QVariant(s); });
    const QString table = query.granularity == RollupGranularity::Hour ? QStringLiteral("rollups_hour")
                                                                       : QStringLiteral("rollups_minute");
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q,
            QStringLiteral(
                "SELECT k.key, r.bucket_ms, r.count, r.failures, r.min_ms, r.p50_ms, r.p95_ms, r.max_ms FROM ")
                + table + QStringLiteral(" r JOIN check_keys k ON k.id = r.check_id") + w.sql()
                + QStringLiteral(" ORDER BY k.key, r.bucket_ms"),
            w.values, &e)) {
        readFailed(e, error);
        return out;
    }
    while (q.next())
        out << Rollup { q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toInt(), q.value(3).toInt(),
            q.value(4).toDouble(), q.value(5).toDouble(), q.value(6).toDouble(), q.value(7).toDouble() };
    return out;
}

QList<Ack> HistoryWorker::acks(const AckQuery& query, QString* error)
{
    QList<Ack> out;
    const qint64 at = query.atMs > 0 ? query.atMs : now();
    Where w;
    if (!query.checkKey.isEmpty())
        w.add(QStringLiteral("check_key = ?"), { query.checkKey });
    if (query.activeOnly)
        w.add(QStringLiteral("cleared_ms IS NULL AND created_ms <= ? AND (expires_ms IS NULL OR expires_ms > ?)"),
            { at, at });
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q,
            QStringLiteral("SELECT id, check_key, author, comment, created_ms, expires_ms, cleared_ms, cleared_reason"
                           " FROM acks")
                + w.sql() + QStringLiteral(" ORDER BY created_ms DESC, id DESC") + limitSql(query.limit, 0),
            w.values, &e)) {
        readFailed(e, error);
        return out;
    }
    while (q.next())
        out << Ack { q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
            q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toLongLong(), q.value(7).toString() };
    return out;
}

QList<Silence> HistoryWorker::silences(const SilenceQuery& query, QString* error)
{
    QList<Silence> out;
    const qint64 at = query.atMs > 0 ? query.atMs : now();
    Where w;
    if (query.inForceOnly)
        w.add(QStringLiteral("(cancelled_ms IS NULL OR cancelled_ms > ?) AND (end_ms IS NULL OR end_ms > ?)"),
            { at, at });
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q,
            QStringLiteral("SELECT id, target_kind, target, author, comment, start_ms, end_ms, weekly, timezone,"
                           " cancelled_ms FROM silences")
                + w.sql() + QStringLiteral(" ORDER BY start_ms DESC, id DESC") + limitSql(query.limit, 0),
            w.values, &e)) {
        readFailed(e, error);
        return out;
    }
    while (q.next()) {
        Silence s;
        s.id = q.value(0).toLongLong();
        s.targetKind = silenceTargetFromName(q.value(1).toString()).value_or(Silence::Target::Service);
        s.target = q.value(2).toString();
        s.author = q.value(3).toString();
        s.comment = q.value(4).toString();
        s.startMs = q.value(5).toLongLong();
        s.endMs = q.value(6).toLongLong();
        s.weekly = q.value(7).toString();
        s.timezone = q.value(8).toString().toUtf8();
        s.cancelledMs = q.value(9).toLongLong();
        out << s;
    }
    return out;
}

QList<AuditEntry> HistoryWorker::audit(const AuditQuery& query, QString* error)
{
    QList<AuditEntry> out;
    Where w;
    if (!query.service.isEmpty())
        w.add(QStringLiteral("service = ?"), { query.service });
    if (query.fromMs > 0)
        w.add(QStringLiteral("time_ms >= ?"), { query.fromMs });
    if (query.toMs > 0)
        w.add(QStringLiteral("time_ms < ?"), { query.toMs });
    QSqlQuery q(m_db);
    QSqlError e;
    if (!run(q,
            QStringLiteral(
                "SELECT id, time_ms, os_user, service, action, params, http_status, result, message FROM audit")
                + w.sql() + QStringLiteral(" ORDER BY time_ms DESC, id DESC") + limitSql(query.limit, query.offset),
            w.values, &e)) {
        readFailed(e, error);
        return out;
    }
    while (q.next()) {
        AuditEntry a;
        a.id = q.value(0).toLongLong();
        a.timeMs = q.value(1).toLongLong();
        a.osUser = q.value(2).toString();
        a.service = q.value(3).toString();
        a.action = q.value(4).toString();
        a.params = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
        a.httpStatus = q.value(6).toInt();
        a.result = q.value(7).toString();
        a.message = q.value(8).toString();
        out << a;
    }
    return out;
}

} // namespace hd
