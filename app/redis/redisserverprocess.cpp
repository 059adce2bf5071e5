#include "redisserverprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <csignal>
#include <sys/prctl.h>

namespace hd {

namespace {

QString executablePath()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
}

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// redis.conf arguments are split like a shell line; quote anything we did not write ourselves.
QString quoted(const QString& value)
{
    QString escaped = value;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + escaped + u'"';
}

} // namespace

RedisServerProcess::RedisServerProcess(QObject* parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // The server must not outlive us, even when we crash or a test aborts.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(&m_process, &QProcess::finished, this, [this] {
        if (!m_stopping)
            Q_EMIT crashed();
    });
}

RedisServerProcess::~RedisServerProcess()
{
    m_process.disconnect(this);
    stop();
}

bool RedisServerProcess::available()
{
    return !executablePath().isEmpty();
}

bool RedisServerProcess::start(const Options& options, int timeoutMs)
{
    if (isRunning()) {
        m_error = QStringLiteral("redis-server is already running");
        return false;
    }
    if (!available()) {
        m_error = QStringLiteral("redis-server is not on the PATH (Debian package redis-server)");
        return false;
    }
    m_options = options;
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = u"cannot create a temporary directory: " + m_dir->errorString();
        return false;
    }
    // Another process may take the free port between our look and redis' bind: try a few.
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freeLoopbackPort();
        m_tlsPort = options.tls ? freeLoopbackPort() : 0;
        if (m_port == 0 || (options.tls && (m_tlsPort == 0 || m_tlsPort == m_port)))
            continue;
        if (launch(timeoutMs))
            return true;
        if (!log().contains(QLatin1String("Address already in use")))
            return false;
    }
    return false;
}

bool RedisServerProcess::restart(int timeoutMs)
{
    if (!m_dir || m_port == 0) {
        m_error = QStringLiteral("restart() before start()");
        return false;
    }
    if (isRunning())
        stop();
    return launch(timeoutMs);
}

bool RedisServerProcess::launch(int timeoutMs)
{
    writeConfigFile();
    QFile::remove(m_dir->filePath(QStringLiteral("redis.log")));
    m_stopping = false;
    m_error.clear();
    m_process.start(executablePath(), { m_dir->filePath(QStringLiteral("redis.conf")) });
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = u"cannot start redis-server: " + m_process.errorString();
        return false;
    }
    if (!waitForPing(timeoutMs)) {
        kill();
        return false;
    }
    return true;
}

bool RedisServerProcess::waitForPing(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        if (m_process.state() == QProcess::NotRunning) {
            m_error = u"redis-server exited at start: " + log().trimmed() + QString::fromUtf8(m_process.readAll());
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(250)) {
            socket.write("PING\r\n");
            if (socket.waitForBytesWritten(250) && socket.waitForReadyRead(1000)) {
                const QByteArray reply = socket.readAll();
                // NOAUTH still proves the server is up and answering.
                if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"))
                    return true;
            }
        }
        // Doubles as the pause between attempts, and returns early if the process dies.
        m_process.waitForFinished(20);
    }
    m_error = QStringLiteral("redis-server did not answer PING within %1 ms").arg(timeoutMs);
    return false;
}

void RedisServerProcess::writeConfigFile()
{
    QStringList lines {
        QStringLiteral("bind 127.0.0.1"),
        u"port " + QString::number(m_port),
        QStringLiteral("daemonize no"),
        QStringLiteral("save \"\""),
        QStringLiteral("appendonly no"),
        u"dir " + quoted(m_dir->path()),
        u"logfile " + quoted(m_dir->filePath(QStringLiteral("redis.log"))),
        QStringLiteral("loglevel notice"),
    };
    if (!m_options.requirePass.isEmpty())
        lines << u"requirepass " + quoted(m_options.requirePass);
    for (const AclUser& user : std::as_const(m_options.users))
        lines << u"user " + quoted(user.name) + u" on " + quoted(u'>' + user.password) + u' ' + user.rules;
    if (m_options.tls) {
        lines << u"tls-port " + QString::number(m_tlsPort) << u"tls-cert-file " + quoted(m_options.tlsCertFile)
              << u"tls-key-file " + quoted(m_options.tlsKeyFile)
              << (m_options.tlsAuthClients ? QStringLiteral("tls-auth-clients yes")
                                           : QStringLiteral("tls-auth-clients no"));
        if (!m_options.tlsCaFile.isEmpty())
            lines << u"tls-ca-cert-file " + quoted(m_options.tlsCaFile);
    }
    lines << m_options.extraConfig;
    QFile file(m_dir->filePath(QStringLiteral("redis.conf")));
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(lines.join(u'\n').toUtf8() + '\n');
}

void RedisServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopping = true;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void RedisServerProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopping = true;
    m_process.kill();
    m_process.waitForFinished(5000);
}

bool RedisServerProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

QString RedisServerProcess::log() const
{
    if (!m_dir)
        return {};
    QFile file(m_dir->filePath(QStringLiteral("redis.log")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

RedisServerConfig RedisServerProcess::serverConfig(const QString& name) const
{
    RedisServerConfig config;
    config.name = name;
    config.host = host();
    config.port = m_port;
    config.password = m_options.requirePass;
    return config;
}

} // namespace hd
