#include "store/historysql.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace hd::historysql;

namespace {

struct Row {
    qint64 id = 0;
    QString name;
};

std::optional<Row> rowOf(const QSqlQuery& q)
{
    return Row { q.value(0).toLongLong(), q.value(1).toString() };
}

} // namespace

// The one select helper every history read goes through.
class TestHistorySql final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void bindsValuesInOrder();
    void emptyResultIsNoError();
    void mapperErrorFailsTheSelect();
    void statementErrorFailsTheSelect();
    void whereBuildsClausesAndBinds();

private:
    QSqlDatabase m_db;
};

void TestHistorySql::initTestCase()
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tst_historysql"));
    m_db.setDatabaseName(QStringLiteral(":memory:"));
    QVERIFY(m_db.open());
    QSqlQuery q(m_db);
    QVERIFY(q.exec(QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")));
    QVERIFY(q.exec(QStringLiteral("INSERT INTO t (id, name) VALUES (1, 'api'), (2, 'db'), (3, 'cache'), (4, 'db')")));
}

void TestHistorySql::cleanupTestCase()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("tst_historysql"));
}

void TestHistorySql::bindsValuesInOrder()
{
    const Selected<Row> s
        = select<Row>(m_db, QStringLiteral("SELECT id, name FROM t WHERE name = ? AND id > ? ORDER BY id"),
            { QStringLiteral("db"), 1 }, rowOf);
    QVERIFY2(s.ok(), qPrintable(s.error.text()));
    QCOMPARE(s.rows.size(), 2);
    QCOMPARE(s.rows.at(0).id, 2);
    QCOMPARE(s.rows.at(1).id, 4);
    QCOMPARE(s.rows.at(1).name, QStringLiteral("db"));
}

void TestHistorySql::emptyResultIsNoError()
{
    const Selected<Row> s = select<Row>(m_db, QStringLiteral("SELECT id, name FROM t WHERE id > ?"), { 100 }, rowOf);
    QVERIFY(s.ok());
    QVERIFY(s.rows.isEmpty());
}

void TestHistorySql::mapperErrorFailsTheSelect()
{
    int calls = 0;
    const RowMapper<Row> refusesCache = [&calls](const QSqlQuery& q) -> std::optional<Row> {
        ++calls;
        if (q.value(1).toString() == u"cache")
            return std::nullopt;
        return rowOf(q);
    };
    const Selected<Row> s = select<Row>(m_db, QStringLiteral("SELECT id, name FROM t ORDER BY id"), {}, refusesCache);
    QVERIFY(!s.ok());
    QVERIFY(s.rows.isEmpty()); // nothing half-read
    QCOMPARE(calls, 3); // it stops at the row it cannot read
    QVERIFY2(s.error.databaseText().contains(u"cannot read row 3"), qPrintable(s.error.databaseText()));
}

void TestHistorySql::statementErrorFailsTheSelect()
{
    const Selected<Row> s = select<Row>(m_db, QStringLiteral("SELECT id, name FROM missing"), {}, rowOf);
    QVERIFY(!s.ok());
    QVERIFY(s.rows.isEmpty());
    QVERIFY2(s.error.text().contains(u"missing"), qPrintable(s.error.text()));
}

void TestHistorySql::whereBuildsClausesAndBinds()
{
    Where w;
    QCOMPARE(w.sql(), QString());
    w.add(QStringLiteral("id > ?"), { 1 });
    w.addIn(QStringLiteral("name"), QStringList { QStringLiteral("db"), QStringLiteral("api") },
        [](const QString& s) { return QVariant(s); });
    w.addIn(QStringLiteral("name"), QStringList {}, [](const QString& s) { return QVariant(s); }); // no clause
    QCOMPARE(w.sql(), QStringLiteral(" WHERE id > ? AND name IN (?, ?)"));
    const Selected<Row> s = select<Row>(
        m_db, QStringLiteral("SELECT id, name FROM t") + w.sql() + QStringLiteral(" ORDER BY id"), w.values, rowOf);
    QVERIFY(s.ok());
    QCOMPARE(s.rows.size(), 2);
    QCOMPARE(s.rows.at(0).id, 2);
    QCOMPARE(s.rows.at(1).id, 4);
}

QTEST_GUILESS_MAIN(TestHistorySql)
#include "tst_historysql.moc"
