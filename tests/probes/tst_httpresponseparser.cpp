// The HTTP/1.x response parser on raw bytes: every framing, fed whole and split at every possible point.
#include "probes/httpresponseparser.h"

#include <QtTest>

using hd::HttpResponseParser;
using Result = HttpResponseParser::Result;

class TestHttpResponseParser : public QObject {
    Q_OBJECT
private slots:
    void framings_data();
    void framings();
    void malformed_data();
    void malformed();
    void bodyCap();
    void untilCloseNeedsTheClose();
    void keepAlive_data();
    void keepAlive();
};

namespace {

struct Parsed {
    Result result = Result::NeedMore;
    int status = 0;
    QByteArray body;
    QString error;
    bool keepAlive = false;
};

// Feeds `bytes` cut at every `step` bytes (0: whole); `close` then reports the end of the connection.
Parsed parse(const QByteArray& bytes, qsizetype step, bool close, bool head = false, qint64 cap = 0)
{
    HttpResponseParser parser;
    parser.reset(head, cap);
    Result result = Result::NeedMore;
    if (step == 0) {
        result = parser.feed(bytes);
    } else {
        for (qsizetype at = 0; at < bytes.size(); at += step)
            result = parser.feed(QByteArrayView(bytes).sliced(at, qMin(step, bytes.size() - at)));
    }
    if (close)
        result = parser.closed();
    return { result, parser.status(), parser.body(), parser.error(), parser.keepAlive() };
}

} // namespace

void TestHttpResponseParser::framings_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("content-length") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}")
                                    << false << 200 << QByteArray("{\"status\":\"ok\"}");
    QTest::newRow("chunked with extension and trailer")
        << QByteArray("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "4;x=y\r\nnot_\r\n5\r\nready\r\n0\r\nX-Trailer: 1\r\n\r\n")
        << false << 503 << QByteArray("not_ready");
    QTest::newRow("interim 100 then 204")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n") << false << 204 << QByteArray();
    QTest::newRow("HEAD ignores Content-Length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n") << true << 200 << QByteArray();
    QTest::newRow("bare LF line ends and folded header")
        << QByteArray("HTTP/1.0 200 OK\nX-Long: a\n b\nContent-Length: 2\n\nok") << false << 200 << QByteArray("ok");
    QTest::newRow("stray line ends before the status line")
        << QByteArray("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << false << 200 << QByteArray();
}

void TestHttpResponseParser::framings()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, head);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    for (qsizetype step = 0; step <= bytes.size(); ++step) {
        const Parsed p = parse(bytes, step, false, head);
        QVERIFY2(p.result == Result::Complete, qPrintable(QStringLiteral("split every %1: %2").arg(step).arg(p.error)));
        QCOMPARE(p.status, status);
        QCOMPARE(p.body, body);
    }
}

void TestHttpResponseParser::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n")
                              << QStringLiteral(
                                     "the status line does not start with HTTP/ (\"SSH-2.0-OpenSSH_9.2..\")");
    QTest::newRow("HTTP/2 status line") << QByteArray("HTTP/2 200\r\n\r\n")
                                        << QStringLiteral("invalid status line \"HTTP/2 200\"");
    QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length 2\r\n\r\nok")
                                          << QStringLiteral("malformed header line \"Content-Length 2\"");
    QTest::newRow("conflicting lengths") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n")
                                         << QStringLiteral("invalid Content-Length \"3\"");
    QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << QStringLiteral("invalid chunk size \"zz\"");
    QTest::newRow("chunk longer than its size")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokay\r\n")
        << QStringLiteral("chunk data longer than its size");
    QTest::newRow("endless headers") << QByteArray("HTTP/1.1 200 OK\r\n") + QByteArray("X: y\r\n").repeated(20'000)
                                     << QStringLiteral("response headers larger than 65536 bytes");
}

void TestHttpResponseParser::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    for (const qsizetype step : { qsizetype(0), qsizetype(1), qsizetype(7), qsizetype(4096) }) {
        const Parsed p = parse(bytes, step, false);
        QVERIFY2(p.result == Result::Malformed, qPrintable(QStringLiteral("split every %1").arg(step)));
        if (step == 0 || step >= bytes.size())
            QCOMPARE(p.error, error);
        else // the quoted preview shows what had arrived when it was judged
            QVERIFY2(p.error.startsWith(error.section(QStringLiteral(" (\""), 0, 0)), qPrintable(p.error));
        QVERIFY(!p.keepAlive);
    }
}

void TestHttpResponseParser::bodyCap()
{
    // Announced too large: nothing of it is read.
    Parsed p = parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0, false, false, 10);
    QVERIFY(p.result == Result::TooLarge);
    QVERIFY(p.body.isEmpty());
    // Chunked past the cap: what fits is kept.
    const QByteArray chunked
        = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n";
    for (qsizetype step = 0; step <= chunked.size(); ++step) {
        p = parse(chunked, step, false, false, 10);
        QVERIFY(p.result == Result::TooLarge);
        QCOMPARE(p.body, QByteArray("0123456789"));
        QVERIFY(!p.keepAlive);
    }
    // Exactly at the cap is fine.
    p = parse(chunked, 3, false, false, 16);
    QVERIFY(p.result == Result::Complete);
    QCOMPARE(p.body.size(), 16);
}

void TestHttpResponseParser::untilCloseNeedsTheClose()
{
    const QByteArray bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it";
    Parsed p = parse(bytes, 4, false);
    QVERIFY(p.result == Result::NeedMore);
    p = parse(bytes, 4, true);
    QVERIFY(p.result == Result::Complete);
    QCOMPARE(p.body, QByteArray("all of it"));
    QVERIFY(!p.keepAlive);
    // A close before the head is complete completes nothing: the caller reports the cut.
    QVERIFY(parse("HTTP/1.1 200 OK\r\nContent-Le", 0, true).result == Result::NeedMore);
    QVERIFY(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 0, true).result == Result::NeedMore);
}

void TestHttpResponseParser::keepAlive_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("1.1 default") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << true;
    QTest::newRow("1.1 close") << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                               << false;
    QTest::newRow("1.0 default") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") << false;
    QTest::newRow("1.0 keep-alive") << QByteArray(
        "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")
                                    << true;
    QTest::newRow("bytes past the end") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA") << false;
}

void TestHttpResponseParser::keepAlive()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, keepAlive);
    const Parsed p = parse(bytes, 0, false);
    QVERIFY(p.result == Result::Complete);
    QCOMPARE(p.keepAlive, keepAlive);
    // Split, the extra bytes arrive after the answer completed: still not reusable.
    QCOMPARE(parse(bytes, 1, false).keepAlive, keepAlive);
}

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
