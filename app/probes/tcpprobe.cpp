#include "tcpprobe.h"

#include "probeutil.h"

#include <QTcpSocket>

namespace hd {

using Outcome = ProbeResult::Outcome;

TcpProbe::TcpProbe(const CheckConfig& check, QObject* parent)
    : Probe(parent)
    , m_check(check)
{
    setTimeout(m_check.timeoutMs);
}

TcpProbe::~TcpProbe()
{
    releaseSocket();
}

void TcpProbe::run()
{
    if (m_check.tcp().host.isEmpty() || m_check.tcp().port == 0) {
        finish(failedResult(Outcome::Misconfigured, QStringLiteral("tcp needs a host and a port")));
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
    // A refused loopback connect can fail inside connectToHost(): the base holds that result until start() returns.
    m_socket->connectToHost(m_check.tcp().host, m_check.tcp().port);
}

void TcpProbe::endRun(ProbeResult*)
{
    releaseSocket();
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
