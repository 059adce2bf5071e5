#include "monitor/acknowledgements.h"

#include <QtTest>

using hd::Acknowledgement;
using hd::Acknowledgements;
using hd::Status;

namespace {

QDateTime at(const char* iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    if (!t.isValid())
        qFatal("bad timestamp in test: %s", iso);
    return t;
}

Acknowledgement ack(const QString& key, const QDateTime& expires = {})
{
    Acknowledgement a;
    a.checkKey = key;
    a.author = QStringLiteral("alice");
    a.comment = QStringLiteral("looking into it");
    a.created = at("2026-11-22T10:00:00Z");
    a.expires = expires;
    return a;
}

const QString ready = QStringLiteral("trading-api/ready");
const QString live = QStringLiteral("trading-api/live");

} // namespace

class TestAcknowledgements : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nothingToAcknowledgeWhenOk();
    void survivesFailingStatuses_data();
    void survivesFailingStatuses();
    void clearedOnRecovery();
    void expiry();
    void replaceRemoveRestore();
};

void TestAcknowledgements::nothingToAcknowledgeWhenOk()
{
    Acknowledgements acks;
    QVERIFY(!acks.acknowledge(ack(ready), Status::Ok));
    QVERIFY(!acks.isAcknowledged(ready, at("2026-11-22T10:00:00Z")));
    QVERIFY(!acks.acknowledge(ack(QString()), Status::Down));
    QCOMPARE(acks.size(), 0);
}

void TestAcknowledgements::survivesFailingStatuses_data()
{
    QTest::addColumn<QList<Status>>("path");
    QTest::newRow("down to stale") << QList<Status> { Status::Stale };
    QTest::newRow("down, stale, unknown, down") << QList<Status> { Status::Stale, Status::Unknown, Status::Down };
    QTest::newRow("down to degraded is not a recovery") << QList<Status> { Status::Degraded, Status::Down };
    QTest::newRow("down to starting") << QList<Status> { Status::Starting };
}

void TestAcknowledgements::survivesFailingStatuses()
{
    QFETCH(QList<Status>, path);
    Acknowledgements acks;
    QVERIFY(acks.acknowledge(ack(ready), Status::Down));
    const QDateTime now = at("2026-11-22T10:05:00Z");
    for (Status s : path) {
        QVERIFY(!acks.onStatus(ready, s));
        QVERIFY(acks.isAcknowledged(ready, now));
    }
    const auto a = acks.get(ready, now);
    QVERIFY(a);
    QCOMPARE(a->author, QStringLiteral("alice"));
    QCOMPARE(a->comment, QStringLiteral("looking into it"));
    QCOMPARE(a->created, at("2026-11-22T10:00:00Z"));
}

void TestAcknowledgements::clearedOnRecovery()
{
    Acknowledgements acks;
    QVERIFY(acks.acknowledge(ack(ready), Status::Down));
    QVERIFY(acks.acknowledge(ack(live), Status::Stale));
    const QDateTime now = at("2026-11-22T10:05:00Z");
    QVERIFY(acks.onStatus(ready, Status::Ok));
    QVERIFY(!acks.isAcknowledged(ready, now));
    QVERIFY(!acks.onStatus(ready, Status::Ok)); // reported once
    // A new failure needs a new acknowledgement.
    acks.onStatus(ready, Status::Down);
    QVERIFY(!acks.isAcknowledged(ready, now));
    // Other checks keep theirs.
    QVERIFY(acks.isAcknowledged(live, now));
}

void TestAcknowledgements::expiry()
{
    Acknowledgements acks;
    QVERIFY(acks.acknowledge(ack(ready, at("2026-11-22T11:00:00Z")), Status::Down));
    QVERIFY(acks.acknowledge(ack(live), Status::Down));
    QVERIFY(acks.isAcknowledged(ready, at("2026-11-22T10:59:59Z")));
    // Readers ignore it from the expiry on, before any sweep.
    QVERIFY(!acks.isAcknowledged(ready, at("2026-11-22T11:00:00Z")));
    QVERIFY(!acks.get(ready, at("2026-11-22T11:00:00Z")));
    QCOMPARE(acks.size(), 2);
    QVERIFY(acks.expire(at("2026-11-22T10:59:59Z")).isEmpty());
    QCOMPARE(acks.expire(at("2026-11-22T11:00:00Z")), QStringList { ready });
    QCOMPARE(acks.size(), 1);
    // Without an expiry it stays, however long the outage.
    QVERIFY(acks.isAcknowledged(live, at("2027-11-22T10:00:00Z")));
    QVERIFY(acks.expire(at("2027-11-22T10:00:00Z")).isEmpty());
}

void TestAcknowledgements::replaceRemoveRestore()
{
    Acknowledgements acks;
    acks.acknowledge(ack(ready), Status::Down);
    Acknowledgement second = ack(ready);
    second.author = QStringLiteral("bob");
    QVERIFY(acks.acknowledge(second, Status::Down));
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks.get(ready, at("2026-11-22T10:05:00Z"))->author, QStringLiteral("bob"));

    QVERIFY(acks.remove(ready));
    QVERIFY(!acks.remove(ready));

    // Restored from the history store: kept as is, even if already expired.
    acks.restore(ack(ready, at("2026-11-22T09:00:00Z")));
    acks.restore(ack(QStringLiteral("db/ping")));
    const QList<Acknowledgement> all = acks.all();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).checkKey, QStringLiteral("db/ping"));
    QCOMPARE(all.at(1).checkKey, ready);
    QVERIFY(!acks.isAcknowledged(ready, at("2026-11-22T10:05:00Z")));
}

QTEST_GUILESS_MAIN(TestAcknowledgements)
#include "tst_acknowledgements.moc"
