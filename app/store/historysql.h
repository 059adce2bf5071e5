#pragma once

#include "core/status.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <functional>
#include <optional>

// The SQL pieces the history's classes share: statement helpers, the one select helper that every read goes
// through, a WHERE builder and the file format's value encodings. Internal to hd_store.
namespace hd::historysql {

using Binds = QVariantList;

// Prepares sql on q (forward only), binds the values in order and executes it.
bool run(QSqlQuery& q, const QString& sql, const Binds& values, QSqlError* error);
// Executes an already prepared statement with the values bound by position; finishes it on failure.
bool execBound(QSqlQuery* q, const Binds& values, QSqlError* error);

// Turns the current row of a query into a T; nullopt when the row cannot be read, which fails the select.
template <class T> using RowMapper = std::function<std::optional<T>(const QSqlQuery& row)>;

template <class T> struct Selected {
    QList<T> rows; // in the statement's order; empty when the select failed
    QSqlError error; // valid when the statement failed or a row could not be mapped
    bool ok() const { return !error.isValid(); }
};

QSqlError unreadableRow(qsizetype row, const QString& sql);

// Runs one SELECT with its bound values and maps every row: the prepare, bind, exec, loop and error handling
// of every history read.
template <class T> Selected<T> select(QSqlDatabase& db, const QString& sql, const Binds& binds, const RowMapper<T>& map)
{
    Selected<T> out;
    QSqlQuery q(db);
    if (!run(q, sql, binds, &out.error))
        return out;
    while (q.next()) {
        std::optional<T> row = map(q);
        if (!row) {
            out.error = unreadableRow(out.rows.size(), sql);
            out.rows.clear();
            return out;
        }
        out.rows << std::move(*row);
    }
    return out;
}

// A null QString would be bound as SQL NULL; text columns are NOT NULL.
QVariant text(const QString& s);
QVariant nullIfZero(qint64 v);

// Sample status codes are part of the file format; they must not follow the enum's order.
int statusCode(Status s);
Status statusFromCode(int code);
Status statusFromText(const QString& text);

QString likePattern(const QString& text); // %text% with LIKE's wildcards escaped (ESCAPE '\')
QString limitSql(int limit, int offset); // " LIMIT n OFFSET m", or nothing

// A WHERE clause with its bound values, in order.
struct Where {
    QStringList clauses;
    Binds values;

    void add(const QString& clause, const Binds& v = {})
    {
        clauses << clause;
        values << v;
    }
    template <typename T, typename F> void addIn(const QString& column, const QList<T>& list, F toValue)
    {
        if (list.isEmpty())
            return;
        Binds v;
        for (const T& x : list)
            v << toValue(x);
        add(column + QStringLiteral(" IN (") + placeholders(list.size()) + u')', v);
    }
    QString sql() const
    {
        return clauses.isEmpty() ? QString() : QStringLiteral(" WHERE ") + clauses.join(QStringLiteral(" AND "));
    }
    static QString placeholders(qsizetype n);
};

} // namespace hd::historysql
