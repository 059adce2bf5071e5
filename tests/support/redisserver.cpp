#include "redisserver.h"

#include <QProcess>

namespace hdtest {

bool RedisServer::start(const hd::RedisServerProcess::Options& options)
{
    if (!hd::RedisServerProcess::available()) {
        m_error
            = QStringLiteral("redis-server is not installed; the Redis tests need it (apt-get install redis-server)");
        return false;
    }
    if (!m_process.start(options)) {
        m_error = m_process.errorString() + u'\n' + m_process.log();
        return false;
    }
    return true;
}

QByteArray RedisServer::cli(const QStringList& args, const QByteArray& input) const
{
    QStringList all { QStringLiteral("-h"), m_process.host(), QStringLiteral("-p"), QString::number(m_process.port()) };
    const QString password = m_process.serverConfig().password;
    if (!password.isEmpty())
        all << QStringLiteral("-a") << password << QStringLiteral("--no-auth-warning");
    all << args;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("redis-cli"), all);
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60'000))
        qWarning("redis-cli %s did not finish", qPrintable(args.join(u' ')));
    return process.readAll().trimmed();
}

FakeRedisServer::FakeRedisServer(Mode mode, const QByteArray& reply)
    : m_mode(mode)
    , m_reply(reply)
{
    QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            ++m_connections;
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                const QByteArray data = socket->readAll();
                m_received += data;
                // Every command healthdeck sends is a RESP array: one '*' header at a line start.
                qsizetype count = data.startsWith('*') ? 1 : 0;
                count += data.count("\r\n*");
                m_commands += int(count);
                if (m_mode == Mode::Garbage)
                    socket->write(m_reply);
                else if (m_mode == Mode::Canned)
                    socket->write(m_reply.repeated(count));
            });
        }
    });
}

bool FakeRedisServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

hd::RedisServerConfig FakeRedisServer::config(const QString& name) const
{
    hd::RedisServerConfig config;
    config.name = name;
    config.host = QStringLiteral("127.0.0.1");
    config.port = port();
    return config;
}

} // namespace hdtest
