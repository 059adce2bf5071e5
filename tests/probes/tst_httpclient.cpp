#include "probes/httpclient.h"
#include "probes/httpprobe.h"

#include "support/testutil.h"
#include "support/tlsfixture.h"

#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <functional>
#include <memory>

using hd::ProbeResult;
using Outcome = hd::ProbeResult::Outcome;

namespace {

// One request as the keep-alive server read it.
struct Seen {
    int connection = 0; // 1-based, in order of acceptance
    int index = 0; // 1-based over all requests
    QByteArray method;
    QByteArray path;
    QByteArray body;
};

// What the server does with one request.
struct Reply {
    QList<QByteArray> parts; // written one after the other, 20 ms apart; none: no answer
    bool close = false; // close the connection after the parts (or at once when there are none)
    int closeAfterMs = -1; // close it this long after answering, as a server's idle timeout would
};

QByteArray okResponse(
    const QByteArray& body = QByteArrayLiteral(R"({"status":"ok"})"), const QByteArray& extraHeaders = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n" + extraHeaders + "\r\n" + body;
}

// A loopback HTTP/1.1 server that keeps connections open unless told otherwise and
// answers every request as the test's handler says; it reads requests one at a time.
class KeepAliveServer final : public QObject {
public:
    using Handler = std::function<Reply(const Seen&)>;

    explicit KeepAliveServer(Handler handler)
        : m_handler(std::move(handler))
    {
        connect(&m_server, &QTcpServer::newConnection, this, &KeepAliveServer::onNewConnection);
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url(const QString& path = QStringLiteral("/health")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    int connectionsAccepted() const { return m_accepted; }
    int openConnections() const { return m_open; }
    const QList<Seen>& requests() const { return m_requests; }

private:
    void onNewConnection()
    {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            const int connection = ++m_accepted;
            ++m_open;
            socket->setParent(this);
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer, connection] {
                buffer->append(socket->readAll());
                Seen seen;
                while (takeRequest(buffer.get(), &seen)) {
                    seen.connection = connection;
                    seen.index = int(m_requests.size()) + 1;
                    m_requests.append(seen);
                    answer(socket, m_handler(seen));
                }
            });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                --m_open;
                socket->deleteLater();
            });
        }
    }

    static bool takeRequest(QByteArray* buffer, Seen* seen)
    {
        const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        const QList<QByteArray> lines = buffer->left(headEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        qint64 length = 0;
        for (const QByteArray& line : lines) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer->size() < headEnd + 4 + length)
            return false;
        seen->method = requestLine.value(0);
        seen->path = requestLine.value(1);
        seen->body = buffer->mid(headEnd + 4, length);
        buffer->remove(0, headEnd + 4 + length);
        return true;
    }

    void answer(QTcpSocket* socket, const Reply& reply)
    {
        QPointer<QTcpSocket> guard(socket);
        int delay = 0;
        for (const QByteArray& part : reply.parts) {
            QTimer::singleShot(delay, socket, [guard, part] {
                if (guard)
                    guard->write(part);
            });
            delay += 20;
        }
        if (reply.close)
            QTimer::singleShot(delay, socket, [guard] {
                if (guard)
                    guard->disconnectFromHost();
            });
        else if (reply.closeAfterMs >= 0)
            QTimer::singleShot(delay + reply.closeAfterMs, socket, [guard] {
                if (guard)
                    guard->disconnectFromHost();
            });
    }

    QTcpServer m_server;
    Handler m_handler;
    QList<Seen> m_requests;
    int m_accepted = 0;
    int m_open = 0;
};

hd::CheckConfig httpCheck(const QUrl& url, qint64 timeoutMs = 2000)
{
    hd::CheckConfig check;
    check.service = QStringLiteral("svc");
    check.name = QStringLiteral("http");
    check.kind = hd::ProbeKind::Http;
    check.timeoutMs = timeoutMs;
    check.http.url = url;
    return check;
}

ProbeResult runProbe(const hd::CheckConfig& check, hd::HttpClient* client, qint64 cap = 0)
{
    hd::HttpProbe probe(check, client, cap);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    if (!spy.wait(int(check.timeoutMs) + 2000))
        qFatal("probe gave no result within its timeout");
    return spy.at(0).at(0).value<ProbeResult>();
}

QString describe(const ProbeResult& r)
{
    return hd::outcomeName(r.outcome) + u": " + r.error;
}

} // namespace

class TestHttpClient : public QObject {
    Q_OBJECT
private slots:
    void keepAliveReusesOneConnection();
    void staleConnection_data();
    void staleConnection();
    void idleConnectionClosedByServerIsDropped();
    void idleTimeoutClosesConnection();
    void chunkedBody_data();
    void chunkedBody();
    void chunkedBodyPastCap();
    void connectionCloseHonoured_data();
    void connectionCloseHonoured();
    void timedOutConnectionIsNotReused();
    void bodyTooLargeConnectionIsNotReused();
    void interimResponseSkipped();
    void headOnKeepAlive();
    void bodyUntilClose();
    void malformedResponse_data();
    void malformedResponse();
    void redirects_data();
    void redirects();
    void redirectToHttpsUsesTls();
    void httpsKeepAliveSpeaksHttp11();
    void httpsResumesSessions();
    void httpsPoolsPerTlsSettings();
    void httpsHostNameIsVerified();
    void oneShotIsNeverPooledOrResent();
};

void TestHttpClient::keepAliveReusesOneConnection()
{
    KeepAliveServer server([](const Seen&) { return Reply { { okResponse() } }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    for (int i = 0; i < 3; ++i) {
        const ProbeResult r = runProbe(httpCheck(server.url()), &http);
        QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"status":"ok"})"));
        QCOMPARE(r.ip, QStringLiteral("127.0.0.1"));
    }
    QCOMPARE(server.requests().size(), 3);
    QCOMPARE(server.connectionsAccepted(), 1);
    QCOMPARE(http.connectionsOpened(), 1);
    QCOMPARE(http.idleConnections(), 1);
}

void TestHttpClient::staleConnection_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<bool>("freshAlsoCloses"); // the fresh connection fails too
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<int>("connections");
    QTest::addColumn<int>("requests");
    // The pooled connection is closed by the server as the second request arrives.
    QTest::newRow("GET resent once on a fresh connection")
        << QByteArray("GET") << false << Outcome::Completed << 2 << 3;
    QTest::newRow("HEAD resent once on a fresh connection")
        << QByteArray("HEAD") << false << Outcome::Completed << 2 << 3;
    QTest::newRow("GET not resent a second time") << QByteArray("GET") << true << Outcome::ProtocolError << 2 << 3;
    // A request that is not idempotent never goes out on a pooled connection, so it is never sent twice.
    QTest::newRow("POST always on a fresh connection") << QByteArray("POST") << false << Outcome::Completed << 2 << 2;
}

void TestHttpClient::staleConnection()
{
    QFETCH(QByteArray, method);
    QFETCH(bool, freshAlsoCloses);
    QFETCH(Outcome, outcome);
    QFETCH(int, connections);
    QFETCH(int, requests);
    KeepAliveServer server([freshAlsoCloses](const Seen& seen) {
        const bool answer = seen.index == 1 || (seen.connection == 2 && !freshAlsoCloses);
        if (!answer)
            return Reply { {}, true };
        return Reply { { seen.method == "HEAD" ? QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n")
                                               : okResponse() } };
    });
    QVERIFY(server.listen());
    hd::HttpClient http;
    hd::CheckConfig check = httpCheck(server.url());
    check.http.method = method;
    if (method == "POST")
        check.http.body = "ping";
    QCOMPARE(runProbe(check, &http).outcome, Outcome::Completed);
    const ProbeResult r = runProbe(check, &http);
    QVERIFY2(r.outcome == outcome, qPrintable(describe(r)));
    if (outcome == Outcome::ProtocolError)
        QCOMPARE(r.error, QStringLiteral("connection reset or closed by the server before a complete reply"));
    else
        QCOMPARE(r.status, 200);
    QCOMPARE(server.connectionsAccepted(), connections);
    QCOMPARE(server.requests().size(), requests);
    for (const Seen& seen : server.requests())
        QCOMPARE(seen.method, method);
}

void TestHttpClient::idleConnectionClosedByServerIsDropped()
{
    // The server's own keep-alive timeout closes the idle connection soon after the answer.
    KeepAliveServer server([](const Seen&) { return Reply { { okResponse() }, false, 50 }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    QCOMPARE(runProbe(httpCheck(server.url()), &http).outcome, Outcome::Completed);
    QTRY_COMPARE_WITH_TIMEOUT(http.idleConnections(), 0, 3000);
    const ProbeResult r = runProbe(httpCheck(server.url()), &http);
    QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
    QCOMPARE(server.connectionsAccepted(), 2);
    QCOMPARE(server.requests().size(), 2);
}

void TestHttpClient::idleTimeoutClosesConnection()
{
    KeepAliveServer server([](const Seen&) { return Reply { { okResponse() } }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    http.setIdleTimeoutMs(100);
    QCOMPARE(runProbe(httpCheck(server.url()), &http).outcome, Outcome::Completed);
    QCOMPARE(server.openConnections(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 3000);
    QCOMPARE(http.idleConnections(), 0);
}

void TestHttpClient::chunkedBody_data()
{
    QTest::addColumn<QList<QByteArray>>("parts");
    QTest::addColumn<QByteArray>("body");
    const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("one write") << QList<QByteArray> { head + "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n" }
                               << QByteArray("hello, world");
    QTest::newRow("split inside sizes and line ends") << QList<QByteArray> { head + "5\r", "\nhel", "lo\r\n1",
        "0\r\n0123456789abcdef\r", "\n0\r\n", "\r\n" } << QByteArray("hello0123456789abcdef");
    QTest::newRow("extensions and trailer")
        << QList<QByteArray> { head + "3;name=value\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n" } << QByteArray("abc");
    QTest::newRow("upper-case hex size") << QList<QByteArray> { head + "A\r\n0123456789\r\n0\r\n\r\n" }
                                         << QByteArray("0123456789");
}

void TestHttpClient::chunkedBody()
{
    QFETCH(QList<QByteArray>, parts);
    QFETCH(QByteArray, body);
    KeepAliveServer server([parts](const Seen&) { return Reply { parts }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    for (int i = 0; i < 2; ++i) {
        const ProbeResult r = runProbe(httpCheck(server.url()), &http);
        QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
        QCOMPARE(r.body, body);
        QCOMPARE(r.contentType, QByteArray("text/plain"));
    }
    // The body ended exactly where the decoder said, so the connection served both.
    QCOMPARE(server.connectionsAccepted(), 1);
}

void TestHttpClient::chunkedBodyPastCap()
{
    const QByteArray chunk = QByteArray::number(1000, 16) + "\r\n" + QByteArray(1000, 'x') + "\r\n";
    KeepAliveServer server([chunk](const Seen&) {
        return Reply { { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + "0\r\n\r\n" } };
    });
    QVERIFY(server.listen());
    hd::HttpClient http;
    const ProbeResult r = runProbe(httpCheck(server.url()), &http, 1500);
    QCOMPARE(r.outcome, Outcome::BodyTooLarge);
    QCOMPARE(r.error, QStringLiteral("body larger than 1500 bytes (cap 1500 bytes)"));
    QCOMPARE(r.body.size(), 1500);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 3000);
}

void TestHttpClient::connectionCloseHonoured_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::newRow("Connection: close") << okResponse("{}", "Connection: close\r\n");
    QTest::newRow("HTTP/1.0 without keep-alive") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    QTest::newRow("upper-case CLOSE among tokens") << okResponse("{}", "Connection: foo, CLOSE\r\n");
}

void TestHttpClient::connectionCloseHonoured()
{
    QFETCH(QByteArray, response);
    // The server says it will close but leaves the socket open: the client must close it.
    KeepAliveServer server([response](const Seen&) { return Reply { { response } }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    QCOMPARE(runProbe(httpCheck(server.url()), &http).outcome, Outcome::Completed);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 3000);
    QCOMPARE(runProbe(httpCheck(server.url()), &http).outcome, Outcome::Completed);
    QCOMPARE(server.connectionsAccepted(), 2);
    QCOMPARE(http.idleConnections(), 0);
}

void TestHttpClient::timedOutConnectionIsNotReused()
{
    // The second request never gets an answer; the others do.
    KeepAliveServer server([](const Seen& seen) { return seen.index == 2 ? Reply {} : Reply { { okResponse() } }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    QCOMPARE(runProbe(httpCheck(server.url()), &http).outcome, Outcome::Completed);
    const ProbeResult timedOut = runProbe(httpCheck(server.url(), 300), &http);
    QCOMPARE(timedOut.outcome, Outcome::Timeout);
    QCOMPARE(timedOut.error, QStringLiteral("timed out after 300 ms"));
    QVERIFY(timedOut.connected);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 3000);
    const ProbeResult after = runProbe(httpCheck(server.url()), &http);
    QVERIFY2(after.outcome == Outcome::Completed, qPrintable(describe(after)));
    QCOMPARE(server.connectionsAccepted(), 2);
    QCOMPARE(server.requests().size(), 3);
}

void TestHttpClient::bodyTooLargeConnectionIsNotReused()
{
    KeepAliveServer server([](const Seen&) { return Reply { { okResponse(QByteArray(100, 'x')) } }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    const ProbeResult r = runProbe(httpCheck(server.url()), &http, 99);
    QCOMPARE(r.outcome, Outcome::BodyTooLarge);
    QVERIFY(r.body.isEmpty()); // the Content-Length alone stopped it
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 3000);
    QCOMPARE(runProbe(httpCheck(server.url()), &http, 100).outcome, Outcome::Completed);
    QCOMPARE(server.connectionsAccepted(), 2);
}

void TestHttpClient::interimResponseSkipped()
{
    KeepAliveServer server([](const Seen&) {
        return Reply { { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
            okResponse("{}", "X-Final: yes\r\n") } };
    });
    QVERIFY(server.listen());
    hd::HttpClient http;
    const ProbeResult r = runProbe(httpCheck(server.url()), &http);
    QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("{}"));
    QCOMPARE(r.headers.size(), 3); // only the final answer's headers
    QCOMPARE(r.headers.last(), (QPair<QByteArray, QByteArray>("X-Final", "yes")));
}

void TestHttpClient::headOnKeepAlive()
{
    // A HEAD answer announces a length but sends no body: the next request must still parse.
    KeepAliveServer server([](const Seen& seen) {
        return seen.method == "HEAD" ? Reply { { "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" } }
                                     : Reply { { okResponse() } };
    });
    QVERIFY(server.listen());
    hd::HttpClient http;
    hd::CheckConfig head = httpCheck(server.url());
    head.http.method = "HEAD";
    const ProbeResult r = runProbe(head, &http, 1000);
    QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
    QVERIFY(r.body.isEmpty());
    const ProbeResult get = runProbe(httpCheck(server.url()), &http);
    QCOMPARE(get.body, QByteArray(R"({"status":"ok"})"));
    QCOMPARE(server.connectionsAccepted(), 1);
}

void TestHttpClient::bodyUntilClose()
{
    KeepAliveServer server([](const Seen&) {
        return Reply { { "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst ", "second" }, true };
    });
    QVERIFY(server.listen());
    hd::HttpClient http;
    const ProbeResult r = runProbe(httpCheck(server.url()), &http);
    QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
    QCOMPARE(r.body, QByteArray("first second"));
    QCOMPARE(http.idleConnections(), 0);
}

void TestHttpClient::malformedResponse_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QString>("error");
    QTest::newRow("status code not a number")
        << QByteArray("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
        << QStringLiteral("not a valid HTTP response: invalid status line \"HTTP/1.1 2x0 OK\"");
    QTest::newRow("HTTP/2 status line") << QByteArray(
        "HTTP/2 200\r\n\r\n") << QStringLiteral("not a valid HTTP response: invalid status line \"HTTP/2 200\"");
    QTest::newRow("not HTTP at all") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n")
                                     << QStringLiteral("not a valid HTTP response: the status line does not start with "
                                                       "HTTP/ (\"SSH-2.0-OpenSSH_9.2..\")");
    QTest::newRow("header without colon")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length 2\r\n\r\n{}")
        << QStringLiteral("HTTP 200: not a valid HTTP response: malformed header line \"Content-Length 2\"");
    QTest::newRow("invalid Content-Length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n{}")
        << QStringLiteral("HTTP 200: not a valid HTTP response: invalid Content-Length \"-4\"");
    QTest::newRow("conflicting Content-Length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
        << QStringLiteral("HTTP 200: not a valid HTTP response: invalid Content-Length \"3\"");
    QTest::newRow("invalid chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                        << QStringLiteral(
                                               "HTTP 200: not a valid HTTP response: invalid chunk size \"zz\"");
    QTest::newRow("endless headers") << QByteArray("HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(70 * 1024, 'a'))
                                     << QStringLiteral("HTTP 200: not a valid HTTP response: response headers larger "
                                                       "than 65536 bytes");
}

void TestHttpClient::malformedResponse()
{
    QFETCH(QByteArray, response);
    QFETCH(QString, error);
    KeepAliveServer server([response](const Seen&) { return Reply { { response } }; });
    QVERIFY(server.listen());
    hd::HttpClient http;
    const ProbeResult r = runProbe(httpCheck(server.url(), 3000), &http);
    QVERIFY2(r.outcome == Outcome::ProtocolError, qPrintable(describe(r)));
    QCOMPARE(r.error, error);
    QVERIFY(r.connected);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 3000); // never pooled
}

void TestHttpClient::redirects_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("location"); // relative to /start or absolute
    QTest::addColumn<QByteArray>("finalMethod");
    QTest::addColumn<QByteArray>("finalBody");
    QTest::newRow("302 POST becomes GET")
        << 302 << QByteArray("POST") << QByteArray("/final") << QByteArray("GET") << QByteArray();
    QTest::newRow("303 PUT becomes GET") << 303 << QByteArray("PUT") << QByteArray("final") << QByteArray("GET")
                                         << QByteArray();
    QTest::newRow("307 keeps POST and body")
        << 307 << QByteArray("POST") << QByteArray("/final") << QByteArray("POST") << QByteArray("payload");
    QTest::newRow("308 absolute keeps PUT")
        << 308 << QByteArray("PUT") << QByteArray("absolute") << QByteArray("PUT") << QByteArray("payload");
    QTest::newRow("301 HEAD stays HEAD") << 301 << QByteArray("HEAD") << QByteArray("/final") << QByteArray("HEAD")
                                         << QByteArray();
}

void TestHttpClient::redirects()
{
    QFETCH(int, status);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, location);
    QFETCH(QByteArray, finalMethod);
    QFETCH(QByteArray, finalBody);
    QByteArray target = location;
    KeepAliveServer server([status, &target](const Seen& seen) {
        if (seen.path == "/final")
            return Reply { { seen.method == "HEAD" ? QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n")
                                                   : okResponse() } };
        return Reply { { "HTTP/1.1 " + QByteArray::number(status) + " Moved\r\nLocation: " + target
            + "\r\nContent-Length: 3\r\n\r\nbye" } };
    });
    QVERIFY(server.listen());
    if (target == "absolute")
        target = server.url(QStringLiteral("/final")).toEncoded();
    hd::HttpClient http;
    hd::CheckConfig check = httpCheck(server.url(QStringLiteral("/start")));
    check.http.method = method;
    if (method != "HEAD")
        check.http.body = "payload";
    const ProbeResult r = runProbe(check, &http);
    QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
    QCOMPARE(r.status, 200);
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(server.requests().at(1).path, QByteArray("/final"));
    QCOMPARE(server.requests().at(1).method, finalMethod);
    QCOMPARE(server.requests().at(1).body, finalBody);
}

void TestHttpClient::redirectToHttpsUsesTls()
{
    // The client follows it over TLS itself, with the check's TLS settings.
    hdtest::TlsFixture tls;
    QVERIFY2(tls.isValid(), qPrintable(tls.errorString()));
    hdtest::TlsHttpServer secure(tls, false);
    QVERIFY2(secure.listen(), qPrintable(secure.errorString()));
    const QByteArray location = secure.url(QStringLiteral("/health")).toEncoded();
    KeepAliveServer server([location](const Seen&) {
        return Reply { { "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n" } };
    });
    QVERIFY(server.listen());
    hd::HttpClient http;
    hd::CheckConfig check = httpCheck(server.url(), 5000);
    check.http.tls.caFile = tls.caFile();
    const ProbeResult r = runProbe(check, &http);
    QVERIFY2(r.outcome == Outcome::Completed, qPrintable(describe(r)));
    QCOMPARE(r.status, 200);
    QCOMPARE(secure.requestsServed(), 1);
    QCOMPARE(r.ip, QStringLiteral("127.0.0.1"));

    // Without the CA the hand-off fails the way any https:// check would (on a fresh
    // manager, so that nothing of the trusted run is reused).
    check.http.tls.caFile.clear();
    hd::HttpClient other;
    const ProbeResult untrusted = runProbe(check, &other);
    QVERIFY2(untrusted.outcome == Outcome::TlsError, qPrintable(describe(untrusted)));
}

namespace {

// One request through `client`, waited for.
hd::HttpResponse fetch(hd::HttpClient& client, hd::HttpRequest request)
{
    QObject owner;
    hd::HttpCall* call = client.send(request, &owner);
    QSignalSpy spy(call, &hd::HttpCall::finished);
    if (!spy.wait(5000))
        qFatal("request gave no answer");
    return call->response();
}

hd::HttpRequest httpsRequest(const QUrl& url, std::shared_ptr<hd::TlsContext> tls)
{
    hd::HttpRequest request;
    request.url = url;
    request.tls = std::move(tls);
    return request;
}

hd::TlsClientConfig trusting(const hdtest::TlsFixture& fixture)
{
    hd::TlsClientConfig tls;
    tls.caFile = fixture.caFile();
    return tls;
}

} // namespace

void TestHttpClient::httpsKeepAliveSpeaksHttp11()
{
    hdtest::TlsFixture fixture;
    QVERIFY2(fixture.isValid(), qPrintable(fixture.errorString()));
    hdtest::TlsHttpServer server(fixture, false);
    server.setKeepAlive(true);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    hd::HttpClient client;
    QString error;
    const std::shared_ptr<hd::TlsContext> tls = client.tlsContext(trusting(fixture), &error);
    QVERIFY2(tls, qPrintable(error));
    for (int i = 0; i < 5; ++i) {
        const hd::HttpResponse r = fetch(client, httpsRequest(server.url(QStringLiteral("/health")), tls));
        QVERIFY2(r.error == QNetworkReply::NoError, qPrintable(r.errorText));
        QCOMPARE(r.status, 200);
        QVERIFY(r.encrypted);
        QCOMPARE(r.alpn, QByteArray("http/1.1")); // offered by the client, chosen by the server
        QVERIFY(r.certificateNotAfter > QDateTime::currentDateTimeUtc());
    }
    QCOMPARE(server.requestsServed(), 5);
    QCOMPARE(server.connectionsAccepted(), 1); // one handshake, then keep-alive
    QCOMPARE(client.connectionsOpened(), 1);
    QCOMPARE(tls->handshakes(), 1);
}

void TestHttpClient::httpsResumesSessions()
{
    // openssl s_server issues TLS 1.3 session tickets (Qt's server does not resume sessions); with
    // -www it answers one request per connection and closes, so each request is a new handshake.
    hdtest::TlsFixture fixture;
    QVERIFY2(fixture.isValid(), qPrintable(fixture.errorString()));
    const quint16 port = hdtest::freePort();
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QStringLiteral("openssl"),
        { QStringLiteral("s_server"), QStringLiteral("-quiet"), QStringLiteral("-www"), QStringLiteral("-accept"),
            QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("-cert"), fixture.serverCertFile(),
            QStringLiteral("-key"), fixture.serverKeyFile() });
    QVERIFY(server.waitForStarted());
    const QUrl url(QStringLiteral("https://127.0.0.1:%1/").arg(port));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, port);
            return probe.waitForConnected(200);
        }(),
        10'000);
    hd::HttpClient client;
    QString error;
    const std::shared_ptr<hd::TlsContext> tls = client.tlsContext(trusting(fixture), &error);
    QVERIFY2(tls, qPrintable(error));
    const qint64 before = tls->handshakes(); // the readiness probe above made none through the client
    const hd::HttpResponse first = fetch(client, httpsRequest(url, tls));
    QVERIFY2(first.error == QNetworkReply::NoError, qPrintable(first.errorText));
    QCOMPARE(first.status, 200);
    QVERIFY(!first.tlsResumed);
    const hd::HttpResponse second = fetch(client, httpsRequest(url, tls));
    QVERIFY2(second.error == QNetworkReply::NoError, qPrintable(second.errorText));
    QVERIFY(second.tlsResumed);
    QCOMPARE(tls->handshakes() - before, 2);
    QCOMPARE(tls->resumedHandshakes(), 1);
    server.kill();
    server.waitForFinished();
}

// A connection verified under one check's CA (or made without verifying) never serves a
// check with other TLS settings, even on the same client.
void TestHttpClient::httpsPoolsPerTlsSettings()
{
    hdtest::TlsFixture fixture;
    QVERIFY2(fixture.isValid(), qPrintable(fixture.errorString()));
    hdtest::TlsHttpServer server(fixture, false);
    server.setKeepAlive(true);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    hd::HttpClient client;
    QString error;
    hd::TlsClientConfig insecure;
    insecure.insecure = true;
    const std::shared_ptr<hd::TlsContext> lax = client.tlsContext(insecure, &error);
    const std::shared_ptr<hd::TlsContext> strict = client.tlsContext({}, &error);
    QVERIFY(lax && strict && lax != strict);
    QCOMPARE(client.tlsContext(insecure, &error), lax); // one context per distinct settings
    for (int round = 0; round < 2; ++round) {
        const hd::HttpResponse ok = fetch(client, httpsRequest(server.url(), lax));
        QVERIFY2(ok.error == QNetworkReply::NoError, qPrintable(ok.errorText));
        const hd::HttpResponse refused = fetch(client, httpsRequest(server.url(), strict));
        QCOMPARE(refused.error, QNetworkReply::SslHandshakeFailedError);
        QVERIFY(!refused.requestSent);
    }
    QCOMPARE(server.requestsServed(), 2);
}

void TestHttpClient::httpsHostNameIsVerified()
{
    hdtest::TlsFixture fixture;
    QVERIFY2(fixture.isValid(), qPrintable(fixture.errorString()));
    hdtest::TlsHttpServer server(fixture, false);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    hd::HttpClient client;
    QString error;
    const std::shared_ptr<hd::TlsContext> tls = client.tlsContext(trusting(fixture), &error);
    // By name (sent as SNI, checked against DNS:localhost) and by address (IP:127.0.0.1).
    QUrl byName = server.url();
    byName.setHost(QStringLiteral("localhost"));
    const hd::HttpResponse named = fetch(client, httpsRequest(byName, tls));
    QVERIFY2(named.error == QNetworkReply::NoError, qPrintable(named.errorText));
    QCOMPARE(named.status, 200);
}

// Admin requests: a connection of their own, closed afterwards, and never sent twice.
void TestHttpClient::oneShotIsNeverPooledOrResent()
{
    KeepAliveServer server([](const Seen& seen) {
        if (seen.index == 1)
            return Reply { { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" } };
        return Reply { {}, true }; // the second request: closed without an answer
    });
    QVERIFY(server.listen());
    hd::HttpClient client;
    hd::HttpRequest request;
    request.method = "POST";
    request.url = server.url(QStringLiteral("/act"));
    request.oneShot = true;
    const hd::HttpResponse first = fetch(client, request);
    QCOMPARE(first.status, 200);
    QCOMPARE(client.idleConnections(), 0);
    const hd::HttpResponse second = fetch(client, request);
    QCOMPARE(second.error, QNetworkReply::RemoteHostClosedError);
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(server.connectionsAccepted(), 2);
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_httpclient.moc"
