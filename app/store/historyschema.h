#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>
#include <QStringList>

namespace hd::historyschema {

// One step of the schema. Steps are applied in order, each in its own transaction, and never edited once released:
// a change to the layout is a new step.
struct Migration {
    int version = 0;
    QString description;
    QStringList statements; // one SQL statement each
};

const QList<Migration>& migrations();
int latestVersion();

// "HDK1": lets us tell a foreign SQLite file from an empty one.
inline constexpr int applicationId = 0x48444b31;

struct MigrateResult {
    enum class Status { Ok, NewerSchema, ForeignDatabase, Failed };
    Status status = Status::Failed;
    int fromVersion = 0;
    int toVersion = 0;
    QSqlError error; // for Failed
};

// Brings db up to targetVersion (default: latest). Refuses a file from a newer schema and an SQLite file that
// is not a healthdeck history, touching neither. Safe against another process migrating the same file.
MigrateResult migrate(QSqlDatabase& db, int targetVersion = -1);

// The version recorded in db, 0 for an empty file, -1 when it cannot be read.
int currentVersion(const QSqlDatabase& db);

} // namespace hd::historyschema
