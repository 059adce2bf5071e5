#include "config/configvalues.h"

#include <QtTest>

class TestConfigValues : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sizes_data();
    void sizes();
    void sessions_data();
    void sessions();
    void badSessions_data();
    void badSessions();
    void closest_data();
    void closest();
};

void TestConfigValues::sizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes"); // -1: rejected
    QTest::newRow("plain-bytes") << "65536" << qint64(65536);
    QTest::newRow("b") << "100B" << qint64(100);
    QTest::newRow("kb-decimal") << "512KB" << qint64(512'000);
    QTest::newRow("mb-decimal") << "4MB" << qint64(4'000'000);
    QTest::newRow("gb-decimal") << "1GB" << qint64(1'000'000'000);
    QTest::newRow("kib") << "512KiB" << qint64(524'288);
    QTest::newRow("mib") << "1MiB" << qint64(1'048'576);
    QTest::newRow("gib") << "2GiB" << qint64(2LL * 1024 * 1024 * 1024);
    QTest::newRow("lowercase") << "4mb" << qint64(4'000'000);
    QTest::newRow("space-before-unit") << "4 MiB" << qint64(4'194'304);
    QTest::newRow("zero") << "0" << qint64(-1);
    QTest::newRow("negative") << "-1MB" << qint64(-1);
    QTest::newRow("fraction") << "1.5MB" << qint64(-1);
    QTest::newRow("unknown-unit") << "4TB" << qint64(-1);
    QTest::newRow("unit-only") << "MB" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
}

void TestConfigValues::sizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    const auto parsed = hd::parseSizeBytes(text);
    if (bytes < 0)
        QVERIFY(!parsed);
    else
        QCOMPARE(parsed.value_or(-1), bytes);
}

void TestConfigValues::sessions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("days");
    QTest::addColumn<QTime>("start");
    QTest::addColumn<QTime>("end");
    QTest::newRow("weekdays") << "Mon-Fri 09:15-15:30" << QList<int> { 1, 2, 3, 4, 5 } << QTime(9, 15) << QTime(15, 30);
    QTest::newRow("one-day") << "Sat 10:00-12:00" << QList<int> { 6 } << QTime(10, 0) << QTime(12, 0);
    QTest::newRow("day-list") << "Mon,Wed 09:00-10:00" << QList<int> { 1, 3 } << QTime(9, 0) << QTime(10, 0);
    QTest::newRow("list-and-range") << "Sun,Mon-Tue 1:05-2:00" << QList<int> { 1, 2, 7 } << QTime(1, 5) << QTime(2, 0);
    QTest::newRow("wrapping-range") << "Fri-Mon 08:00-09:00" << QList<int> { 1, 5, 6, 7 } << QTime(8, 0) << QTime(9, 0);
    QTest::newRow("full-names-any-case") << "monday-TUESDAY 08:00-09:00" << QList<int> { 1, 2 } << QTime(8, 0)
                                         << QTime(9, 0);
    QTest::newRow("seconds") << "Thu 09:15:30-15:29:59" << QList<int> { 4 } << QTime(9, 15, 30) << QTime(15, 29, 59);
    QTest::newRow("end-of-day") << "Sun 22:00-24:00" << QList<int> { 7 } << QTime(22, 0) << QTime(0, 0);
    QTest::newRow("crosses-midnight") << "Sun-Thu 22:00-06:00" << QList<int> { 1, 2, 3, 4, 7 } << QTime(22, 0)
                                      << QTime(6, 0);
    QTest::newRow("every-day") << "00:00-24:00" << QList<int> { 1, 2, 3, 4, 5, 6, 7 } << QTime(0, 0) << QTime(0, 0);
    QTest::newRow("spaces-around-dash") << "  Mon  09:00 - 10:00 " << QList<int> { 1 } << QTime(9, 0) << QTime(10, 0);
}

void TestConfigValues::sessions()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, days);
    QFETCH(QTime, start);
    QFETCH(QTime, end);
    QString error;
    const auto session = hd::parseWeeklySession(text, &error);
    QVERIFY2(session, qPrintable(error));
    QCOMPARE(session->days, days);
    QCOMPARE(session->start, start);
    QCOMPARE(session->end, end);
}

void TestConfigValues::badSessions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("messageStart");
    QTest::newRow("no-times") << "Mon-Fri"
                              << "bad session 'Mon-Fri': write days and times like 'Mon-Fri 09:15-15:30'";
    QTest::newRow("bad-day") << "Mon-Fry 09:00-10:00"
                             << "bad day 'Mon-Fry' in session 'Mon-Fry 09:00-10:00'";
    QTest::newRow("empty-day") << "Mon,,Tue 09:00-10:00"
                               << "bad day '' in session";
    QTest::newRow("bad-hour") << "Mon 25:00-26:00"
                              << "bad time range '25:00-26:00' in session 'Mon 25:00-26:00'";
    QTest::newRow("no-dash") << "Mon 09:00"
                             << "bad time range '09:00'";
    QTest::newRow("start-24") << "Mon 24:00-24:00"
                              << "bad time range";
    QTest::newRow("past-midnight-end") << "Mon 09:00-24:30"
                                       << "bad time range '09:00-24:30'";
}

void TestConfigValues::badSessions()
{
    QFETCH(QString, text);
    QFETCH(QString, messageStart);
    QString error;
    QVERIFY(!hd::parseWeeklySession(text, &error));
    QVERIFY2(error.startsWith(messageStart), qPrintable(error));
}

void TestConfigValues::closest_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("match");
    QTest::newRow("one-typo") << "intervl"
                              << "interval";
    QTest::newRow("transposition") << "tiemout"
                                   << "timeout";
    QTest::newRow("case") << "Severity"
                          << "severity";
    QTest::newRow("prefix") << "fail"
                            << "failure_threshold";
    QTest::newRow("longer-than-key") << "failure_thresholds_count"
                                     << "failure_threshold";
    QTest::newRow("plural") << "condition"
                            << "conditions";
    QTest::newRow("nothing-close") << "colour"
                                   << "";
    QTest::newRow("too-short-to-guess") << "x"
                                        << "";
    QTest::newRow("https-to-http") << "https"
                                   << "http";
    QTest::newRow("suffix") << "threshold"
                            << "failure_threshold";
}

void TestConfigValues::closest()
{
    QFETCH(QString, word);
    QFETCH(QString, match);
    const QStringList checkKeys = {
        QStringLiteral("name"),
        QStringLiteral("tags"),
        QStringLiteral("interval"),
        QStringLiteral("timeout"),
        QStringLiteral("failure_threshold"),
        QStringLiteral("success_threshold"),
        QStringLiteral("severity"),
        QStringLiteral("active"),
        QStringLiteral("conditions"),
        QStringLiteral("http"),
        QStringLiteral("redis"),
        QStringLiteral("tcp"),
        QStringLiteral("file"),
        QStringLiteral("exec"),
    };
    QCOMPARE(hd::closestMatch(word, checkKeys), match);
}

QTEST_GUILESS_MAIN(TestConfigValues)
#include "tst_configvalues.moc"
