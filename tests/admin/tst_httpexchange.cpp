// The one-shot HTTP exchange behind admin actions: every way an answer can end, and never a second send.
#include "admin/httpexchange.h"
#include "support/hostileserver.h"
#include "support/testutil.h"
#include "support/tlsfixture.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace hd;
using namespace hdtest;
using Error = HttpExchangeResponse::Error;

class TestHttpExchange : public QObject {
    Q_OBJECT
private slots:
    void answers_data();
    void answers();
    void requestIsWrittenAsGiven();
    void closedWithoutAnswerIsNotResent();
    void hangIsTimeoutAfterSending();
    void slowDripHitsTheDeadline();
    void refusedConnectionIsNotSent();
    void garbageIsMalformed();
    void oversizedBodyIsRefused();
    void badUrlIsNotSent();
    void httpsWithTheConfiguredCaAndClientCertificate();
    void untrustedServerIsNeverSentTheRequest();

private:
    static HttpExchangeResponse exchange(const HttpExchangeRequest& request);
    static HttpExchangeRequest post(const QUrl& url, qint64 timeoutMs = 5000);
};

HttpExchangeResponse TestHttpExchange::exchange(const HttpExchangeRequest& request)
{
    HttpExchange x(request);
    QSignalSpy done(&x, &HttpExchange::finished);
    x.start();
    if (!done.wait(request.timeoutMs + 5000))
        qWarning("the exchange never finished");
    [&] { QCOMPARE(done.size(), 1); }();
    return x.response();
}

HttpExchangeRequest TestHttpExchange::post(const QUrl& url, qint64 timeoutMs)
{
    HttpExchangeRequest r;
    r.url = url;
    r.method = "POST";
    r.body = R"({"action":"stop"})";
    r.headers = { { "Content-Type", "application/json" } };
    r.timeoutMs = timeoutMs;
    return r;
}

void TestHttpExchange::answers_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("content-length") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"success\":true}")
                                    << 200 << QByteArray("{\"success\":true}");
    QTest::newRow("chunked") << QByteArray(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{\"a\":1\r\n1;ext=x\r\n}\r\n0\r\n\r\n")
                             << 200 << QByteArray("{\"a\":1}");
    QTest::newRow("body until close") << QByteArray(
        "HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nTraceback")
                                      << 500 << QByteArray("Traceback");
    QTest::newRow("100 continue first") << QByteArray(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")
                                        << 201 << QByteArray("{}");
    QTest::newRow("no content") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << 204 << QByteArray();
    QTest::newRow("empty 200") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << 200 << QByteArray();
    const QByteArray korean = QStringLiteral("{\"message\":\"스케줄러가 중지되었습니다\"}").toUtf8();
    QTest::newRow("Korean UTF-8 body") << "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(korean.size())
            + "\r\n\r\n"
            + korean << 200 << korean;
}

void TestHttpExchange::answers()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    HostileServer server(HostileServer::Mode::Canned);
    server.setCannedResponse(raw);
    QVERIFY(server.listen());
    const HttpExchangeResponse r = exchange(post(server.url(QStringLiteral("/api/system/scheduler-control"))));
    QVERIFY2(r.error == Error::None, qPrintable(r.errorString));
    QVERIFY(r.requestWritten);
    QCOMPARE(r.status, status);
    QCOMPARE(r.body, body);
    QCOMPARE(server.requests().size(), 1);
}

void TestHttpExchange::requestIsWrittenAsGiven()
{
    HostileServer server(HostileServer::Mode::Ok);
    QVERIFY(server.listen());
    HttpExchangeRequest request = post(server.url(QStringLiteral("/api/orders/a%2Fb?x=1")));
    request.headers.append({ QByteArrayLiteral("Cookie"), QByteArrayLiteral("session=abc") });
    const HttpExchangeResponse r = exchange(request);
    QVERIFY2(r.error == Error::None, qPrintable(r.errorString));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QCOMPARE(server.requests().size(), 1);
    const RecordedRequest seen = server.requests().first(); // a copy: requests() returns a temporary list
    QCOMPARE(seen.method, QByteArray("POST"));
    QCOMPARE(seen.path, QByteArray("/api/orders/a%2Fb?x=1"));
    QCOMPARE(seen.body, QByteArray(R"({"action":"stop"})"));
    QCOMPARE(seen.header("Content-Length"), QByteArray("17"));
    QCOMPARE(seen.header("Cookie"), QByteArray("session=abc"));
    QCOMPARE(seen.header("Connection"), QByteArray("close"));
    QCOMPARE(seen.header("Host"), QByteArray("127.0.0.1:") + QByteArray::number(server.port()));
}

// A server that reads the request and drops the connection may already have acted on it. Qt's own HTTP
// stack sends the request again in that case; the exchange must not.
void TestHttpExchange::closedWithoutAnswerIsNotResent()
{
    HostileServer server(HostileServer::Mode::Reset);
    QVERIFY(server.listen());
    const HttpExchangeResponse r = exchange(post(server.url(QStringLiteral("/api/system/scheduler-control"))));
    QCOMPARE(r.error, Error::ConnectionLost);
    QVERIFY(r.requestWritten);
    QCOMPARE(r.status, 0);
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.connectionsAccepted(), 1);

    // The same server through QNetworkAccessManager, to show why the exchange exists: should Qt ever stop
    // resending, this comparison says so, and admin actions could go back to the access manager.
    HostileServer again(HostileServer::Mode::Reset);
    QVERIFY(again.listen());
    QNetworkAccessManager nam;
    QNetworkRequest request(again.url(QStringLiteral("/api/system/scheduler-control")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = nam.post(request, QByteArrayLiteral("{}"));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10'000));
    reply->deleteLater();
    QVERIFY2(again.requests().size() > 1, "QNetworkAccessManager no longer resends; see HttpExchange");
}

void TestHttpExchange::hangIsTimeoutAfterSending()
{
    HostileServer server(HostileServer::Mode::Hang);
    QVERIFY(server.listen());
    QElapsedTimer clock;
    clock.start();
    const HttpExchangeResponse r = exchange(post(server.url(QStringLiteral("/x")), 400));
    QCOMPARE(r.error, Error::Timeout);
    QVERIFY(r.requestWritten);
    QVERIFY2(r.errorString.contains(u"400ms"), qPrintable(r.errorString));
    QVERIFY(clock.elapsed() >= 380);
    QCOMPARE(server.requests().size(), 1);
}

void TestHttpExchange::slowDripHitsTheDeadline()
{
    HostileServer server(HostileServer::Mode::SlowDrip);
    QVERIFY(server.listen());
    QElapsedTimer clock;
    clock.start();
    const HttpExchangeResponse r = exchange(post(server.url(QStringLiteral("/x")), 700));
    QCOMPARE(r.error, Error::Timeout);
    QVERIFY2(clock.elapsed() < 4000, "the deadline covers the whole exchange, not each read");
    QCOMPARE(server.requests().size(), 1);
}

void TestHttpExchange::refusedConnectionIsNotSent()
{
    QUrl url(QStringLiteral("http://127.0.0.1/x"));
    url.setPort(freePort());
    const HttpExchangeResponse r = exchange(post(url));
    QCOMPARE(r.error, Error::NotSent);
    QVERIFY(!r.requestWritten);
    QVERIFY(!r.errorString.isEmpty());
}

void TestHttpExchange::garbageIsMalformed()
{
    HostileServer server(HostileServer::Mode::Garbage);
    QVERIFY(server.listen());
    const HttpExchangeResponse r = exchange(post(server.url(QStringLiteral("/x"))));
    QVERIFY2(r.error == Error::Malformed || r.error == Error::ConnectionLost, qPrintable(r.errorString));
    QVERIFY(r.requestWritten);
    QCOMPARE(server.connectionsAccepted(), 1);
}

void TestHttpExchange::oversizedBodyIsRefused()
{
    for (const HostileServer::Mode mode :
        { HostileServer::Mode::HugeContentLength, HostileServer::Mode::EndlessBody }) {
        HostileServer server(mode);
        QVERIFY(server.listen());
        HttpExchangeRequest request = post(server.url(QStringLiteral("/x")), 10'000);
        request.maxBodyBytes = 64 * 1024;
        const HttpExchangeResponse r = exchange(request);
        QCOMPARE(r.error, Error::TooLarge);
        QVERIFY(r.body.isEmpty());
    }
}

void TestHttpExchange::badUrlIsNotSent()
{
    for (const char* url : { "ftp://127.0.0.1/x", "http:///nohost", "" }) {
        HttpExchangeRequest request;
        request.url = QUrl(QLatin1String(url));
        const HttpExchangeResponse r = exchange(request);
        QCOMPARE(r.error, Error::NotSent);
        QVERIFY(!r.requestWritten);
    }
}

void TestHttpExchange::httpsWithTheConfiguredCaAndClientCertificate()
{
    TlsFixture pki;
    QVERIFY2(pki.isValid(), qPrintable(pki.errorString()));
    TlsHttpServer server(pki, true);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    HttpExchangeRequest request = post(server.url(QStringLiteral("/api/system/scheduler-control")));
    request.tls.caFile = pki.caFile();
    request.tls.certFile = pki.clientCertFile();
    request.tls.keyFile = pki.clientKeyFile();
    const HttpExchangeResponse r = exchange(request);
    QVERIFY2(r.error == Error::None, qPrintable(r.errorString));
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.contains(pki.clientCommonName().toUtf8()), r.body.constData());
    QCOMPARE(server.requestsServed(), 1);
}

void TestHttpExchange::untrustedServerIsNeverSentTheRequest()
{
    TlsFixture pki;
    QVERIFY2(pki.isValid(), qPrintable(pki.errorString()));
    TlsHttpServer server(pki, false);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    HttpExchangeRequest request = post(server.url(QStringLiteral("/api/system/scheduler-control")));
    request.tls.caFile = pki.otherCaFile();
    const HttpExchangeResponse r = exchange(request);
    QCOMPARE(r.error, Error::NotSent);
    QVERIFY(!r.requestWritten);
    QCOMPARE(server.requestsServed(), 0);
}

QTEST_GUILESS_MAIN(TestHttpExchange)
#include "tst_httpexchange.moc"
