#include "httpclient.h"

#include <QHostInfo>
#include <QTcpSocket>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <sys/socket.h>

namespace hd {

namespace {

// Bounds that keep a hostile server from making the client buffer without end.
constexpr qsizetype maxHeadBytes = 64 * 1024;
constexpr qsizetype maxChunkLineBytes = 1024;
constexpr qint64 socketReadBuffer = 256 * 1024;

bool isIdempotent(const QByteArray &method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

QNetworkReply::NetworkError mapSocketError(QAbstractSocket::SocketError error, bool connected)
{
    using S = QAbstractSocket;
    switch (error) {
    case S::ConnectionRefusedError:
        return QNetworkReply::ConnectionRefusedError;
    case S::RemoteHostClosedError:
        return QNetworkReply::RemoteHostClosedError;
    case S::HostNotFoundError:
        return QNetworkReply::HostNotFoundError;
    case S::SocketTimeoutError:
        return QNetworkReply::TimeoutError;
    case S::NetworkError: // a reset reads as this once the connection was up
        return connected ? QNetworkReply::RemoteHostClosedError : QNetworkReply::UnknownNetworkError;
    default:
        return QNetworkReply::UnknownNetworkError;
    }
}

// The start of what the server sent, printable, for an error detail.
QString preview(const QByteArray &bytes)
{
    QByteArray shown = bytes.left(40);
    for (char &c : shown) {
        if (uchar(c) < 0x20 || uchar(c) > 0x7e)
            c = '.';
    }
    return QString::fromLatin1(shown);
}

bool hasToken(const QByteArray &list, const char *token)
{
    const QList<QByteArray> parts = list.split(',');
    for (const QByteArray &part : parts) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// --- HttpClient ---------------------------------------------------------------

HttpClient::HttpClient(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    connect(&m_sweep, &QTimer::timeout, this, &HttpClient::sweep);
    setIdleTimeoutMs(m_idleTimeoutMs);
}

HttpClient::~HttpClient() = default; // the sockets are children

HttpClient *HttpClient::sharedFor(QObject *owner)
{
    if (auto *client = owner->findChild<HttpClient *>(QString(), Qt::FindDirectChildrenOnly))
        return client;
    return new HttpClient(owner);
}

void HttpClient::setIdleTimeoutMs(int ms)
{
    m_idleTimeoutMs = ms;
    m_sweep.setInterval(qBound(50, ms / 2, 5000));
}

int HttpClient::idleConnections() const
{
    int count = 0;
    for (const QList<QTcpSocket *> &list : m_idle)
        count += int(list.size());
    return count;
}

HttpCall *HttpClient::send(const HttpRequest &request, QObject *parent)
{
    auto *exchange = new HttpCall(this, request, parent);
    exchange->start();
    return exchange;
}

QTcpSocket *HttpClient::takeIdle(const QString &key, HttpCall *call)
{
    const auto it = m_idle.find(key);
    if (it == m_idle.end())
        return nullptr;
    QTcpSocket *found = nullptr;
    const qint64 now = m_clock.elapsed();
    // Most recently used first: the least likely to have been closed by the server.
    while (!found && !it->isEmpty()) {
        QTcpSocket *socket = it->takeLast();
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0
            && now - m_sockets.value(socket).since < m_idleTimeoutMs)
            found = socket;
        else
            closeSocket(socket);
    }
    if (it->isEmpty())
        m_idle.erase(it);
    if (found)
        m_sockets[found].owner = call;
    return found;
}

QTcpSocket *HttpClient::newSocket(HttpCall *call)
{
    auto *socket = new QTcpSocket(this);
    socket->setReadBufferSize(socketReadBuffer);
    m_sockets.insert(socket, { call, 0, call->m_key });
    ++m_opened;
    // Connected once for the socket's life and routed to whichever call holds it:
    // cheaper than connecting and disconnecting every call.
    connect(socket, &QAbstractSocket::connected, this, [this, socket] { route(socket, &HttpCall::onConnected); });
    connect(socket, &QIODevice::readyRead, this, [this, socket] { route(socket, &HttpCall::onReadyRead); });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] { route(socket, &HttpCall::onSocketError); });
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { route(socket, &HttpCall::onClosed); });
    return socket;
}

void HttpClient::route(QTcpSocket *socket, void (HttpCall::*handler)())
{
    const auto it = m_sockets.constFind(socket);
    if (it == m_sockets.cend())
        return; // being closed
    if (HttpCall *call = it->owner) {
        (call->*handler)();
        return;
    }
    // An idle connection that the server closes, or that talks out of turn, is of no further use.
    QList<QTcpSocket *> &idle = m_idle[it->key];
    idle.removeOne(socket);
    if (idle.isEmpty())
        m_idle.remove(it->key);
    closeSocket(socket);
}

void HttpClient::release(QTcpSocket *socket, const QString &key)
{
    QList<QTcpSocket *> &list = m_idle[key];
    if (list.size() >= m_maxIdlePerHost) {
        closeSocket(socket);
        return;
    }
    SocketState &state = m_sockets[socket];
    state.owner = nullptr;
    state.key = key;
    state.since = m_clock.elapsed();
    list.append(socket);
    if (!m_sweep.isActive())
        m_sweep.start();
}

void HttpClient::closeSocket(QTcpSocket *socket)
{
    m_sockets.remove(socket);
    socket->abort();
    // Possibly inside one of its own signals.
    socket->deleteLater();
}

void HttpClient::sweep()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        it->removeIf([this, now](QTcpSocket *socket) {
            if (now - m_sockets.value(socket).since < m_idleTimeoutMs)
                return false;
            closeSocket(socket);
            return true;
        });
        it = it->isEmpty() ? m_idle.erase(it) : std::next(it);
    }
    if (m_idle.isEmpty())
        m_sweep.stop();
}

// --- HttpCall -------------------------------------------------------------

HttpCall::HttpCall(HttpClient *client, const HttpRequest &request, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_request(request)
{
}

HttpCall::~HttpCall()
{
    abort();
}

void HttpCall::abort()
{
    m_state = State::Done;
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    detach(false);
}

void HttpCall::start()
{
    m_host = m_request.url.host();
    m_port = quint16(m_request.url.port(80));
    m_key = m_host.toLower() + u':' + QString::number(m_port);
    m_starting = true;
    QTcpSocket *idle = isIdempotent(m_request.method) && m_client ? m_client->takeIdle(m_key, this) : nullptr;
    if (idle) {
        m_reused = true;
        m_socket = idle;
        sendRequest();
    } else {
        openFresh();
    }
    m_starting = false;
}

void HttpCall::openFresh()
{
    m_state = State::Resolving;
    if (QHostAddress literal; literal.setAddress(m_host)) {
        m_addresses = { literal };
        connectNext();
        return;
    }
    m_lookupId = QHostInfo::lookupHost(m_host, this, &HttpCall::onLookup);
}

void HttpCall::onLookup(const QHostInfo &info)
{
    m_lookupId = -1;
    if (m_state != State::Resolving)
        return;
    m_addresses = info.addresses();
    if (info.error() != QHostInfo::NoError || m_addresses.isEmpty()) {
        fail(QNetworkReply::HostNotFoundError, QStringLiteral("Host %1 not found").arg(m_host));
        return;
    }
    // IPv4 first, as QNetworkAccessManager prefers it.
    std::stable_partition(m_addresses.begin(), m_addresses.end(),
        [](const QHostAddress &address) { return address.protocol() == QAbstractSocket::IPv4Protocol; });
    connectNext();
}

void HttpCall::connectNext()
{
    if (!m_client) {
        fail(QNetworkReply::UnknownNetworkError, QStringLiteral("HTTP client gone"));
        return;
    }
    const QHostAddress address = m_addresses.takeFirst();
    m_state = State::Connecting;
    m_socket = m_client->newSocket(this);
    m_socket->connectToHost(address, m_port);
}

void HttpCall::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    sendRequest();
}

void HttpCall::detach(bool reusable)
{
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    if (!socket || !m_client)
        return; // without the client its sockets are gone too
    if (reusable)
        m_client->release(socket, m_key);
    else
        m_client->closeSocket(socket);
}

void HttpCall::sendRequest()
{
    const QUrl &url = m_request.url;
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();

    QByteArray out;
    out.reserve(256 + m_request.body.size());
    out += m_request.method + ' ' + target + " HTTP/1.1\r\n";
    bool hasHost = false;
    for (const auto &[name, value] : m_request.headers) {
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue;
        hasHost = hasHost || name.compare("Host", Qt::CaseInsensitive) == 0;
        out += name + ": " + value + "\r\n";
    }
    if (!hasHost) {
        QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
        if (host.contains(':'))
            host = '[' + host + ']';
        if (url.port() != -1 && url.port() != 80)
            host += ':' + QByteArray::number(url.port());
        out += "Host: " + host + "\r\n";
    }
    const QByteArray &method = m_request.method;
    if (!m_request.body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Length: " + QByteArray::number(m_request.body.size()) + "\r\n";
    out += "\r\n";
    out += m_request.body;

    m_state = State::StatusLine;
    m_response.requestSent = true;
    m_response.peerAddress = m_socket->peerAddress().toString();

    // Straight to the kernel: QTcpSocket::write() would switch its write notifier on and
    // off for every request, and each switch wakes the event loop up once more.
    qsizetype sent = 0;
    if (m_socket->bytesToWrite() == 0) {
        const ssize_t n = ::send(int(m_socket->socketDescriptor()), out.constData(), size_t(out.size()), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            // Typically a pooled connection the server has just closed; the close is
            // reported by the socket shortly, and handled there (a stale connection is resent).
            return;
        }
        sent = qMax<qsizetype>(n, 0);
    }
    if (sent < out.size() && m_socket->write(out.constData() + sent, out.size() - sent) < 0) {
        fail(QNetworkReply::RemoteHostClosedError, m_socket->errorString());
        return;
    }
}

void HttpCall::onReadyRead()
{
    if (!m_socket || m_state < State::StatusLine || m_state == State::Done)
        return;
    const QByteArray data = m_socket->readAll();
    if (data.isEmpty())
        return;
    m_gotBytes = true;
    if (m_buffer.isEmpty() && m_pos == 0)
        m_buffer = data;
    else
        m_buffer += data;
    if (!parse())
        return;
    // Keep only what is still to be parsed.
    if (m_pos == m_buffer.size())
        m_buffer.clear();
    else
        m_buffer.remove(0, m_pos);
    m_pos = 0;
}

void HttpCall::onSocketError()
{
    if (!m_socket || m_state == State::Done)
        return;
    const QAbstractSocket::SocketError error = m_socket->error();
    if (m_state == State::Connecting) {
        if (!m_addresses.isEmpty()) {
            detach(false);
            connectNext();
            return;
        }
        fail(mapSocketError(error, false), m_socket->errorString());
        return;
    }
    if (error == QAbstractSocket::RemoteHostClosedError || error == QAbstractSocket::NetworkError) {
        onClosed();
        return;
    }
    fail(mapSocketError(error, true), m_socket->errorString());
}

void HttpCall::onClosed()
{
    if (!m_socket || m_state == State::Done)
        return;
    if (m_state == State::Connecting) {
        onSocketError();
        return;
    }
    // The last bytes may still sit in the socket's buffer.
    if (m_socket->bytesAvailable() > 0) {
        onReadyRead();
        if (m_state == State::Done)
            return;
    }
    if (m_state == State::Body && m_framing == Framing::UntilClose) {
        m_keepAlive = false;
        complete();
        return;
    }
    if (m_reused && !m_gotBytes && !m_resent) {
        // The server closed a pooled connection just as the request went out: it never
        // answered it, and the method is idempotent, so send it once more on a fresh one.
        m_resent = true;
        m_reused = false;
        detach(false);
        m_response = HttpResponse();
        m_buffer.clear();
        m_pos = 0;
        openFresh();
        return;
    }
    fail(QNetworkReply::RemoteHostClosedError, QStringLiteral("connection closed"));
}

bool HttpCall::takeLine(QByteArray *line)
{
    const qsizetype end = m_buffer.indexOf('\n', m_pos);
    if (end < 0)
        return false;
    qsizetype stop = end;
    if (stop > m_pos && m_buffer.at(stop - 1) == '\r')
        --stop;
    *line = m_buffer.mid(m_pos, stop - m_pos);
    m_headBytes += end + 1 - m_pos;
    m_pos = end + 1;
    return true;
}

bool HttpCall::parse()
{
    QByteArray line;
    while (m_state != State::Done) {
        switch (m_state) {
        case State::StatusLine:
            // Tolerate stray line ends before the status line.
            while (m_pos < m_buffer.size() && (m_buffer.at(m_pos) == '\r' || m_buffer.at(m_pos) == '\n'))
                ++m_pos;
            if (m_buffer.size() - m_pos >= 5 && !QByteArrayView(m_buffer).sliced(m_pos, 5).startsWith("HTTP/")) {
                protocolError(QStringLiteral("the status line does not start with HTTP/ (\"%1\")")
                                  .arg(preview(m_buffer.mid(m_pos))));
                return false;
            }
            if (!takeLine(&line)) {
                if (m_buffer.size() - m_pos > maxHeadBytes) {
                    protocolError(QStringLiteral("status line longer than %1 bytes").arg(maxHeadBytes));
                    return false;
                }
                return true;
            }
            if (!parseStatusLine(line))
                return false;
            break;
        case State::Headers:
            if (!takeLine(&line)) {
                if (m_headBytes + m_buffer.size() - m_pos > maxHeadBytes) {
                    protocolError(QStringLiteral("response headers larger than %1 bytes").arg(maxHeadBytes));
                    return false;
                }
                return true;
            }
            if (m_headBytes > maxHeadBytes) {
                protocolError(QStringLiteral("response headers larger than %1 bytes").arg(maxHeadBytes));
                return false;
            }
            if (!parseHeaderLine(line))
                return false;
            break;
        case State::Body: {
            const qsizetype before = m_pos;
            const State state = m_state;
            if (!parseBody())
                return false;
            if (m_state == state && m_pos == before)
                return true; // needs more bytes
            break;
        }
        default:
            return true;
        }
    }
    return false; // done: the exchange let go of its buffer and socket
}

bool HttpCall::parseStatusLine(const QByteArray &line)
{
    // HTTP/1.x SP 3DIGIT [SP reason]
    const bool ok = line.size() >= 12 && line.startsWith("HTTP/1.") && std::isdigit(uchar(line.at(7)))
        && line.at(8) == ' ' && std::isdigit(uchar(line.at(9))) && std::isdigit(uchar(line.at(10)))
        && std::isdigit(uchar(line.at(11))) && (line.size() == 12 || line.at(12) == ' ');
    if (!ok) {
        protocolError(QStringLiteral("invalid status line \"%1\"").arg(preview(line)));
        return false;
    }
    m_response.status = line.mid(9, 3).toInt();
    m_response.headers.clear();
    m_keepAlive = line.at(7) != '0'; // HTTP/1.0 closes unless it says otherwise
    m_state = State::Headers;
    m_headBytes = line.size();
    return true;
}

bool HttpCall::parseHeaderLine(const QByteArray &line)
{
    if (line.isEmpty())
        return headersDone();
    if (line.at(0) == ' ' || line.at(0) == '\t') {
        // An obsolete folded continuation of the previous value.
        if (m_response.headers.isEmpty()) {
            protocolError(QStringLiteral("header continuation without a header"));
            return false;
        }
        m_response.headers.last().second += ' ' + line.trimmed();
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray name = colon > 0 ? line.left(colon) : QByteArray();
    if (name.isEmpty() || name.contains(' ') || name.contains('\t')) {
        protocolError(QStringLiteral("malformed header line \"%1\"").arg(preview(line)));
        return false;
    }
    m_response.headers.append({ name, line.mid(colon + 1).trimmed() });
    return true;
}

bool HttpCall::headersDone()
{
    const int status = m_response.status;
    if (status >= 100 && status < 200) {
        // Interim answers (100 Continue, 103 Early Hints) precede the real one.
        m_response.status = 0;
        m_response.headers.clear();
        m_state = State::StatusLine;
        return true;
    }
    qint64 length = -1;
    QByteArray transferEncoding;
    for (const auto &[name, value] : std::as_const(m_response.headers)) {
        if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            if (hasToken(value, "close"))
                m_keepAlive = false;
            else if (hasToken(value, "keep-alive"))
                m_keepAlive = true;
        } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            transferEncoding = value;
        } else if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 value64 = value.toLongLong(&ok);
            if (!ok || value64 < 0 || (length >= 0 && length != value64)) {
                protocolError(QStringLiteral("invalid Content-Length \"%1\"").arg(preview(value)));
                return false;
            }
            length = value64;
        }
    }
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (name.compare("Connection", Qt::CaseInsensitive) == 0 && hasToken(value, "close"))
            m_keepAlive = false;
    }

    m_state = State::Body;
    if (m_request.method == "HEAD" || status == 204 || status == 304) {
        m_framing = Framing::None;
    } else if (!transferEncoding.isEmpty()) {
        m_framing = transferEncoding.trimmed().toLower().endsWith("chunked") ? Framing::Chunked : Framing::UntilClose;
        m_chunkState = ChunkState::Size;
    } else if (length >= 0) {
        m_framing = length == 0 ? Framing::None : Framing::Length;
        m_remaining = length;
        if (m_request.bodyCap > 0 && length > m_request.bodyCap) {
            // Announced too large: stop before reading any of it.
            m_response.bodyTooLarge = true;
            end(false);
            return false;
        }
    } else {
        m_framing = Framing::UntilClose;
    }
    if (m_framing == Framing::UntilClose)
        m_keepAlive = false;
    if (m_framing == Framing::None) {
        complete();
        return false;
    }
    return true;
}

bool HttpCall::appendBody(const char *data, qsizetype size)
{
    const qint64 cap = m_request.bodyCap;
    if (cap > 0 && m_response.body.size() + size > cap) {
        // Past the cap: keep what fits and give up on the rest (and on the connection).
        m_response.body.append(data, cap - m_response.body.size());
        m_response.bodyTooLarge = true;
        end(false);
        return false;
    }
    m_response.body.append(data, size);
    return true;
}

bool HttpCall::parseBody()
{
    const qsizetype pending = m_buffer.size() - m_pos;
    switch (m_framing) {
    case Framing::None:
        complete();
        return false;
    case Framing::UntilClose:
        if (!appendBody(m_buffer.constData() + m_pos, pending))
            return false;
        m_pos += pending;
        return true;
    case Framing::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(pending, m_remaining));
        if (!appendBody(m_buffer.constData() + m_pos, take))
            return false;
        m_pos += take;
        m_remaining -= take;
        if (m_remaining == 0) {
            complete();
            return false;
        }
        return true;
    }
    case Framing::Chunked:
        break;
    }

    QByteArray line;
    switch (m_chunkState) {
    case ChunkState::Size: {
        if (!takeLine(&line)) {
            if (pending > maxChunkLineBytes) {
                protocolError(QStringLiteral("chunk size line longer than %1 bytes").arg(maxChunkLineBytes));
                return false;
            }
            return true;
        }
        const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
        const QByteArray digits = (semicolon >= 0 ? line.left(semicolon) : line).trimmed();
        bool ok = false;
        const qint64 size = digits.toLongLong(&ok, 16);
        if (!ok || size < 0 || digits.isEmpty()) {
            protocolError(QStringLiteral("invalid chunk size \"%1\"").arg(preview(line)));
            return false;
        }
        m_remaining = size;
        m_chunkState = size == 0 ? ChunkState::Trailer : ChunkState::Data;
        return true;
    }
    case ChunkState::Data: {
        const qsizetype take = qsizetype(qMin<qint64>(pending, m_remaining));
        if (!appendBody(m_buffer.constData() + m_pos, take))
            return false;
        m_pos += take;
        m_remaining -= take;
        if (m_remaining == 0)
            m_chunkState = ChunkState::DataEnd;
        return true;
    }
    case ChunkState::DataEnd:
        if (!takeLine(&line))
            return true;
        if (!line.isEmpty()) {
            protocolError(QStringLiteral("chunk data longer than its size"));
            return false;
        }
        m_chunkState = ChunkState::Size;
        return true;
    case ChunkState::Trailer:
        if (!takeLine(&line))
            return true;
        if (line.isEmpty()) {
            complete();
            return false;
        }
        return true; // trailer fields are not reported
    }
    return true;
}

void HttpCall::complete()
{
    // Reuse only a connection whose answer ended exactly where the buffer ends.
    const bool reusable = m_keepAlive && m_pos == m_buffer.size() && m_socket
        && m_socket->state() == QAbstractSocket::ConnectedState && m_socket->bytesAvailable() == 0;
    end(reusable);
}

void HttpCall::protocolError(const QString &what)
{
    fail(QNetworkReply::ProtocolFailure, QStringLiteral("not a valid HTTP response: ") + what);
}

void HttpCall::fail(QNetworkReply::NetworkError error, const QString &text)
{
    m_response.error = error;
    m_response.errorText = text;
    end(false);
}

void HttpCall::end(bool reusable)
{
    m_state = State::Done;
    detach(reusable);
    m_buffer.clear();
    m_pos = 0;
    if (m_starting) {
        // Never from inside send().
        QTimer::singleShot(0, this, &HttpCall::finished);
        return;
    }
    // Last statement: a receiver may delete this exchange.
    emit finished();
}

} // namespace hd
