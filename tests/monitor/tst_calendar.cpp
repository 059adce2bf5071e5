#include "config/configvalues.h"
#include "monitor/calendar.h"

#include <QtTest>

using hd::CalendarConfig;
using hd::MarketCalendar;

namespace {

QDateTime at(const char* iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    if (!t.isValid())
        qFatal("bad timestamp in test: %s", iso);
    return t;
}

MarketCalendar calendar(const char* zone, const QStringList& sessions, const QList<QDate>& holidays = {})
{
    CalendarConfig config;
    config.name = QStringLiteral("test");
    config.timezone = zone;
    for (const QString& s : sessions) {
        const auto session = hd::parseWeeklySession(s);
        if (!session)
            qFatal("bad session in test: %s", qPrintable(s));
        config.sessions.append(*session);
    }
    config.holidays = holidays;
    return MarketCalendar(config);
}

// NSE: Asia/Kolkata is UTC+05:30 all year, so 09:15 IST is 03:45Z and 15:30 IST is 10:00Z.
MarketCalendar nse()
{
    return calendar(
        "Asia/Kolkata", { QStringLiteral("Mon-Fri 09:15-15:30") }, { QDate(2026, 1, 26), QDate(2026, 3, 3) });
}

} // namespace

class TestCalendar : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nseEdges_data();
    void nseEdges();
    void nseTransitionChainSkipsWeekendAndHoliday();
    void subSecondTimes();
    void newYorkAcrossDst_data();
    void newYorkAcrossDst();
    void dstDaySessions_data();
    void dstDaySessions();
    void sessionInSkippedHourNeverOpens();
    void fallBackSessionOpensOnce();
    void crossMidnight_data();
    void crossMidnight();
    void crossMidnightChainAndDst();
    void touchingSessionsMerge();
    void alwaysAndNeverOpen();
    void unknownTimeZoneFallsBackToUtc();
    void transitionsAgreeWithIsActive_data();
    void transitionsAgreeWithIsActive();
};

void TestCalendar::nseEdges_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<bool>("active");

    QTest::newRow("tue 09:14:59 IST, before the open") << at("2026-01-27T03:44:59Z") << false;
    QTest::newRow("tue 09:15:00 IST, the open") << at("2026-01-27T03:45:00Z") << true;
    QTest::newRow("tue 15:29:59 IST, last second") << at("2026-01-27T09:59:59Z") << true;
    QTest::newRow("tue 15:30:00 IST, the close") << at("2026-01-27T10:00:00Z") << false;
    QTest::newRow("fri midday") << at("2026-01-23T06:30:00Z") << true;
    QTest::newRow("sat midday, weekend") << at("2026-01-24T06:30:00Z") << false;
    QTest::newRow("sun midday, weekend") << at("2026-01-25T06:30:00Z") << false;
    QTest::newRow("mon midday, Republic Day holiday") << at("2026-01-26T06:30:00Z") << false;
    QTest::newRow("tue 03-03 midday, holiday") << at("2026-03-03T06:30:00Z") << false;
    QTest::newRow("wed 03-04 midday") << at("2026-03-04T06:30:00Z") << true;
    QTest::newRow("tue 02:00 IST, night") << at("2026-01-26T20:30:00Z") << false;
}

void TestCalendar::nseEdges()
{
    QFETCH(QDateTime, time);
    QFETCH(bool, active);
    QCOMPARE(nse().isActive(time), active);
}

void TestCalendar::nseTransitionChainSkipsWeekendAndHoliday()
{
    const MarketCalendar cal = nse();
    const QList<QDateTime> expected {
        at("2026-01-23T10:00:00Z"), // Fri close
        at("2026-01-27T03:45:00Z"), // Tue open: Sat, Sun and the Monday holiday skipped
        at("2026-01-27T10:00:00Z"),
        at("2026-01-28T03:45:00Z"),
        at("2026-01-28T10:00:00Z"),
    };
    QDateTime t = at("2026-01-23T06:30:00Z");
    for (const QDateTime& next : expected) {
        t = cal.nextTransition(t);
        QCOMPARE(t, next);
        QCOMPARE(t.timeSpec(), Qt::UTC);
    }
}

void TestCalendar::subSecondTimes()
{
    const MarketCalendar cal = nse();
    const QDateTime open = at("2026-01-27T03:45:00Z");
    QVERIFY(!cal.isActive(open.addMSecs(-1)));
    QVERIFY(cal.isActive(open));
    QCOMPARE(cal.nextTransition(open.addMSecs(-1)), open);
    QCOMPARE(cal.nextTransition(open.addMSecs(-1000)), open);
    // Exactly at a transition, the next one is the following change.
    QCOMPARE(cal.nextTransition(open), at("2026-01-27T10:00:00Z"));
    QCOMPARE(cal.nextTransition(open.addMSecs(1)), at("2026-01-27T10:00:00Z"));
    // Any time spec is accepted; only the instant matters.
    QVERIFY(cal.isActive(open.toTimeZone(QTimeZone("America/New_York"))));
}

void TestCalendar::newYorkAcrossDst_data()
{
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("next");

    // EST (-05:00) until 2026-03-08 07:00Z, EDT (-04:00) until 2026-11-01 06:00Z.
    QTest::newRow("fri close before spring-forward weekend")
        << at("2026-03-06T15:00:00Z") << at("2026-03-06T21:00:00Z");
    QTest::newRow("mon open after spring-forward, one hour earlier in UTC")
        << at("2026-03-06T21:00:00Z") << at("2026-03-09T13:30:00Z");
    QTest::newRow("mon close in EDT") << at("2026-03-09T13:30:00Z") << at("2026-03-09T20:00:00Z");
    QTest::newRow("fri close before fall-back weekend") << at("2026-10-30T15:00:00Z") << at("2026-10-30T20:00:00Z");
    QTest::newRow("mon open after fall-back, one hour later in UTC")
        << at("2026-10-30T20:00:00Z") << at("2026-11-02T14:30:00Z");
    QTest::newRow("2037 fall-back") << at("2037-10-30T21:00:00Z") << at("2037-11-02T14:30:00Z");
    QTest::newRow("across new year 2038") << at("2037-12-31T21:00:00Z") << at("2038-01-01T14:30:00Z");
    QTest::newRow("2040 spring-forward") << at("2040-03-09T21:00:00Z") << at("2040-03-12T13:30:00Z");
    QTest::newRow("2040 close in EDT") << at("2040-03-12T13:30:00Z") << at("2040-03-12T20:00:00Z");
}

void TestCalendar::newYorkAcrossDst()
{
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, next);
    const MarketCalendar cal = calendar("America/New_York", { QStringLiteral("Mon-Fri 09:30-16:00") });
    QCOMPARE(cal.nextTransition(from), next);
    QVERIFY(cal.isActive(next) != cal.isActive(next.addSecs(-1)));
}

void TestCalendar::dstDaySessions_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("session");
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<bool>("active");

    const QByteArray ny("America/New_York");
    const QByteArray london("Europe/London");

    // New York spring-forward, 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z.
    const QString nySpring = QStringLiteral("Sun 01:00-04:00"); // 06:00Z to 08:00Z: two real hours
    QTest::newRow("ny spring 00:59:59 EST") << ny << nySpring << at("2026-03-08T05:59:59Z") << false;
    QTest::newRow("ny spring 01:00 EST opens") << ny << nySpring << at("2026-03-08T06:00:00Z") << true;
    QTest::newRow("ny spring 03:59:59 EDT") << ny << nySpring << at("2026-03-08T07:59:59Z") << true;
    QTest::newRow("ny spring 04:00 EDT closes") << ny << nySpring << at("2026-03-08T08:00:00Z") << false;

    // A start in the skipped hour opens when the clocks jump (03:00 EDT).
    const QString skippedStart = QStringLiteral("Sun 02:30-03:30");
    QTest::newRow("ny skipped start, before the jump") << ny << skippedStart << at("2026-03-08T06:59:59Z") << false;
    QTest::newRow("ny skipped start, at the jump") << ny << skippedStart << at("2026-03-08T07:00:00Z") << true;
    QTest::newRow("ny skipped start, 03:29:59 EDT") << ny << skippedStart << at("2026-03-08T07:29:59Z") << true;
    QTest::newRow("ny skipped start, 03:30 EDT closes") << ny << skippedStart << at("2026-03-08T07:30:00Z") << false;
    QTest::newRow("ny skipped start, normal week 02:30 EDT")
        << ny << skippedStart << at("2026-03-15T06:30:00Z") << true;

    // An end in the skipped hour closes at the jump.
    const QString skippedEnd = QStringLiteral("Sun 01:00-02:30");
    QTest::newRow("ny skipped end, 01:59:59 EST") << ny << skippedEnd << at("2026-03-08T06:59:59Z") << true;
    QTest::newRow("ny skipped end, at the jump") << ny << skippedEnd << at("2026-03-08T07:00:00Z") << false;

    // New York fall-back, 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z.
    const QString nyFall = QStringLiteral("Sun 01:00-04:00"); // 05:00Z (first 01:00) to 09:00Z: four real hours
    QTest::newRow("ny fall 00:59:59 EDT") << ny << nyFall << at("2026-11-01T04:59:59Z") << false;
    QTest::newRow("ny fall first 01:00 opens") << ny << nyFall << at("2026-11-01T05:00:00Z") << true;
    QTest::newRow("ny fall second 01:30") << ny << nyFall << at("2026-11-01T06:30:00Z") << true;
    QTest::newRow("ny fall 03:59:59 EST") << ny << nyFall << at("2026-11-01T08:59:59Z") << true;
    QTest::newRow("ny fall 04:00 EST closes") << ny << nyFall << at("2026-11-01T09:00:00Z") << false;

    // London spring-forward, 2026-03-29: 01:00 GMT becomes 02:00 BST at 01:00Z.
    const QString londonSpring = QStringLiteral("Sun 00:30-02:30");
    QTest::newRow("london spring 00:29:59 GMT") << london << londonSpring << at("2026-03-29T00:29:59Z") << false;
    QTest::newRow("london spring 00:30 GMT opens") << london << londonSpring << at("2026-03-29T00:30:00Z") << true;
    QTest::newRow("london spring 02:29:59 BST") << london << londonSpring << at("2026-03-29T01:29:59Z") << true;
    QTest::newRow("london spring 02:30 BST closes") << london << londonSpring << at("2026-03-29T01:30:00Z") << false;

    const QString londonWeek = QStringLiteral("Mon-Fri 08:00-16:30");
    QTest::newRow("london fri 07:59:59 GMT") << london << londonWeek << at("2026-03-27T07:59:59Z") << false;
    QTest::newRow("london fri 08:00 GMT") << london << londonWeek << at("2026-03-27T08:00:00Z") << true;
    QTest::newRow("london mon 07:59:59 BST") << london << londonWeek << at("2026-03-30T06:59:59Z") << false;
    QTest::newRow("london mon 08:00 BST") << london << londonWeek << at("2026-03-30T07:00:00Z") << true;
    QTest::newRow("london mon 16:29:59 BST") << london << londonWeek << at("2026-03-30T15:29:59Z") << true;
    QTest::newRow("london mon 16:30 BST") << london << londonWeek << at("2026-03-30T15:30:00Z") << false;

    // London fall-back, 2026-10-25: 02:00 BST becomes 01:00 GMT at 01:00Z. A
    // session inside the repeated hour runs at its first occurrence only.
    const QString londonFall = QStringLiteral("Sun 01:00-01:30");
    QTest::newRow("london fall 00:59:59 BST") << london << londonFall << at("2026-10-24T23:59:59Z") << false;
    QTest::newRow("london fall first 01:00 BST opens") << london << londonFall << at("2026-10-25T00:00:00Z") << true;
    QTest::newRow("london fall 01:29:59 BST") << london << londonFall << at("2026-10-25T00:29:59Z") << true;
    QTest::newRow("london fall 01:30 BST closes") << london << londonFall << at("2026-10-25T00:30:00Z") << false;
    QTest::newRow("london fall second 01:15 GMT stays closed")
        << london << londonFall << at("2026-10-25T01:15:00Z") << false;
}

void TestCalendar::dstDaySessions()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, session);
    QFETCH(QDateTime, time);
    QFETCH(bool, active);
    const MarketCalendar cal = calendar(zone.constData(), { session });
    QVERIFY(cal.hasValidTimeZone());
    QCOMPARE(cal.isActive(time), active);
}

void TestCalendar::sessionInSkippedHourNeverOpens()
{
    // 02:00-02:45 does not exist in New York on 2026-03-08: no session that day.
    const MarketCalendar cal = calendar("America/New_York", { QStringLiteral("Sun 02:00-02:45") });
    QVERIFY(!cal.isActive(at("2026-03-08T06:30:00Z")));
    QVERIFY(!cal.isActive(at("2026-03-08T07:00:00Z")));
    QCOMPARE(cal.nextTransition(at("2026-03-08T00:00:00Z")), at("2026-03-15T06:00:00Z"));
    QCOMPARE(cal.nextTransition(at("2026-03-15T06:00:00Z")), at("2026-03-15T06:45:00Z"));
    // The Sunday before, in EST.
    QCOMPARE(cal.nextTransition(at("2026-03-01T00:00:00Z")), at("2026-03-01T07:00:00Z"));
    QCOMPARE(cal.nextTransition(at("2026-03-01T07:00:00Z")), at("2026-03-01T07:45:00Z"));
    QCOMPARE(cal.nextTransition(at("2026-03-01T07:45:00Z")), at("2026-03-15T06:00:00Z"));
}

void TestCalendar::fallBackSessionOpensOnce()
{
    const MarketCalendar cal = calendar("Europe/London", { QStringLiteral("Sun 01:00-01:30") });
    QCOMPARE(cal.nextTransition(at("2026-10-24T12:00:00Z")), at("2026-10-25T00:00:00Z"));
    QCOMPARE(cal.nextTransition(at("2026-10-25T00:00:00Z")), at("2026-10-25T00:30:00Z"));
    QCOMPARE(cal.nextTransition(at("2026-10-25T00:30:00Z")), at("2026-11-01T01:00:00Z"));
}

void TestCalendar::crossMidnight_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<bool>("active");
    // UTC; sessions "Sun-Thu 22:00-06:00"; Monday 2026-01-19 is a holiday.
    QTest::newRow("sun 21:59:59") << at("2026-01-18T21:59:59Z") << false;
    QTest::newRow("sun 22:00 opens") << at("2026-01-18T22:00:00Z") << true;
    QTest::newRow("holiday mon 03:00, sunday session runs on") << at("2026-01-19T03:00:00Z") << true;
    QTest::newRow("holiday mon 05:59:59") << at("2026-01-19T05:59:59Z") << true;
    QTest::newRow("holiday mon 06:00 closes") << at("2026-01-19T06:00:00Z") << false;
    QTest::newRow("holiday mon 22:00, no session opens") << at("2026-01-19T22:00:00Z") << false;
    QTest::newRow("tue 03:00 after the holiday") << at("2026-01-20T03:00:00Z") << false;
    QTest::newRow("tue 22:00") << at("2026-01-20T22:00:00Z") << true;
    QTest::newRow("thu 23:00") << at("2026-01-22T23:00:00Z") << true;
    QTest::newRow("fri 05:59:59, thursday session") << at("2026-01-23T05:59:59Z") << true;
    QTest::newRow("fri 06:00") << at("2026-01-23T06:00:00Z") << false;
    QTest::newRow("fri 22:00, no friday session") << at("2026-01-23T22:00:00Z") << false;
    QTest::newRow("sat 03:00") << at("2026-01-24T03:00:00Z") << false;
}

void TestCalendar::crossMidnight()
{
    QFETCH(QDateTime, time);
    QFETCH(bool, active);
    const MarketCalendar cal = calendar("", { QStringLiteral("Sun-Thu 22:00-06:00") }, { QDate(2026, 1, 19) });
    QCOMPARE(cal.isActive(time), active);
}

void TestCalendar::crossMidnightChainAndDst()
{
    const MarketCalendar utc = calendar("UTC", { QStringLiteral("Sun-Thu 22:00-06:00") });
    QDateTime t = at("2026-01-23T03:00:00Z");
    for (const QDateTime& next : { at("2026-01-23T06:00:00Z"), at("2026-01-25T22:00:00Z"), at("2026-01-26T06:00:00Z"),
             at("2026-01-26T22:00:00Z") }) {
        t = utc.nextTransition(t);
        QCOMPARE(t, next);
    }

    // Saturday night over the London spring-forward: 22:00 GMT to 06:00 BST is 7 hours.
    const MarketCalendar london = calendar("Europe/London", { QStringLiteral("Sat 22:00-06:00") });
    QCOMPARE(london.nextTransition(at("2026-03-28T12:00:00Z")), at("2026-03-28T22:00:00Z"));
    QCOMPARE(london.nextTransition(at("2026-03-28T22:00:00Z")), at("2026-03-29T05:00:00Z"));
    QVERIFY(london.isActive(at("2026-03-29T04:59:59Z")));
    QVERIFY(!london.isActive(at("2026-03-29T05:00:00Z")));
}

void TestCalendar::touchingSessionsMerge()
{
    const MarketCalendar cal = calendar("",
        { QStringLiteral("Mon-Fri 09:00-12:00"), QStringLiteral("Mon-Fri 12:00-17:00"),
            QStringLiteral("Mon 11:00-13:00") });
    QVERIFY(cal.isActive(at("2026-01-19T12:00:00Z")));
    QCOMPARE(cal.nextTransition(at("2026-01-19T10:00:00Z")), at("2026-01-19T17:00:00Z"));
    QCOMPARE(cal.nextTransition(at("2026-01-19T08:00:00Z")), at("2026-01-19T09:00:00Z"));
    // Tuesday has only the two touching sessions.
    QVERIFY(cal.isActive(at("2026-01-20T12:00:00Z")));
    QCOMPARE(cal.nextTransition(at("2026-01-20T10:00:00Z")), at("2026-01-20T17:00:00Z"));
}

void TestCalendar::alwaysAndNeverOpen()
{
    const MarketCalendar always = calendar("Europe/London", { QStringLiteral("00:00-24:00") });
    QVERIFY(always.isActive(at("2026-03-29T01:00:00Z")));
    QVERIFY(always.isActive(at("2026-10-25T01:30:00Z")));
    QVERIFY(!always.nextTransition(at("2026-01-01T00:00:00Z")).isValid());

    const MarketCalendar never = calendar("Europe/London", {});
    QVERIFY(!never.isActive(at("2026-01-19T12:00:00Z")));
    QVERIFY(!never.nextTransition(at("2026-01-01T00:00:00Z")).isValid());

    const MarketCalendar empty;
    QVERIFY(!empty.isActive(at("2026-01-19T12:00:00Z")));
    QVERIFY(!empty.nextTransition(at("2026-01-19T12:00:00Z")).isValid());

    // Holidays only ever suspend a weekly schedule, so the next open is found past them.
    QList<QDate> longBreak;
    for (QDate d(2026, 1, 1); d < QDate(2026, 7, 1); d = d.addDays(1))
        longBreak.append(d);
    const MarketCalendar paused = calendar("", { QStringLiteral("Mon-Fri 09:00-17:00") }, longBreak);
    QCOMPARE(paused.nextTransition(at("2026-01-01T00:00:00Z")), at("2026-07-01T09:00:00Z"));
}

void TestCalendar::unknownTimeZoneFallsBackToUtc()
{
    const MarketCalendar cal = calendar("Mars/Olympus_Mons", { QStringLiteral("Mon-Fri 09:00-17:00") });
    QVERIFY(!cal.hasValidTimeZone());
    QVERIFY(cal.isActive(at("2026-01-19T09:00:00Z")));
    QVERIFY(!cal.isActive(at("2026-01-19T08:59:59Z")));
}

void TestCalendar::transitionsAgreeWithIsActive_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QStringList>("sessions");
    QTest::addColumn<QDateTime>("from");

    QTest::newRow("new york spring") << QByteArray("America/New_York")
                                     << QStringList { QStringLiteral("Mon-Fri 09:30-16:00"),
                                            QStringLiteral("Sun 01:30-02:30"), QStringLiteral("Sat,Sun 20:00-03:00") }
                                     << at("2026-02-20T00:00:00Z");
    QTest::newRow("new york fall") << QByteArray("America/New_York")
                                   << QStringList { QStringLiteral("Mon-Fri 09:30-16:00"),
                                          QStringLiteral("Sun 01:30-02:30"), QStringLiteral("Sat,Sun 20:00-03:00") }
                                   << at("2026-10-20T00:00:00Z");
    QTest::newRow("london both") << QByteArray(
        "Europe/London") << QStringList { QStringLiteral("Sun-Thu 23:00-01:30"), QStringLiteral("Mon-Fri 08:00-16:30") }
                                 << at("2026-03-20T00:00:00Z");
    QTest::newRow("kolkata") << QByteArray("Asia/Kolkata") << QStringList { QStringLiteral("Mon-Fri 09:15-15:30") }
                             << at("2026-01-20T00:00:00Z");
}

void TestCalendar::transitionsAgreeWithIsActive()
{
    QFETCH(QByteArray, zone);
    QFETCH(QStringList, sessions);
    QFETCH(QDateTime, from);
    const MarketCalendar cal = calendar(zone.constData(), sessions);
    QDateTime t = from;
    int transitions = 0;
    while (t < from.addDays(21)) {
        const QDateTime next = cal.nextTransition(t);
        QVERIFY(next.isValid());
        QVERIFY(next > t);
        // Constant in between (sampled every 7 minutes), flipping exactly at the transition.
        const bool state = cal.isActive(t);
        for (QDateTime probe = t.addSecs(420); probe < next; probe = probe.addSecs(420))
            QCOMPARE(cal.isActive(probe), state);
        QCOMPARE(cal.isActive(next.addSecs(-1)), state);
        QCOMPARE(cal.isActive(next), !state);
        t = next;
        ++transitions;
    }
    QVERIFY(transitions > 20);
}

QTEST_GUILESS_MAIN(TestCalendar)
#include "tst_calendar.moc"
