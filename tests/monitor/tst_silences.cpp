#include "monitor/silences.h"

#include <QtTest>

using hd::MaintenanceWindow;
using hd::OperatorSilence;
using hd::Silences;

namespace {

QDateTime at(const char* iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    if (!t.isValid())
        qFatal("bad timestamp in test: %s", iso);
    return t;
}

QString s(const char* text)
{
    return QString::fromLatin1(text);
}

MaintenanceWindow onceWindow()
{
    MaintenanceWindow w;
    w.name = s("db-upgrade");
    w.services = { s("database") };
    w.groups = { s("storage") };
    w.tags = { s("sql") };
    w.start = at("2026-11-22T10:00:00Z");
    w.end = at("2026-11-22T12:00:00Z");
    return w;
}

MaintenanceWindow weeklyWindow()
{
    MaintenanceWindow w;
    w.name = s("weekend-restart");
    w.services = { s("trading-api") };
    w.weekly = s("Sat 22:00-23:30");
    w.timezone = "Europe/London";
    return w;
}

} // namespace

class TestSilences : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void onceWindowEdges_data();
    void onceWindowEdges();
    void targets_data();
    void targets();
    void weeklyWindowFollowsItsZone_data();
    void weeklyWindowFollowsItsZone();
    void badWeeklyWindowsSilenceNothing();
    void operatorSilences();
    void operatorSilenceWithoutEnd();
    void longestSilenceWins();
    void reloadKeepsOperatorSilences();
};

void TestSilences::onceWindowEdges_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<bool>("silenced");
    QTest::newRow("a second before the start") << at("2026-11-22T09:59:59Z") << false;
    QTest::newRow("at the start") << at("2026-11-22T10:00:00Z") << true;
    QTest::newRow("last second") << at("2026-11-22T11:59:59Z") << true;
    QTest::newRow("at the end") << at("2026-11-22T12:00:00Z") << false;
    QTest::newRow("next day") << at("2026-11-23T10:30:00Z") << false;
}

void TestSilences::onceWindowEdges()
{
    QFETCH(QDateTime, time);
    QFETCH(bool, silenced);
    const Silences silences({ onceWindow() });
    QString reason;
    QCOMPARE(silences.isSilenced(s("database"), QString(), {}, time, &reason), silenced);
    if (silenced) {
        QCOMPARE(reason, s("maintenance \"db-upgrade\" until 2026-11-22T12:00:00Z"));
        const auto match = silences.match(s("database"), QString(), {}, time);
        QVERIFY(match);
        QCOMPARE(match->kind, Silences::Match::Kind::Maintenance);
        QCOMPARE(match->name, s("db-upgrade"));
        QCOMPARE(match->until, at("2026-11-22T12:00:00Z"));
    } else {
        QVERIFY(reason.isEmpty());
    }
}

void TestSilences::targets_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<bool>("silenced");
    QTest::newRow("by service") << s("database") << QString() << QStringList() << true;
    QTest::newRow("by group") << s("cache") << s("storage") << QStringList() << true;
    QTest::newRow("by one of the tags") << s("reports") << s("core") << QStringList { s("liveness"), s("sql") } << true;
    QTest::newRow("nothing in common") << s("reports") << s("core") << QStringList { s("liveness") } << false;
    QTest::newRow("service names are exact") << s("Database") << QString() << QStringList() << false;
}

void TestSilences::targets()
{
    QFETCH(QString, service);
    QFETCH(QString, group);
    QFETCH(QStringList, tags);
    QFETCH(bool, silenced);
    MaintenanceWindow untargeted = onceWindow();
    untargeted.name = s("everything?");
    untargeted.services.clear();
    untargeted.groups.clear();
    untargeted.tags.clear();
    const Silences silences({ onceWindow(), untargeted });
    QCOMPARE(silences.isSilenced(service, group, tags, at("2026-11-22T11:00:00Z")), silenced);
}

void TestSilences::weeklyWindowFollowsItsZone_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<bool>("silenced");
    QTest::addColumn<QDateTime>("until");
    // Saturday 22:00-23:30 London time: GMT in January, BST (UTC+1) in July.
    QTest::newRow("winter, a second before") << at("2026-01-24T21:59:59Z") << false << QDateTime();
    QTest::newRow("winter, 22:00 GMT") << at("2026-01-24T22:00:00Z") << true << at("2026-01-24T23:30:00Z");
    QTest::newRow("winter, 23:29:59 GMT") << at("2026-01-24T23:29:59Z") << true << at("2026-01-24T23:30:00Z");
    QTest::newRow("winter, 23:30 GMT") << at("2026-01-24T23:30:00Z") << false << QDateTime();
    QTest::newRow("summer, 22:00 BST") << at("2026-07-04T21:00:00Z") << true << at("2026-07-04T22:30:00Z");
    QTest::newRow("summer, 22:00 UTC is 23:00 BST") << at("2026-07-04T22:00:00Z") << true << at("2026-07-04T22:30:00Z");
    QTest::newRow("summer, 23:30 BST") << at("2026-07-04T22:30:00Z") << false << QDateTime();
    QTest::newRow("a friday") << at("2026-07-03T21:30:00Z") << false << QDateTime();
}

void TestSilences::weeklyWindowFollowsItsZone()
{
    QFETCH(QDateTime, time);
    QFETCH(bool, silenced);
    QFETCH(QDateTime, until);
    const Silences silences({ weeklyWindow() });
    QVERIFY(silences.errors().isEmpty());
    const auto match = silences.match(s("trading-api"), QString(), {}, time);
    QCOMPARE(match.has_value(), silenced);
    if (match) {
        QCOMPARE(match->until, until);
        QCOMPARE(match->reason, QString(u"maintenance \"weekend-restart\" until " + until.toString(Qt::ISODate)));
    }
}

void TestSilences::badWeeklyWindowsSilenceNothing()
{
    MaintenanceWindow badSchedule = weeklyWindow();
    badSchedule.name = s("typo");
    badSchedule.weekly = s("Saturday night");
    MaintenanceWindow badZone = weeklyWindow();
    badZone.name = s("zone");
    badZone.timezone = "Europe/Atlantis";
    MaintenanceWindow onceWithoutEnd = onceWindow();
    onceWithoutEnd.end = QDateTime();
    const Silences silences({ badSchedule, badZone, onceWithoutEnd });
    QCOMPARE(silences.errors().size(), 2);
    QVERIFY(silences.errors().at(0).startsWith(s("typo: ")));
    QCOMPARE(silences.errors().at(1), s("zone: unknown timezone \"Europe/Atlantis\""));
    QVERIFY(!silences.isSilenced(s("trading-api"), QString(), {}, at("2026-01-24T22:30:00Z")));
    QVERIFY(!silences.isSilenced(s("database"), QString(), {}, at("2026-11-22T11:00:00Z")));
}

void TestSilences::operatorSilences()
{
    Silences silences;
    OperatorSilence silence;
    silence.services = { s("ingestion") };
    silence.author = s("alice");
    silence.comment = s("vendor feed down, ticket 42");
    silence.created = at("2026-11-22T09:00:00Z");
    silence.start = at("2026-11-22T09:00:00Z");
    silence.end = at("2026-11-22T10:00:00Z");
    const QString id = silences.add(silence);
    QVERIFY(!id.isEmpty());
    QCOMPARE(silences.operatorSilences().size(), 1);

    QString reason;
    QVERIFY(!silences.isSilenced(s("ingestion"), QString(), {}, at("2026-11-22T08:59:59Z")));
    QVERIFY(silences.isSilenced(s("ingestion"), QString(), {}, at("2026-11-22T09:30:00Z"), &reason));
    QCOMPARE(reason, s("silenced by alice: vendor feed down, ticket 42 until 2026-11-22T10:00:00Z"));
    const auto match = silences.match(s("ingestion"), QString(), {}, at("2026-11-22T09:30:00Z"));
    QCOMPARE(match->kind, Silences::Match::Kind::Operator);
    QCOMPARE(match->name, id);
    QVERIFY(!silences.isSilenced(s("workers"), QString(), {}, at("2026-11-22T09:30:00Z")));

    // Replacing by id extends it.
    silence.id = id;
    silence.end = at("2026-11-22T11:00:00Z");
    QCOMPARE(silences.add(silence), id);
    QCOMPARE(silences.operatorSilences().size(), 1);
    QVERIFY(silences.isSilenced(s("ingestion"), QString(), {}, at("2026-11-22T10:30:00Z")));

    QVERIFY(silences.expire(at("2026-11-22T10:59:59Z")).isEmpty());
    QCOMPARE(silences.expire(at("2026-11-22T11:00:00Z")), QStringList { id });
    QVERIFY(silences.operatorSilences().isEmpty());

    const QString other = silences.add(silence);
    QVERIFY(silences.remove(other));
    QVERIFY(!silences.remove(other));
}

void TestSilences::operatorSilenceWithoutEnd()
{
    Silences silences;
    OperatorSilence silence;
    silence.tags = { s("readiness") };
    const QString id = silences.add(silence);
    QString reason;
    QVERIFY(silences.isSilenced(s("any"), s("core"), { s("readiness") }, at("2030-01-01T00:00:00Z"), &reason));
    QCOMPARE(reason, s("silenced by an operator"));
    QVERIFY(!silences.match(s("any"), s("core"), { s("readiness") }, at("2030-01-01T00:00:00Z"))->until.isValid());
    QVERIFY(silences.expire(at("2099-01-01T00:00:00Z")).isEmpty());
    QVERIFY(silences.remove(id));
}

void TestSilences::longestSilenceWins()
{
    Silences silences({ onceWindow() });
    OperatorSilence shorter;
    shorter.services = { s("database") };
    shorter.author = s("bob");
    shorter.end = at("2026-11-22T11:00:00Z");
    silences.add(shorter);
    auto match = silences.match(s("database"), QString(), {}, at("2026-11-22T10:30:00Z"));
    QCOMPARE(match->kind, Silences::Match::Kind::Maintenance);

    OperatorSilence longer = shorter;
    longer.end = at("2026-11-22T13:00:00Z");
    silences.add(longer);
    match = silences.match(s("database"), QString(), {}, at("2026-11-22T10:30:00Z"));
    QCOMPARE(match->kind, Silences::Match::Kind::Operator);
    QCOMPARE(match->until, at("2026-11-22T13:00:00Z"));
}

void TestSilences::reloadKeepsOperatorSilences()
{
    Silences silences({ onceWindow() });
    OperatorSilence silence;
    silence.groups = { s("core") };
    silences.add(silence);
    silences.setMaintenanceWindows({});
    QVERIFY(!silences.isSilenced(s("database"), QString(), {}, at("2026-11-22T11:00:00Z")));
    QVERIFY(silences.isSilenced(s("api"), s("core"), {}, at("2026-11-22T11:00:00Z")));
}

QTEST_GUILESS_MAIN(TestSilences)
#include "tst_silences.moc"
