#include "models/displaytext.h"

#include <QTest>

using namespace hd;

class TestDisplayText : public QObject {
    Q_OBJECT

private slots:
    void latency_data();
    void latency();
    void duration_data();
    void duration();
    void clockTodayShowsTimeOnly();
    void jsonIsPrettyPrinted();
    void hugeBodyIsCapped();
    void binaryBodyIsHexDumped();
    void controlCharactersAreEscaped();
    void cutInsideMultibyteCharacterIsNotBinary();
};

void TestDisplayText::latency_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("sub-10 ms keeps a decimal") << 0.42 << QStringLiteral("0.4 ms");
    QTest::newRow("milliseconds") << 38.4 << QStringLiteral("38 ms");
    QTest::newRow("seconds") << 1250.0 << QStringLiteral("1.25 s");
}

void TestDisplayText::latency()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(formatLatency(ms), text);
}

void TestDisplayText::duration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(45'000) << QStringLiteral("45 s");
    QTest::newRow("minutes") << qint64(12 * 60'000 + 5000) << QStringLiteral("12 min");
    QTest::newRow("hours") << qint64(3 * 3'600'000 + 5 * 60'000) << QStringLiteral("3 h 05 min");
    QTest::newRow("days") << qint64(2 * 86'400'000LL + 4 * 3'600'000) << QStringLiteral("2 d 4 h");
    QTest::newRow("negative clamps to zero") << qint64(-5000) << QStringLiteral("0 s");
}

void TestDisplayText::duration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(formatDuration(ms), text);
}

void TestDisplayText::clockTodayShowsTimeOnly()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(formatClock(now, now), now.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    QVERIFY(formatClock(now.addDays(-30), now).contains(u'-'));
    QVERIFY(formatClock(QDateTime(), now).isEmpty());
}

void TestDisplayText::jsonIsPrettyPrinted()
{
    const QString shown = bodyForDisplay(R"({"status":"not_ready","checks":{"database":false}})");
    QVERIFY(shown.contains(QStringLiteral("\n    \"checks\": {")));
    QVERIFY(shown.contains(QStringLiteral("\"database\": false")));
}

void TestDisplayText::hugeBodyIsCapped()
{
    const QByteArray body(5 * 1024 * 1024, 'x');
    const QString shown = bodyForDisplay(body, 64 * 1024);
    QVERIFY(shown.size() < 70 * 1024);
    QVERIFY(shown.contains(QStringLiteral("65536 of 5242880 bytes shown")));
    // Huge JSON too: formatted, then capped.
    QByteArray json = "[";
    for (int i = 0; i < 200000; ++i)
        json += "{\"n\":" + QByteArray::number(i) + "},";
    json += "0]";
    const QString prettyShown = bodyForDisplay(json, 4096);
    QVERIFY(prettyShown.size() < 5000);
    QVERIFY(prettyShown.contains(QStringLiteral("formatted JSON shown")));
}

void TestDisplayText::binaryBodyIsHexDumped()
{
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    png += QByteArray(10000, '\xff');
    const QString shown = bodyForDisplay(png, 64 * 1024);
    QVERIFY(shown.startsWith(QStringLiteral("binary body, 10016 bytes")));
    QVERIFY(shown.contains(QStringLiteral("00000000  89 50 4e 47")));
    QVERIFY(shown.contains(QStringLiteral(".PNG")));
    QVERIFY(!shown.contains(QChar(0)));
}

void TestDisplayText::controlCharactersAreEscaped()
{
    const QString shown = bodyForDisplay("ok\x1b[31mred\x07\r\nnext\tline");
    QCOMPARE(shown, QStringLiteral("ok\\x1b[31mred\\x07\nnext\tline"));
}

void TestDisplayText::cutInsideMultibyteCharacterIsNotBinary()
{
    // "é" is two bytes; a cap in the middle of it must not turn the body into a hex dump.
    const QByteArray body = QByteArray(99, 'a') + QStringLiteral("\u00e9\u00e9\u00e9").toUtf8();
    const QString shown = bodyForDisplay(body, 100);
    QVERIFY(!shown.startsWith(QStringLiteral("binary")));
    QVERIFY(shown.startsWith(QString(99, u'a')));
}

QTEST_GUILESS_MAIN(TestDisplayText)
#include "tst_displaytext.moc"
