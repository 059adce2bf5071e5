#include "redis/redisconnection.h"
#include "support/redisserver.h"
#include "support/testutil.h"
#include "support/tlsfixture.h"

#include <QElapsedTimer>
#include <QTest>
#include <memory>
#include <optional>

using hd::RedisConnection;
using hd::RedisFailure;
using hd::RedisReply;
using hd::RedisResponse;

namespace {

// Sends one command and waits for its callback.
RedisResponse call(RedisConnection& connection, const QList<QByteArray>& argv, qint64 timeoutMs = 5000)
{
    std::optional<RedisResponse> result;
    QObject context;
    connection.send(argv, QDeadlineTimer(timeoutMs), &context, [&](const RedisResponse& r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, int(timeoutMs) + 5000))
        return RedisResponse { RedisReply::nil(), RedisFailure::Misconfigured,
            QStringLiteral("test: callback never ran") };
    return *result;
}

QString describe(const RedisResponse& r)
{
    return hd::redisFailureName(r.failure) + u' ' + r.failureText + u' ' + r.reply.toDebugString();
}

} // namespace

class TestRedisConnection : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pipelinesCommandsInOrder();
    void queuesCommandsUntilConnected();
    void callbackNeverRunsInsideSend();
    void refusedConnectionFailsFast();
    void authenticatesAsAnAclUser();
    void authenticatesWithABarePassword();
    void wrongPasswordIsAuthRejected();
    void missingPasswordGetsNoauthReplies();
    void selectsTheDatabase();
    void badDatabaseIndexIsMisconfigured();
    void commandToASilentServerFailsAtItsDeadline();
    void stalledConnectionIsReset();
    void garbageIsAProtocolErrorAndResets();
    void oversizedReplyResetsTheConnection();
    void recoversAfterTheServerRestarts();
    void destroyedContextIsNotCalledBack();
    void tlsWithCustomCaAndClientCertificate();
    void tlsFailures_data();
    void tlsFailures();
    void tlsInsecureSkipsVerification();

private:
    hdtest::RedisServer m_server;
    hdtest::RedisServer m_aclServer;
    hdtest::RedisServer m_tlsServer;
    hdtest::TlsFixture m_tls;
};

void TestRedisConnection::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.error()));

    hd::RedisServerProcess::Options acl;
    acl.requirePass = QStringLiteral("adminpw");
    acl.users << hd::RedisServerProcess::AclUser { QStringLiteral("dash"), QStringLiteral("dashpw"),
        QStringLiteral("~health:* +@read +@connection +info +ping") };
    QVERIFY2(m_aclServer.start(acl), qPrintable(m_aclServer.error()));

    QVERIFY2(m_tls.isValid(), qPrintable(m_tls.errorString()));
    hd::RedisServerProcess::Options tls;
    tls.tls = true;
    tls.tlsCertFile = m_tls.serverCertFile();
    tls.tlsKeyFile = m_tls.serverKeyFile();
    tls.tlsCaFile = m_tls.caFile();
    tls.tlsAuthClients = true;
    QVERIFY2(m_tlsServer.start(tls), qPrintable(m_tlsServer.error()));
    QVERIFY(m_tlsServer.process().tlsPort() != 0);
}

void TestRedisConnection::pipelinesCommandsInOrder()
{
    m_server.cli({ QStringLiteral("DEL"), QStringLiteral("counter") });
    RedisConnection connection(m_server.config());
    QObject context;
    QList<qint64> values;
    const int count = 500;
    // All sent in one event-loop pass: they go out as one pipelined write.
    for (int i = 0; i < count; ++i) {
        connection.send({ "INCR", "counter" }, QDeadlineTimer(10'000), &context, [&](const RedisResponse& r) {
            QVERIFY2(r.ok(), qPrintable(describe(r)));
            values << r.reply.toInteger();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(values.size(), count, 10'000);
    for (int i = 0; i < count; ++i)
        QCOMPARE(values.at(i), qint64(i + 1));
    QVERIFY(connection.isReady());
    QCOMPARE(connection.peerAddress(), QStringLiteral("127.0.0.1"));
}

void TestRedisConnection::queuesCommandsUntilConnected()
{
    RedisConnection connection(m_server.config());
    QCOMPARE(connection.state(), RedisConnection::State::Disconnected);
    QObject context;
    QList<QByteArray> replies;
    for (const char* word : { "one", "two", "three" })
        connection.send({ "ECHO", word }, QDeadlineTimer(5000), &context,
            [&](const RedisResponse& r) { replies << r.reply.bytes(); });
    QTRY_COMPARE(replies, (QList<QByteArray> { "one", "two", "three" }));
}

void TestRedisConnection::callbackNeverRunsInsideSend()
{
    hd::RedisServerConfig config = m_server.config();
    config.port = hdtest::freePort();
    RedisConnection connection(config);
    int calls = 0;
    QObject context;
    connection.send({ "PING" }, QDeadlineTimer(5000), &context, [&](const RedisResponse&) { ++calls; });
    QCOMPARE(calls, 0);
    QTRY_COMPARE(calls, 1);
    // Now in backoff, where a failure is known at once: still not from inside send().
    QCOMPARE(connection.state(), RedisConnection::State::Backoff);
    connection.send({ "PING" }, QDeadlineTimer(50), &context, [&](const RedisResponse&) { ++calls; });
    QCOMPARE(calls, 1);
    QTRY_COMPARE(calls, 2);
}

void TestRedisConnection::refusedConnectionFailsFast()
{
    hd::RedisServerConfig config = m_server.config();
    config.port = hdtest::freePort();
    RedisConnection connection(config);
    QElapsedTimer clock;
    clock.start();
    const RedisResponse r = call(connection, { "PING" }, 5000);
    QCOMPARE(r.failure, RedisFailure::Refused);
    QVERIFY2(r.failureText.contains(QLatin1String("connection refused")), qPrintable(r.failureText));
    QVERIFY(clock.elapsed() < 2000);
    QVERIFY(!connection.isReady());
}

void TestRedisConnection::authenticatesAsAnAclUser()
{
    hd::RedisServerConfig config = m_aclServer.config();
    config.username = QStringLiteral("dash");
    config.password = QStringLiteral("dashpw");
    m_aclServer.cli({ QStringLiteral("SET"), QStringLiteral("health:acl"), QStringLiteral("fine") });
    m_aclServer.cli({ QStringLiteral("SET"), QStringLiteral("secret:key"), QStringLiteral("x") });
    RedisConnection connection(config);
    RedisResponse r = call(connection, { "GET", "health:acl" });
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(r.reply, RedisReply::string("fine"));
    r = call(connection, { "GET", "secret:key" });
    QVERIFY(r.ok());
    QCOMPARE(r.reply.errorCode(), QByteArray("NOPERM"));
}

void TestRedisConnection::authenticatesWithABarePassword()
{
    RedisConnection connection(m_aclServer.config()); // default user, requirepass
    QCOMPARE(connection.server().password, QStringLiteral("adminpw"));
    const RedisResponse r = call(connection, { "PING" });
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(r.reply, RedisReply::status("PONG"));
}

void TestRedisConnection::wrongPasswordIsAuthRejected()
{
    hd::RedisServerConfig config = m_aclServer.config();
    config.username = QStringLiteral("dash");
    config.password = QStringLiteral("wrong");
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "PING" });
    QCOMPARE(r.failure, RedisFailure::AuthRejected);
    QCOMPARE(r.failureText, QStringLiteral("WRONGPASS invalid username-password pair or user is disabled."));
}

void TestRedisConnection::missingPasswordGetsNoauthReplies()
{
    hd::RedisServerConfig config = m_aclServer.config();
    config.password.clear();
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "GET", "health:acl" });
    QVERIFY(r.ok());
    QCOMPARE(r.reply.errorCode(), QByteArray("NOAUTH"));
}

void TestRedisConnection::selectsTheDatabase()
{
    hd::RedisServerConfig config = m_server.config();
    config.db = 3;
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "SET", "health:db3", "here" });
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(m_server.cli(
                 { QStringLiteral("-n"), QStringLiteral("3"), QStringLiteral("GET"), QStringLiteral("health:db3") }),
        QByteArray("here"));
    QCOMPARE(m_server.cli({ QStringLiteral("GET"), QStringLiteral("health:db3") }), QByteArray());
}

void TestRedisConnection::badDatabaseIndexIsMisconfigured()
{
    hd::RedisServerConfig config = m_server.config();
    config.db = 16;
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "PING" });
    QCOMPARE(r.failure, RedisFailure::Misconfigured);
    QCOMPARE(r.failureText, QStringLiteral("ERR DB index is out of range"));
}

void TestRedisConnection::commandToASilentServerFailsAtItsDeadline()
{
    hdtest::FakeRedisServer fake(hdtest::FakeRedisServer::Mode::Silent);
    QVERIFY(fake.listen());
    RedisConnection connection(fake.config());
    QElapsedTimer clock;
    clock.start();
    const RedisResponse r = call(connection, { "GET", "health:x" }, 400);
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(r.failure, RedisFailure::Timeout);
    QVERIFY2(r.failureText.contains(QLatin1String("no reply from redis fake")), qPrintable(r.failureText));
    QVERIFY2(elapsed >= 390 && elapsed < 1400, qPrintable(QString::number(elapsed)));
    QCOMPARE(fake.commands(), 1); // it was sent, and never answered
    QVERIFY(connection.isReady());
}

void TestRedisConnection::stalledConnectionIsReset()
{
    hdtest::FakeRedisServer fake(hdtest::FakeRedisServer::Mode::Silent);
    QVERIFY(fake.listen());
    RedisConnection connection(fake.config());
    connection.setStallTimeout(300);
    QCOMPARE(call(connection, { "PING" }, 100).failure, RedisFailure::Timeout);
    QCOMPARE(fake.connections(), 1);
    // Nothing arrives behind the timed-out command: the connection is deemed dead and replaced.
    QTRY_COMPARE_WITH_TIMEOUT(fake.connections(), 2, 5000);
}

void TestRedisConnection::garbageIsAProtocolErrorAndResets()
{
    hdtest::FakeRedisServer fake(
        hdtest::FakeRedisServer::Mode::Garbage, QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n"));
    QVERIFY(fake.listen());
    RedisConnection connection(fake.config());
    QObject context;
    QList<RedisResponse> results;
    for (int i = 0; i < 3; ++i)
        connection.send({ "PING" }, QDeadlineTimer(5000), &context, [&](const RedisResponse& r) { results << r; });
    QTRY_COMPARE(results.size(), 3);
    for (const RedisResponse& r : std::as_const(results)) {
        QCOMPARE(r.failure, RedisFailure::Protocol);
        QVERIFY2(r.failureText.startsWith(QLatin1String("protocol error from redis fake")), qPrintable(r.failureText));
    }
    QCOMPARE(connection.state(), RedisConnection::State::Backoff);
    // It reconnects on its own, with backoff.
    QTRY_VERIFY_WITH_TIMEOUT(fake.connections() >= 2, 5000);
}

void TestRedisConnection::oversizedReplyResetsTheConnection()
{
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("big"), QString(5000, u'x') });
    RedisConnection connection(m_server.config());
    connection.setMaxReplyBytes(1000);
    const RedisResponse r = call(connection, { "GET", "big" });
    QCOMPARE(r.failure, RedisFailure::Protocol);
    QVERIFY2(r.failureText.contains(QLatin1String("exceeds 1000 bytes")), qPrintable(r.failureText));
    // The next connection serves small replies again.
    QTRY_VERIFY_WITH_TIMEOUT(call(connection, { "PING" }, 1000).ok(), 10'000);
}

void TestRedisConnection::recoversAfterTheServerRestarts()
{
    hdtest::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection connection(server.config());
    QVERIFY(call(connection, { "PING" }).ok());

    server.process().kill();
    const RedisResponse lost = call(connection, { "PING" }, 2000);
    QVERIFY2(lost.failure == RedisFailure::ConnectionLost || lost.failure == RedisFailure::Refused,
        qPrintable(describe(lost)));
    QTRY_COMPARE(connection.state(), RedisConnection::State::Backoff);
    QCOMPARE(call(connection, { "PING" }, 2000).ok(), false);

    QVERIFY2(server.process().restart(), qPrintable(server.process().errorString()));
    // Backoff tops out at 5 s, so the connection is back within a few seconds, without help.
    QTRY_VERIFY_WITH_TIMEOUT(connection.isReady(), 15'000);
    const RedisResponse back = call(connection, { "PING" });
    QVERIFY2(back.ok(), qPrintable(describe(back)));
    QCOMPARE(back.reply, RedisReply::status("PONG"));
}

void TestRedisConnection::destroyedContextIsNotCalledBack()
{
    RedisConnection connection(m_server.config());
    int calls = 0;
    {
        QObject context;
        connection.send({ "PING" }, QDeadlineTimer(5000), &context, [&](const RedisResponse&) { ++calls; });
    }
    const RedisResponse r = call(connection, { "PING" });
    QVERIFY(r.ok());
    QCOMPARE(calls, 0);
}

void TestRedisConnection::tlsWithCustomCaAndClientCertificate()
{
    hd::RedisServerConfig config = m_tlsServer.config(QStringLiteral("secure"));
    config.port = m_tlsServer.process().tlsPort();
    config.tls = true;
    config.tlsFiles.caFile = m_tls.caFile();
    config.tlsFiles.certFile = m_tls.clientCertFile();
    config.tlsFiles.keyFile = m_tls.clientKeyFile();
    m_tlsServer.cli({ QStringLiteral("SET"), QStringLiteral("health:tls"), QStringLiteral("encrypted") });
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "GET", "health:tls" });
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(r.reply, RedisReply::string("encrypted"));
}

void TestRedisConnection::tlsFailures_data()
{
    QTest::addColumn<QString>("ca"); // "system", "other" (a CA that signed nothing here) or "ours"
    QTest::addColumn<bool>("withClientCert");
    QTest::addColumn<bool>("tlsFailure"); // false: any failure (the server may drop us after the handshake)

    QTest::newRow("server certificate checked against the system store") << QStringLiteral("system") << true << true;
    QTest::newRow("server certificate checked against another CA") << QStringLiteral("other") << true << true;
    QTest::newRow("no client certificate for a server that demands one") << QStringLiteral("ours") << false << false;
}

void TestRedisConnection::tlsFailures()
{
    QFETCH(QString, ca);
    QFETCH(bool, withClientCert);
    QFETCH(bool, tlsFailure);
    hd::RedisServerConfig config = m_tlsServer.config(QStringLiteral("secure"));
    config.port = m_tlsServer.process().tlsPort();
    config.tls = true;
    if (ca == u"other")
        config.tlsFiles.caFile = m_tls.otherCaFile();
    else if (ca == u"ours")
        config.tlsFiles.caFile = m_tls.caFile();
    if (withClientCert) {
        config.tlsFiles.certFile = m_tls.clientCertFile();
        config.tlsFiles.keyFile = m_tls.clientKeyFile();
    }
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "PING" });
    QVERIFY2(!r.ok(), qPrintable(describe(r)));
    if (tlsFailure) {
        QCOMPARE(r.failure, RedisFailure::Tls);
        QVERIFY2(r.failureText.startsWith(QLatin1String("TLS with redis secure")), qPrintable(r.failureText));
    }
}

void TestRedisConnection::tlsInsecureSkipsVerification()
{
    hd::RedisServerConfig config = m_tlsServer.config(QStringLiteral("secure"));
    config.port = m_tlsServer.process().tlsPort();
    config.tls = true;
    config.tlsFiles.insecure = true;
    config.tlsFiles.certFile = m_tls.clientCertFile();
    config.tlsFiles.keyFile = m_tls.clientKeyFile();
    RedisConnection connection(config);
    const RedisResponse r = call(connection, { "PING" });
    QVERIFY2(r.ok(), qPrintable(describe(r)));
}

QTEST_GUILESS_MAIN(TestRedisConnection)
#include "tst_redisconnection.moc"
