#include "hostileserver.h"

#include <QHostAddress>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

namespace hdtest {

namespace {

constexpr char bufferProperty[] = "hdtestBuffer";
constexpr char answeredProperty[] = "hdtestAnswered";

QByteArray response(const QByteArray& statusLine, const QByteArray& contentType, const QByteArray& body,
    const QByteArray& extraHeaders = {})
{
    QByteArray out = "HTTP/1.1 " + statusLine + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "Connection: close\r\n\r\n";
    return out + body;
}

// Parses one complete request from buffer; false while more bytes are needed.
bool parseRequest(const QByteArray& buffer, RecordedRequest* request)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request->method = requestLine.value(0);
    request->path = requestLine.value(1);
    request->headers.clear();
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        request->headers.append({ name, value });
        if (name.compare("content-length", Qt::CaseInsensitive) == 0)
            contentLength = value.toLongLong();
    }
    const qsizetype bodyStart = headEnd + 4;
    if (buffer.size() - bodyStart < contentLength)
        return false;
    request->body = buffer.mid(bodyStart, contentLength);
    return true;
}

} // namespace

QByteArray RecordedRequest::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HostileServer::HostileServer(Mode mode, QObject* parent)
    : QObject(parent)
    , m_mode(mode)
{
    connect(&m_server, &QTcpServer::newConnection, this, &HostileServer::onNewConnection);
}

HostileServer::~HostileServer() = default;

bool HostileServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

quint16 HostileServer::port() const
{
    return m_server.serverPort();
}

QUrl HostileServer::url(const QString& path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path));
}

void HostileServer::setCannedResponse(const QByteArray& rawResponse)
{
    m_canned = rawResponse;
}

QByteArray HostileServer::okBody()
{
    return QByteArrayLiteral(R"({"status":"ok"})");
}

QByteArray HostileServer::invalidJsonBody()
{
    return QByteArrayLiteral(R"({"status": "ok", "checks": {"database": tru)");
}

QByteArray HostileServer::invalidUtf8Body()
{
    return QByteArrayLiteral("{\"status\":\"ok\",\"detail\":\"\xC3\x28\xFF\xFE\"}");
}

void HostileServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        ++m_accepted;
        ++m_open;
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            --m_open;
            socket->deleteLater();
            Q_EMIT connectionClosed();
        });
        if (m_mode == Mode::Garbage) {
            // Answer before the request is even read: a wrong service on the port.
            QByteArray junk(4096, Qt::Uninitialized);
            QRandomGenerator rng(42);
            for (char& c : junk)
                c = char(rng.bounded(256));
            junk[0] = '\x16'; // never accidentally "HTTP/"
            writeAndClose(socket, junk);
        }
    }
}

void HostileServer::onReadyRead(QTcpSocket* socket)
{
    QByteArray buffer = socket->property(bufferProperty).toByteArray() + socket->readAll();
    socket->setProperty(bufferProperty, buffer);
    if (socket->property(answeredProperty).toBool())
        return;
    RecordedRequest request;
    if (!parseRequest(buffer, &request))
        return;
    socket->setProperty(answeredProperty, true);
    m_requests.append(request);
    Q_EMIT requestReceived();
    respond(socket, request);
}

void HostileServer::respond(QTcpSocket* socket, const RecordedRequest& request)
{
    switch (m_mode) {
    case Mode::Hang:
    case Mode::Garbage:
        return;
    case Mode::SlowDrip: {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n");
        auto* drip = new QTimer(socket);
        connect(drip, &QTimer::timeout, socket, [this, socket] {
            if (socket->state() == QAbstractSocket::ConnectedState) {
                socket->write(" ");
                ++m_bodyBytesSent;
            }
        });
        drip->start(100);
        return;
    }
    case Mode::Reset: {
        const linger hard { 1, 0 };
        ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        socket->abort();
        return;
    }
    case Mode::EndlessBody:
        startStreaming(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
        return;
    case Mode::HugeContentLength:
        startStreaming(
            socket, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1073741824\r\n\r\n");
        return;
    case Mode::RedirectLoop:
        writeAndClose(socket, response("302 Found", {}, {}, "Location: " + request.path + "\r\n"));
        return;
    case Mode::RedirectChain: {
        const QByteArray prefix = "/redirect/";
        const int left = request.path.startsWith(prefix) ? request.path.mid(prefix.size()).toInt() : 0;
        if (left > 0)
            writeAndClose(
                socket, response("302 Found", {}, {}, "Location: " + prefix + QByteArray::number(left - 1) + "\r\n"));
        else
            writeAndClose(socket, response("200 OK", "application/json", okBody()));
        return;
    }
    case Mode::InvalidJson:
        writeAndClose(socket, response("200 OK", "application/json", invalidJsonBody()));
        return;
    case Mode::InvalidUtf8:
        writeAndClose(socket, response("200 OK", "application/json", invalidUtf8Body()));
        return;
    case Mode::Ok:
        writeAndClose(socket, response("200 OK", "application/json", okBody()));
        return;
    case Mode::Canned:
        writeAndClose(socket, m_canned);
        return;
    }
}

void HostileServer::startStreaming(QTcpSocket* socket, const QByteArray& head)
{
    // Refill whenever the kernel took the previous chunk: as fast as the client
    // reads, for as long as it stays.
    static const QByteArray chunk(16 * 1024, 'x');
    socket->write(head);
    auto refill = [this, socket] {
        while (socket->state() == QAbstractSocket::ConnectedState && socket->bytesToWrite() < 64 * 1024) {
            socket->write(chunk);
            m_bodyBytesSent += chunk.size();
        }
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, refill);
    refill();
}

void HostileServer::writeAndClose(QTcpSocket* socket, const QByteArray& data)
{
    socket->write(data);
    socket->disconnectFromHost();
}

} // namespace hdtest
