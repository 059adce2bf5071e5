#include "redis/redisserverprocess.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using hd::RedisServerProcess;

namespace {

// A raw exchange, independent of the healthdeck client.
QByteArray ask(quint16 port, const QByteArray& inlineCommand)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return "refused";
    socket.write(inlineCommand + "\r\n");
    if (!socket.waitForReadyRead(2000))
        return "silent";
    return socket.readAll();
}

} // namespace

class TestRedisServerProcess : public QObject {
    Q_OBJECT
private slots:
    void isAvailable();
    void startsOnAFreeLoopbackPortWithoutPersistence();
    void requirePassAndAclUsers();
    void restartsOnTheSamePortAfterACrash();
    void stopsOnDestruction();
};

void TestRedisServerProcess::isAvailable()
{
    // CI installs redis-server; its absence is a failure here, not a skip.
    QVERIFY(RedisServerProcess::available());
}

void TestRedisServerProcess::startsOnAFreeLoopbackPortWithoutPersistence()
{
    RedisServerProcess server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(server.isRunning());
    QVERIFY(server.port() != 0);
    QCOMPARE(server.tlsPort(), quint16(0));
    QCOMPARE(ask(server.port(), "PING"), QByteArray("+PONG\r\n"));
    const QByteArray save = ask(server.port(), "CONFIG GET save");
    QCOMPARE(save, QByteArray("*2\r\n$4\r\nsave\r\n$0\r\n\r\n"));
    QVERIFY(ask(server.port(), "CONFIG GET appendonly").contains("no"));
    QVERIFY(ask(server.port(), "CONFIG GET bind").contains("127.0.0.1"));
    QVERIFY(server.log().contains(QLatin1String("Ready to accept connections")));
    QCOMPARE(server.serverConfig(QStringLiteral("x")).port, server.port());

    RedisServerProcess second;
    QVERIFY2(second.start(), qPrintable(second.errorString()));
    QVERIFY(second.port() != server.port());
}

void TestRedisServerProcess::requirePassAndAclUsers()
{
    RedisServerProcess server;
    RedisServerProcess::Options options;
    options.requirePass = QStringLiteral("secret word");
    options.users << RedisServerProcess::AclUser { QStringLiteral("dash"), QStringLiteral("dashpw"),
        QStringLiteral("~health:* +@read +@connection +info +ping") };
    QVERIFY2(server.start(options), qPrintable(server.errorString()));
    QVERIFY(ask(server.port(), "PING").startsWith("-NOAUTH"));
    QCOMPARE(ask(server.port(), "AUTH \"secret word\""), QByteArray("+OK\r\n"));
    QCOMPARE(ask(server.port(), "AUTH dash dashpw"), QByteArray("+OK\r\n"));
    QCOMPARE(server.serverConfig().password, QStringLiteral("secret word"));
}

void TestRedisServerProcess::restartsOnTheSamePortAfterACrash()
{
    RedisServerProcess server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const quint16 port = server.port();
    QSignalSpy crashed(&server, &RedisServerProcess::crashed);
    server.kill();
    QVERIFY(!server.isRunning());
    QCOMPARE(ask(port, "PING"), QByteArray("refused"));
    QCOMPARE(crashed.size(), 0); // asked for, so not a crash

    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    QCOMPARE(server.port(), port);
    QCOMPARE(ask(port, "PING"), QByteArray("+PONG\r\n"));

    // Killed from outside: that is a crash.
    ask(port, "SHUTDOWN NOSAVE");
    QTRY_COMPARE(crashed.size(), 1);
}

void TestRedisServerProcess::stopsOnDestruction()
{
    quint16 port = 0;
    {
        RedisServerProcess server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        port = server.port();
    }
    QCOMPARE(ask(port, "PING"), QByteArray("refused"));
}

QTEST_GUILESS_MAIN(TestRedisServerProcess)
#include "tst_redisserverprocess.moc"
