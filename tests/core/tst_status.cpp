#include "core/status.h"

#include <QtTest>

class TestStatus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesRoundTrip();
    void worstIsDown();
};

void TestStatus::namesRoundTrip()
{
    using hd::Status;
    for (Status s : { Status::Ok, Status::Starting, Status::Degraded, Status::Unknown, Status::Stale, Status::Down })
        QCOMPARE(hd::statusFromName(hd::statusName(s)).value(), s);
    QVERIFY(!hd::statusFromName(u"bogus").has_value());
}

void TestStatus::worstIsDown()
{
    using hd::Status;
    QCOMPARE(hd::worst(Status::Ok, Status::Degraded), Status::Degraded);
    QCOMPARE(hd::worst(Status::Down, Status::Stale), Status::Down);
    QCOMPARE(hd::worst(Status::Stale, Status::Unknown), Status::Stale);
    QCOMPARE(hd::worst(Status::Starting, Status::Ok), Status::Starting);
}

QTEST_GUILESS_MAIN(TestStatus)
#include "tst_status.moc"
