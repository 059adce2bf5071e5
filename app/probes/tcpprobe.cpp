#include "tcpprobe.h"

#include "probeutil.h"

#include <QDateTime>
#include <QTcpSocket>

namespace hd {

using Outcome = ProbeResult::Outcome;

TcpProbe::TcpProbe(const CheckConfig& check, QObject* parent)
    : Probe(parent)
    , m_check(check)
{
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);
    connect(&m_deadline, &QTimer::timeout, this,
        [this] { finish(failedResult(Outcome::Timeout, timeoutMessage(m_check.timeoutMs))); });
}

TcpProbe::~TcpProbe()
{
    releaseSocket();
}

void TcpProbe::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    if (m_check.tcp().host.isEmpty() || m_check.tcp().port == 0) {
        QTimer::singleShot(0, this,
            [this] { finish(failedResult(Outcome::Misconfigured, QStringLiteral("tcp needs a host and a port"))); });
        return;
    }

    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        ProbeResult result;
        result.outcome = Outcome::Completed;
        result.connected = true;
        result.ip = m_socket->peerAddress().toString();
        finish(result);
    });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        const QString target = m_check.tcp().host + u':' + QString::number(m_check.tcp().port);
        switch (error) {
        case QAbstractSocket::ConnectionRefusedError:
            finish(failedResult(Outcome::Refused, QStringLiteral("connection refused by %1").arg(target)));
            break;
        case QAbstractSocket::HostNotFoundError:
            finish(failedResult(Outcome::Refused, QStringLiteral("host not found: %1").arg(m_check.tcp().host)));
            break;
        case QAbstractSocket::NetworkError:
            finish(failedResult(Outcome::Refused, lowerFirst(m_socket->errorString()) + u" (" + target + u')'));
            break;
        case QAbstractSocket::SocketTimeoutError:
            finish(failedResult(Outcome::Timeout, timeoutMessage(m_check.timeoutMs)));
            break;
        default:
            finish(failedResult(Outcome::ProtocolError, lowerFirst(m_socket->errorString()) + u" (" + target + u')'));
            break;
        }
    });
    m_deadline.start(timerInterval(m_check.timeoutMs));
    m_inStart = true; // a refused loopback connect can fail inside connectToHost()
    m_socket->connectToHost(m_check.tcp().host, m_check.tcp().port);
    m_inStart = false;
}

void TcpProbe::cancel()
{
    m_done = true;
    m_deadline.stop();
    releaseSocket();
}

void TcpProbe::finish(ProbeResult result)
{
    if (m_done)
        return;
    if (m_inStart) {
        QTimer::singleShot(0, this, [this, result] { finish(result); });
        return;
    }
    m_done = true;
    m_deadline.stop();
    releaseSocket();
    result.latencyMs = elapsedMs(m_clock);
    result.finishedAt = QDateTime::currentDateTimeUtc();
    Q_EMIT finished(result);
}

void TcpProbe::releaseSocket()
{
    if (!m_socket)
        return;
    QTcpSocket* socket = m_socket;
    m_socket = nullptr;
    disconnect(socket, nullptr, this, nullptr);
    socket->abort();
    socket->deleteLater();
}

} // namespace hd
