#include "models/alertpolicy.h"

#include <QTest>

using namespace hd;

namespace {

StateChange change(const QString& service, const QString& check, Status from, Status to, const QString& impactedBy = {})
{
    StateChange c;
    c.time = QDateTime::currentDateTimeUtc();
    c.service = service;
    c.check = check;
    c.from = from;
    c.to = to;
    c.impactedBy = impactedBy;
    c.detail = QStringLiteral("HTTP 503");
    return c;
}

} // namespace

class TestAlertPolicy : public QObject {
    Q_OBJECT

private slots:
    void onePerRootCause();
    void impactedChecksStayQuiet();
    void acknowledgedAndSilencedStayQuiet_data();
    void acknowledgedAndSilencedStayQuiet();
    void degradedIsNotAnAlarm();
    void recoveryOnceEveryCheckIsBack();
    void laterFailureOfNotifiedServiceIsQuiet();
};

void TestAlertPolicy::onePerRootCause()
{
    AlertPolicy policy;
    const QList<AlertNotice> notices
        = policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Ok, Status::Down),
            change(QStringLiteral("database"), QStringLiteral("replica"), Status::Ok, Status::Stale),
            change(QStringLiteral("redis"), QStringLiteral("ping"), Status::Ok, Status::Down) });
    QCOMPARE(notices.size(), 2);
    QCOMPARE(notices.at(0).service, QStringLiteral("database"));
    QCOMPARE(notices.at(0).checks, (QStringList { QStringLiteral("primary"), QStringLiteral("replica") }));
    QCOMPARE(notices.at(0).title(), QStringLiteral("database is DOWN"));
    QVERIFY(notices.at(0).body().contains(QStringLiteral("HTTP 503")));
    QCOMPARE(notices.at(1).service, QStringLiteral("redis"));
    QVERIFY(policy.isNotified(QStringLiteral("database")));
}

void TestAlertPolicy::impactedChecksStayQuiet()
{
    AlertPolicy policy;
    const QList<AlertNotice> notices
        = policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Ok, Status::Down),
            change(QStringLiteral("trading-api"), QStringLiteral("ready"), Status::Ok, Status::Down,
                QStringLiteral("database")),
            change(QStringLiteral("portal"), QStringLiteral("ping"), Status::Ok, Status::Down,
                QStringLiteral("database")) });
    QCOMPARE(notices.size(), 1);
    QCOMPARE(notices.first().service, QStringLiteral("database"));
}

void TestAlertPolicy::acknowledgedAndSilencedStayQuiet_data()
{
    QTest::addColumn<bool>("acknowledged");
    QTest::addColumn<bool>("silenced");
    QTest::newRow("acknowledged") << true << false;
    QTest::newRow("silenced") << false << true;
}

void TestAlertPolicy::acknowledgedAndSilencedStayQuiet()
{
    QFETCH(bool, acknowledged);
    QFETCH(bool, silenced);
    AlertPolicy policy;
    StateChange c = change(QStringLiteral("database"), QStringLiteral("primary"), Status::Ok, Status::Down);
    c.acknowledged = acknowledged;
    c.silenced = silenced;
    QVERIFY(policy.process({ c }).isEmpty());
    // Nothing was announced, so its recovery is not announced either.
    QVERIFY(policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Down, Status::Ok) })
                .isEmpty());
}

void TestAlertPolicy::degradedIsNotAnAlarm()
{
    AlertPolicy policy;
    QVERIFY(policy
                .process({ change(QStringLiteral("a"), QStringLiteral("b"), Status::Ok, Status::Degraded),
                    change(QStringLiteral("a"), QStringLiteral("c"), Status::Ok, Status::Unknown) })
                .isEmpty());
}

void TestAlertPolicy::recoveryOnceEveryCheckIsBack()
{
    AlertPolicy policy;
    policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Ok, Status::Down),
        change(QStringLiteral("database"), QStringLiteral("replica"), Status::Ok, Status::Down) });
    QVERIFY(policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Down, Status::Ok) })
                .isEmpty());
    const QList<AlertNotice> back
        = policy.process({ change(QStringLiteral("database"), QStringLiteral("replica"), Status::Down, Status::Ok) });
    QCOMPARE(back.size(), 1);
    QCOMPARE(back.first().kind, AlertNotice::Kind::Recovered);
    QCOMPARE(back.first().title(), QStringLiteral("database recovered"));
    QVERIFY(!policy.isNotified(QStringLiteral("database")));
    // The next outage is news again.
    QCOMPARE(policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Ok, Status::Down) })
                 .size(),
        1);
}

void TestAlertPolicy::laterFailureOfNotifiedServiceIsQuiet()
{
    AlertPolicy policy;
    QCOMPARE(policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Ok, Status::Down) })
                 .size(),
        1);
    QVERIFY(policy.process({ change(QStringLiteral("database"), QStringLiteral("replica"), Status::Ok, Status::Stale) })
                .isEmpty());
    // It recovers only when both are back.
    QVERIFY(policy.process({ change(QStringLiteral("database"), QStringLiteral("primary"), Status::Down, Status::Ok) })
                .isEmpty());
    QCOMPARE(
        policy.process({ change(QStringLiteral("database"), QStringLiteral("replica"), Status::Stale, Status::Ok) })
            .size(),
        1);
}

QTEST_GUILESS_MAIN(TestAlertPolicy)
#include "tst_alertpolicy.moc"
