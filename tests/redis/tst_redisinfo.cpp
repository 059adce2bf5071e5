#include "redis/redisprobe.h"
#include "support/testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using hd::RedisReply;
using hd::Status;

class TestRedisInfo : public QObject {
    Q_OBJECT
private slots:
    void hints_data();
    void hints();
    void infoBecomesAJsonObject();
    void fieldsBecomeAJsonObject_data();
    void fieldsBecomeAJsonObject();
};

void TestRedisInfo::hints_data()
{
    QTest::addColumn<QByteArray>("info");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QStringList>("detailContains");

    const QByteArray master = hdtest::readData(QStringLiteral("redis-7.0.15-info-replication-master.txt"));
    const QByteArray replicaDown
        = hdtest::readData(QStringLiteral("redis-7.0.15-info-replication-replica-link-down.txt"));
    const QByteArray persistence = hdtest::readData(QStringLiteral("redis-7.0.15-info-persistence.txt"));
    QVERIFY(persistence.contains("rdb_last_bgsave_status:ok"));

    QTest::newRow("master, persistence ok (live capture)") << master + persistence << Status::Ok << QStringList {};
    QTest::newRow("replica with its link down (live capture)")
        << replicaDown << Status::Degraded
        << QStringList { QStringLiteral("replication link to master 127.0.0.1:16399 is down") };

    QByteArray failedSave = persistence;
    failedSave.replace("rdb_last_bgsave_status:ok", "rdb_last_bgsave_status:err");
    QTest::newRow("failed RDB save") << failedSave << Status::Degraded
                                     << QStringList { QStringLiteral("RDB background save failed") };

    QByteArray failedAof = persistence;
    failedAof.replace("aof_last_write_status:ok", "aof_last_write_status:err");
    QTest::newRow("failed AOF write") << failedAof << Status::Degraded
                                      << QStringList { QStringLiteral("AOF write failed") };

    QByteArray loading = persistence;
    loading.replace("loading:0", "loading:1");
    QTest::newRow("loading the dataset") << loading << Status::Starting
                                         << QStringList { QStringLiteral("loading its dataset") };

    QTest::newRow("loading while the link is down: the worse one wins, both reasons shown")
        << loading + replicaDown << Status::Degraded
        << QStringList { QStringLiteral("loading its dataset"), QStringLiteral("is down") };

    QByteArray downFor = replicaDown;
    downFor.replace("master_link_down_since_seconds:-1", "master_link_down_since_seconds:95");
    QTest::newRow("link down for a while")
        << downFor << Status::Degraded << QStringList { QStringLiteral("is down for 1m35s") };
    QTest::newRow("empty") << QByteArray() << Status::Ok << QStringList {};
}

void TestRedisInfo::hints()
{
    QFETCH(QByteArray, info);
    QFETCH(Status, status);
    QFETCH(QStringList, detailContains);

    const hd::RedisInfoHint hint = hd::redisInfoHint(info);
    QCOMPARE(hd::statusName(hint.status), hd::statusName(status));
    if (detailContains.isEmpty())
        QVERIFY2(hint.detail.isEmpty(), qPrintable(hint.detail));
    for (const QString& part : detailContains)
        QVERIFY2(hint.detail.contains(part), qPrintable(hint.detail));
}

void TestRedisInfo::infoBecomesAJsonObject()
{
    const QByteArray info = hdtest::readData(QStringLiteral("redis-7.0.15-info-replication-replica-link-down.txt"));
    const QJsonObject object = QJsonDocument::fromJson(hd::redisInfoToJson(info)).object();
    QCOMPARE(object.value(QLatin1String("role")).toString(), QStringLiteral("slave"));
    QCOMPARE(object.value(QLatin1String("master_port")).toDouble(), 16399.0);
    QCOMPARE(object.value(QLatin1String("master_link_status")).toString(), QStringLiteral("down"));
    QVERIFY(!object.contains(QLatin1String("# Replication")));
}

void TestRedisInfo::fieldsBecomeAJsonObject_data()
{
    QTest::addColumn<QList<QByteArray>>("pairs");
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("heartbeat hash (transcript)") << QList<QByteArray> { "status", "healthy", "last_seen", "1795345900",
        "pid", "4242" } << QByteArray(R"({"last_seen":1795345900,"pid":4242,"status":"healthy"})");
    QTest::newRow("non-canonical numbers stay strings") << QList<QByteArray> { "version", "1.10", "zip", "00123",
        "rate", "1795345920.5" } << QByteArray(R"({"rate":"1795345920.5","version":"1.10","zip":"00123"})");
    QTest::newRow("literals and nested JSON are embedded")
        << QList<QByteArray> { "connected", "true", "info", R"({"hostname":"w1","concurrency":5})", "queues",
               R"(["default","mail"])", "gone", "null" }
        << QByteArray(
               R"({"connected":true,"gone":null,"info":{"concurrency":5,"hostname":"w1"},"queues":["default","mail"]})");
    QTest::newRow("broken JSON stays a string")
        << QList<QByteArray> { "info", "{oops" } << QByteArray(R"({"info":"{oops"})");
    QTest::newRow("empty value") << QList<QByteArray> { "note", "" } << QByteArray(R"({"note":""})");
}

void TestRedisInfo::fieldsBecomeAJsonObject()
{
    QFETCH(QList<QByteArray>, pairs);
    QFETCH(QByteArray, json);
    QList<RedisReply> replies;
    for (const QByteArray& p : pairs)
        replies << RedisReply::string(p);
    QCOMPARE(hd::redisFieldsToJson(replies), json);
}

QTEST_GUILESS_MAIN(TestRedisInfo)
#include "tst_redisinfo.moc"
