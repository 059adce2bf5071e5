#include "core/rowkey.h"

#include <QtTest>

using hd::RowKey;

class TestRowKey : public QObject {
    Q_OBJECT
private slots:
    void make();
    void parse_data();
    void parse();
};

void TestRowKey::make()
{
    QCOMPARE(RowKey::make(QStringLiteral("api"), QStringLiteral("ready")), QStringLiteral("api/ready"));
    QCOMPARE(RowKey::make(QStringLiteral("workers"), QStringLiteral("heartbeat"), QStringLiteral("health:w1")),
        QStringLiteral("workers/heartbeat/health:w1"));
    QCOMPARE(RowKey::below(QStringLiteral("api/ready"), QStringLiteral("db")), QStringLiteral("api/ready/db"));
    QCOMPARE((RowKey { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c/d") }).toString(),
        QStringLiteral("a/b/c/d"));
}

void TestRowKey::parse_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("check");
    QTest::addColumn<QString>("item");
    QTest::newRow("check") << "api/ready"
                           << "api"
                           << "ready"
                           << "";
    QTest::newRow("item") << "workers/heartbeat/health:w1"
                          << "workers"
                          << "heartbeat"
                          << "health:w1";
    QTest::newRow("item with slashes") << "k8s/readyz/etcd/leader"
                                       << "k8s"
                                       << "readyz"
                                       << "etcd/leader";
    QTest::newRow("no slash") << "api"
                              << ""
                              << ""
                              << "";
}

void TestRowKey::parse()
{
    QFETCH(QString, key);
    const RowKey parsed = RowKey::parse(key);
    QTEST(parsed.service, "service");
    QTEST(parsed.check, "check");
    QTEST(parsed.item, "item");
    if (key.contains(u'/'))
        QCOMPARE(parsed.toString(), key);
}

QTEST_GUILESS_MAIN(TestRowKey)
#include "tst_rowkey.moc"
