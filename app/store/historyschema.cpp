#include "historyschema.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QVariant>

namespace hd::historyschema {

const QList<Migration>& migrations()
{
    static const QList<Migration> steps = {
        { 1, QStringLiteral("events, samples, rollups, acknowledgements, silences"),
            {
                QStringLiteral("PRAGMA application_id = %1").arg(applicationId),
                QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"),
                QStringLiteral("CREATE TABLE check_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)"),
                QStringLiteral("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL,"
                               " check_key TEXT NOT NULL, service TEXT NOT NULL, check_name TEXT NOT NULL,"
                               " item TEXT NOT NULL DEFAULT '', from_status TEXT NOT NULL, to_status TEXT NOT NULL,"
                               " severity TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', impacted_by TEXT,"
                               " flapping INTEGER NOT NULL DEFAULT 0)"),
                QStringLiteral("CREATE INDEX events_time ON events (time_ms, id)"),
                QStringLiteral("CREATE INDEX events_check_time ON events (check_key, time_ms)"),
                QStringLiteral("CREATE INDEX events_service_time ON events (service, time_ms)"),
                // Samples are the bulk of the file and arrive for every check at once, so they are kept in time
                // order: a flush appends to the end of one B-tree instead of touching a page per check. No rowid,
                // no second index; status is a small code (statusCode() in historyworker.cpp), latency in us.
                QStringLiteral("CREATE TABLE samples (time_ms INTEGER NOT NULL, check_id INTEGER NOT NULL,"
                               " status INTEGER NOT NULL, latency_us INTEGER NOT NULL,"
                               " PRIMARY KEY (time_ms, check_id)) WITHOUT ROWID"),
                // sketch: a LatencySketch of the minute, from which the hour rollups are merged.
                QStringLiteral("CREATE TABLE rollups_minute (check_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL,"
                               " count INTEGER NOT NULL, failures INTEGER NOT NULL, min_ms REAL NOT NULL,"
                               " p50_ms REAL NOT NULL, p95_ms REAL NOT NULL, max_ms REAL NOT NULL, sketch BLOB,"
                               " PRIMARY KEY (check_id, bucket_ms)) WITHOUT ROWID"),
                QStringLiteral("CREATE INDEX rollups_minute_bucket ON rollups_minute (bucket_ms)"),
                QStringLiteral("CREATE TABLE rollups_hour (check_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL,"
                               " count INTEGER NOT NULL, failures INTEGER NOT NULL, min_ms REAL NOT NULL,"
                               " p50_ms REAL NOT NULL, p95_ms REAL NOT NULL, max_ms REAL NOT NULL,"
                               " PRIMARY KEY (check_id, bucket_ms)) WITHOUT ROWID"),
                QStringLiteral("CREATE INDEX rollups_hour_bucket ON rollups_hour (bucket_ms)"),
                // Minutes (kind 0) with new samples and hours (kind 1) with new minute rollups, whose rollups are
                // still to be computed. Written with the samples, so a crash cannot lose one.
                QStringLiteral("CREATE TABLE rollups_pending (kind INTEGER NOT NULL, bucket_ms INTEGER NOT NULL,"
                               " PRIMARY KEY (kind, bucket_ms)) WITHOUT ROWID"),
                QStringLiteral("CREATE TABLE acks (id INTEGER PRIMARY KEY AUTOINCREMENT, check_key TEXT NOT NULL,"
                               " author TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL,"
                               " expires_ms INTEGER, cleared_ms INTEGER, cleared_reason TEXT)"),
                QStringLiteral("CREATE INDEX acks_check_created ON acks (check_key, created_ms)"),
                QStringLiteral("CREATE INDEX acks_created ON acks (created_ms)"),
                QStringLiteral("CREATE TABLE silences (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                               " target_kind TEXT NOT NULL CHECK (target_kind IN ('service', 'group', 'tag')),"
                               " target TEXT NOT NULL, author TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',"
                               " start_ms INTEGER NOT NULL, end_ms INTEGER, weekly TEXT NOT NULL DEFAULT '',"
                               " timezone TEXT NOT NULL DEFAULT '', cancelled_ms INTEGER)"),
                QStringLiteral("CREATE INDEX silences_start ON silences (start_ms)"),
            } },
        { 2, QStringLiteral("admin audit log"),
            {
                QStringLiteral("CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL,"
                               " os_user TEXT NOT NULL, service TEXT NOT NULL, action TEXT NOT NULL,"
                               " params TEXT NOT NULL DEFAULT '{}', http_status INTEGER, result TEXT NOT NULL,"
                               " message TEXT NOT NULL DEFAULT '')"),
                QStringLiteral("CREATE INDEX audit_time ON audit (time_ms, id)"),
                QStringLiteral("CREATE INDEX audit_service_time ON audit (service, time_ms)"),
            } },
        { 3, QStringLiteral("leases: which process acts (auto-heal) for everyone sharing the file"),
            {
                QStringLiteral("CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL,"
                               " expires_ms INTEGER NOT NULL)"),
            } },
    };
    return steps;
}

int latestVersion()
{
    return migrations().constLast().version;
}

namespace {

bool exec(QSqlQuery& q, const QString& sql, QSqlError* error)
{
    if (q.exec(sql))
        return true;
    *error = q.lastError();
    return false;
}

void rollback(QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK")); // may fail when SQLite already rolled back (disk full): nothing to undo
}

// -1 on error
int readVersion(QSqlQuery& q, QSqlError* error)
{
    if (!exec(q, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"), error))
        return -1;
    const int v = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    return v;
}

} // namespace

int currentVersion(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
        || !q.next())
        return -1;
    if (q.value(0).toInt() == 0)
        return 0;
    QSqlError error;
    return readVersion(q, &error);
}

MigrateResult migrate(QSqlDatabase& db, int targetVersion)
{
    using S = MigrateResult::Status;
    MigrateResult result;
    if (targetVersion < 0 || targetVersion > latestVersion())
        targetVersion = latestVersion();
    QSqlQuery q(db);

    // IMMEDIATE takes the write lock up front, so two processes opening a new file migrate it once.
    if (!exec(q, QStringLiteral("BEGIN IMMEDIATE"), &result.error))
        return result;
    if (!exec(q, QStringLiteral("PRAGMA application_id"), &result.error) || !q.next()) {
        rollback(db);
        return result;
    }
    const int appId = q.value(0).toInt();
    q.finish();
    if (!exec(q, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"), &result.error)) {
        rollback(db);
        return result;
    }
    QStringList tables;
    while (q.next())
        tables << q.value(0).toString();
    q.finish();
    tables.removeAll(QStringLiteral("sqlite_sequence"));
    if ((appId != 0 && appId != applicationId) || (!tables.isEmpty() && !tables.contains(u"schema_version"))) {
        rollback(db);
        result.status = S::ForeignDatabase;
        return result;
    }
    if (!exec(q,
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                           " applied_ms INTEGER NOT NULL, description TEXT NOT NULL)"),
            &result.error)) {
        rollback(db);
        return result;
    }
    int version = readVersion(q, &result.error);
    if (version < 0) {
        rollback(db);
        return result;
    }
    result.fromVersion = version;
    result.toVersion = version;
    if (version > latestVersion()) {
        rollback(db);
        result.status = S::NewerSchema;
        return result;
    }
    if (!exec(q, QStringLiteral("COMMIT"), &result.error)) {
        rollback(db);
        return result;
    }

    for (const Migration& step : migrations()) {
        if (step.version <= version || step.version > targetVersion)
            continue;
        if (!exec(q, QStringLiteral("BEGIN IMMEDIATE"), &result.error))
            return result;
        // Another process may have applied it while we waited for the lock.
        version = readVersion(q, &result.error);
        if (version < 0) {
            rollback(db);
            return result;
        }
        if (version < step.version) {
            for (const QString& sql : step.statements) {
                if (!exec(q, sql, &result.error)) {
                    rollback(db);
                    return result;
                }
            }
            q.prepare(QStringLiteral("INSERT INTO schema_version (version, applied_ms, description) VALUES (?, ?, ?)"));
            q.addBindValue(step.version);
            q.addBindValue(QDateTime::currentMSecsSinceEpoch());
            q.addBindValue(step.description);
            if (!q.exec()) {
                result.error = q.lastError();
                rollback(db);
                return result;
            }
            version = step.version;
        }
        if (!exec(q, QStringLiteral("COMMIT"), &result.error)) {
            rollback(db);
            return result;
        }
        result.toVersion = version;
    }
    result.status = S::Ok;
    return result;
}

} // namespace hd::historyschema
