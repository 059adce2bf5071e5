#include "historysql.h"

#include <QMetaType>

namespace hd::historysql {

bool run(QSqlQuery& q, const QString& sql, const Binds& values, QSqlError* error)
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

bool execBound(QSqlQuery* q, const Binds& values, QSqlError* error)
{
    for (qsizetype i = 0; i < values.size(); ++i)
        q->bindValue(int(i), values.at(i));
    if (q->exec())
        return true;
    *error = q->lastError();
    q->finish();
    return false;
}

QSqlError unreadableRow(qsizetype row, const QString& sql)
{
    return QSqlError(QString(), QStringLiteral("cannot read row %1 of: %2").arg(row + 1).arg(sql.left(80)),
        QSqlError::StatementError);
}

QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QVariant nullIfZero(qint64 v)
{
    return v == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(v);
}

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

QString likePattern(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\"))
        .replace(u'%', QStringLiteral("\\%"))
        .replace(u'_', QStringLiteral("\\_"));
    return u'%' + escaped + u'%';
}

QString limitSql(int limit, int offset)
{
    if (limit <= 0 && offset <= 0)
        return {};
    return QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit > 0 ? limit : -1).arg(qMax(0, offset));
}

QString Where::placeholders(qsizetype n)
{
    QString s;
    for (qsizetype i = 0; i < n; ++i)
        s += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    return s;
}

} // namespace hd::historysql
