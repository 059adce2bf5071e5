#include "core/duration.h"

#include <QtTest>

class TestDuration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void format();
};

void TestDuration::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms"); // -1: rejected
    QTest::newRow("milliseconds") << "250ms" << qint64(250);
    QTest::newRow("seconds") << "10s" << qint64(10'000);
    QTest::newRow("minutes") << "5m" << qint64(300'000);
    QTest::newRow("hours") << "1h" << qint64(3'600'000);
    QTest::newRow("days") << "1d" << qint64(86'400'000);
    QTest::newRow("compound") << "1h30m" << qint64(5'400'000);
    QTest::newRow("fraction") << "1.5s" << qint64(1'500);
    QTest::newRow("spaces-trimmed") << " 2s " << qint64(2'000);
    QTest::newRow("bare-number") << "10" << qint64(-1);
    QTest::newRow("unknown-unit") << "10x" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
    QTest::newRow("negative") << "-5s" << qint64(-1);
    QTest::newRow("unit-only") << "s" << qint64(-1);
}

void TestDuration::parse()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const auto parsed = hd::parseDurationMs(text);
    if (ms < 0)
        QVERIFY(!parsed.has_value());
    else
        QCOMPARE(parsed.value_or(-1), ms);
}

void TestDuration::format()
{
    QCOMPARE(hd::formatDurationMs(250), QStringLiteral("250ms"));
    QCOMPARE(hd::formatDurationMs(10'000), QStringLiteral("10s"));
    QCOMPARE(hd::formatDurationMs(5'400'000), QStringLiteral("1h30m"));
    QCOMPARE(hd::parseDurationMs(hd::formatDurationMs(3'723'000)).value_or(0), qint64(3'723'000));
}

QTEST_GUILESS_MAIN(TestDuration)
#include "tst_duration.moc"
