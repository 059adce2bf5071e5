#include "alertmanagerprocess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <csignal>
#include <sys/prctl.h>

namespace hd {

AlertmanagerProcess::AlertmanagerProcess(QObject* parent)
    : QObject(parent)
{
    // Alertmanager must not outlive us, even when we are killed (the demo's window ended by a signal) or a test
    // aborts; redis-server's process does the same.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

AlertmanagerProcess::~AlertmanagerProcess()
{
    kill();
}

QString AlertmanagerProcess::executable()
{
    return QStandardPaths::findExecutable(QStringLiteral("prometheus-alertmanager"));
}

bool AlertmanagerProcess::start(const QByteArray& configYaml, int timeoutMs)
{
    const QString binary = executable();
    if (binary.isEmpty()) {
        m_error = QStringLiteral("prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)");
        return false;
    }
    const QString configPath = m_dir.filePath(QStringLiteral("alertmanager.yml"));
    QFile file(configPath);
    if (!m_dir.isValid() || !file.open(QIODevice::WriteOnly) || file.write(configYaml) < 0) {
        m_error = u"cannot write " + configPath;
        return false;
    }
    file.close();
    {
        QTcpServer probe; // a port that was free a moment ago
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            m_error = u"no free loopback port: " + probe.errorString();
            return false;
        }
        m_port = probe.serverPort();
    }
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_dir.filePath(QStringLiteral("alertmanager.log")));
    m_process.start(binary,
        { u"--config.file=" + configPath, u"--storage.path=" + m_dir.filePath(QStringLiteral("data")),
            u"--web.listen-address=127.0.0.1:" + QString::number(m_port), QStringLiteral("--cluster.listen-address="),
            QStringLiteral("--log.level=warn") });
    if (!m_process.waitForStarted(5000)) {
        m_error = u"prometheus-alertmanager did not start: " + m_process.errorString();
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && isRunning()) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(200))
            return true;
        QThread::msleep(50);
    }
    m_error = (isRunning() ? QStringLiteral("prometheus-alertmanager did not listen in time: ")
                           : QStringLiteral("prometheus-alertmanager exited: "))
        + logTail();
    kill();
    return false;
}

void AlertmanagerProcess::kill()
{
    if (isRunning()) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString AlertmanagerProcess::url() const
{
    return u"http://127.0.0.1:" + QString::number(m_port);
}

QString AlertmanagerProcess::logTail() const
{
    QFile log(m_dir.filePath(QStringLiteral("alertmanager.log")));
    if (!log.open(QIODevice::ReadOnly))
        return QString();
    const qint64 size = log.size();
    log.seek(qMax<qint64>(0, size - 2000));
    return QString::fromUtf8(log.readAll()).trimmed();
}

} // namespace hd
