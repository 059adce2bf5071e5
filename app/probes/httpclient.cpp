#include "httpclient.h"

#include <QHostInfo>
#include <QSocketNotifier>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hd {

// One pooled TCP connection: a non-blocking socket and its two notifiers.
struct HttpConnection {
    int fd = -1;
    QSocketNotifier* readable = nullptr; // on once connected, idle included, so a close is seen
    QSocketNotifier* writable = nullptr; // on while connecting, or while request bytes wait
    HttpCall* owner = nullptr; // null while idle
    qint64 since = 0; // idle since (HttpClient::m_clock)
    QString key; // host:port
    QString peer; // the address connected to
    bool connected = false;
    bool handshaking = false; // TLS: connected, the handshake not done yet
    std::unique_ptr<TlsStream> tls; // https:// only
    QByteArray out; // request bytes the kernel (or TLS) did not take yet
};

namespace {

constexpr qsizetype readChunkBytes = 64 * 1024;

bool isIdempotent(const QByteArray& method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool isRetryable(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

// A connection that the server reset or shut reads as closed, as Qt reports it.
bool isClosedError(int error)
{
    return error == ECONNRESET || error == EPIPE || error == ECONNABORTED;
}

QString errnoText(int error)
{
    return qt_error_string(error);
}

socklen_t toSockaddr(const QHostAddress& address, quint16 port, sockaddr_storage* storage)
{
    std::memset(storage, 0, sizeof(*storage));
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto* in = reinterpret_cast<sockaddr_in*>(storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        return sizeof(sockaddr_in);
    }
    auto* in6 = reinterpret_cast<sockaddr_in6*>(storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    const Q_IPV6ADDR bytes = address.toIPv6Address();
    std::memcpy(&in6->sin6_addr, bytes.c, sizeof(bytes.c));
    const QString scope = address.scopeId();
    if (!scope.isEmpty()) {
        bool numeric = false;
        const uint id = scope.toUInt(&numeric);
        in6->sin6_scope_id = numeric ? id : ::if_nametoindex(scope.toLatin1().constData());
    }
    return sizeof(sockaddr_in6);
}

} // namespace

QByteArray HttpResponse::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (httpHeaderIs(key, name))
            return value;
    }
    return {};
}

// --- HttpClient ---------------------------------------------------------------

HttpClient::HttpClient(QObject* parent)
    : QObject(parent)
{
    m_clock.start();
    connect(&m_sweep, &QTimer::timeout, this, &HttpClient::sweep);
    setIdleTimeoutMs(m_idleTimeoutMs);
}

HttpClient::~HttpClient()
{
    for (auto& [key, connection] : m_connections) {
        delete connection->readable;
        delete connection->writable;
        connection->tls.reset();
        ::close(connection->fd);
    }
}

std::shared_ptr<TlsContext> HttpClient::tlsContext(const TlsClientConfig& tls, QString* error)
{
    const QString key = TlsContext::settingsKey(tls);
    std::shared_ptr<TlsContext>& context = m_tlsContexts[key];
    if (!context)
        context = TlsContext::create(tls, error);
    if (!context)
        m_tlsContexts.remove(key); // a file may be fixed later: try again next time
    return context;
}

void HttpClient::setIdleTimeoutMs(int ms)
{
    m_idleTimeoutMs = ms;
    m_sweep.setInterval(qBound(50, ms / 2, 5000));
}

int HttpClient::idleConnections() const
{
    int count = 0;
    for (const QList<HttpConnection*>& list : m_idle)
        count += int(list.size());
    return count;
}

HttpCall* HttpClient::send(const HttpRequest& request, QObject* parent)
{
    auto* exchange = new HttpCall(this, request, parent);
    exchange->start();
    return exchange;
}

void HttpClient::repeat(HttpCall* call)
{
    call->abort();
    call->resetExchange();
    call->m_client = this;
    call->start();
}

HttpConnection* HttpClient::takeIdle(const QString& key, HttpCall* call)
{
    const auto it = m_idle.find(key);
    if (it == m_idle.end())
        return nullptr;
    HttpConnection* found = nullptr;
    const qint64 now = m_clock.elapsed();
    // Most recently used first: the least likely to have been closed by the server.
    while (!found && !it->isEmpty()) {
        HttpConnection* connection = it->takeLast();
        if (now - connection->since < m_idleTimeoutMs)
            found = connection;
        else
            closeConnection(connection);
    }
    if (it->isEmpty())
        m_idle.erase(it);
    if (found)
        found->owner = call;
    return found;
}

HttpConnection* HttpClient::connectTo(HttpCall* call, const QHostAddress& address, quint16 port, int* error)
{
    sockaddr_storage storage;
    const socklen_t length = toSockaddr(address, port, &storage);
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) {
        *error = errno;
        return nullptr;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int rc = 0;
    do {
        rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&storage), length);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0 && errno != EINPROGRESS) {
        *error = errno;
        ::close(fd);
        return nullptr;
    }

    auto owned = std::make_unique<HttpConnection>();
    HttpConnection* connection = owned.get();
    connection->fd = fd;
    connection->owner = call;
    connection->key = call->m_key;
    connection->peer = address.toString();
    connection->connected = rc == 0;
    if (call->m_request.tls)
        connection->tls = std::make_unique<TlsStream>(call->m_request.tls, fd, call->m_host, call->m_peerKey);
    connection->readable = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connection->writable = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    connection->readable->setEnabled(connection->connected);
    connection->writable->setEnabled(!connection->connected);
    connect(connection->readable, &QSocketNotifier::activated, this, [this, connection] { onReadable(connection); });
    connect(connection->writable, &QSocketNotifier::activated, this, [this, connection] { onWritable(connection); });
    m_connections.emplace(connection, std::move(owned));
    ++m_opened;
    return connection;
}

bool HttpClient::sendOn(HttpConnection* connection, const QByteArray& bytes, int* error)
{
    if (!connection->out.isEmpty()) {
        connection->out += bytes;
        return true;
    }
    if (connection->tls) {
        qsizetype sent = 0;
        const TlsStream::Io io = connection->tls->write(bytes.constData(), bytes.size(), &sent);
        if (io == TlsStream::Io::Failed || io == TlsStream::Io::Closed) {
            *error = connection->tls->errnoValue() ? connection->tls->errnoValue() : ECONNRESET;
            return false;
        }
        if (sent < bytes.size()) {
            connection->out = bytes.mid(sent);
            connection->writable->setEnabled(true);
        }
        return true;
    }
    // Straight to the kernel; the write notifier only comes on if it takes less than all.
    ssize_t n = 0;
    do {
        n = ::send(connection->fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && !isRetryable(errno)) {
        *error = errno;
        return false;
    }
    const qsizetype sent = qMax<qsizetype>(n, 0);
    if (sent < bytes.size()) {
        connection->out = bytes.mid(sent);
        connection->writable->setEnabled(true);
    }
    return true;
}

void HttpClient::onWritable(HttpConnection* connection)
{
    HttpCall* call = connection->owner;
    if (!connection->connected) {
        int error = 0;
        socklen_t length = sizeof(error);
        if (::getsockopt(connection->fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0)
            error = errno;
        if (error == EINPROGRESS || error == EALREADY)
            return;
        connection->writable->setEnabled(false);
        if (error == 0) {
            connection->connected = true;
            connection->readable->setEnabled(true);
        }
        if (!call)
            closeConnection(connection);
        else if (error == 0)
            onConnected(connection); // may close the connection: nothing after this
        else
            call->onConnectDone(error);
        return;
    }
    if (connection->handshaking) {
        continueHandshake(connection);
        return;
    }
    if (connection->out.isEmpty()) {
        connection->writable->setEnabled(false);
        return;
    }
    // Through TLS or straight to the socket: what was sent, or the error that ends the connection (0: try later).
    qsizetype sent = 0;
    int error = 0;
    if (connection->tls) {
        const TlsStream::Io io = connection->tls->write(connection->out.constData(), connection->out.size(), &sent);
        if (io == TlsStream::Io::WantRead || io == TlsStream::Io::WantWrite)
            return;
        if (io != TlsStream::Io::Done)
            error = connection->tls->errnoValue() ? connection->tls->errnoValue() : ECONNRESET;
    } else {
        ssize_t n = 0;
        do {
            n = ::send(connection->fd, connection->out.constData(), size_t(connection->out.size()), MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        if (n < 0 && isRetryable(errno))
            return;
        if (n < 0)
            error = errno;
        else
            sent = n;
    }
    if (error) {
        connection->out.clear();
        connection->writable->setEnabled(false);
        if (call)
            call->onReadFailed(error);
        else
            closeConnection(connection);
        return;
    }
    connection->out.remove(0, sent);
    if (connection->out.isEmpty())
        connection->writable->setEnabled(false);
}

void HttpClient::onConnected(HttpConnection* connection)
{
    if (!connection->tls) {
        connection->owner->onConnectDone(0);
        return;
    }
    connection->handshaking = true;
    continueHandshake(connection);
}

void HttpClient::continueHandshake(HttpConnection* connection)
{
    HttpCall* call = connection->owner;
    switch (connection->tls->handshake()) {
    case TlsStream::Io::Done:
        connection->handshaking = false;
        connection->readable->setEnabled(true);
        connection->writable->setEnabled(!connection->out.isEmpty());
        if (call)
            call->onConnectDone(0); // sends the request; nothing after this
        else
            closeConnection(connection);
        return;
    case TlsStream::Io::WantRead:
        connection->readable->setEnabled(true);
        connection->writable->setEnabled(false);
        return;
    case TlsStream::Io::WantWrite:
        connection->writable->setEnabled(true);
        return;
    case TlsStream::Io::Closed:
    case TlsStream::Io::Failed:
        connection->readable->setEnabled(false);
        connection->writable->setEnabled(false);
        if (call)
            call->onTlsFailed(connection->tls->errorText(), true);
        else
            closeConnection(connection);
        return;
    }
}

void HttpClient::onTlsReadable(HttpConnection* connection)
{
    // One recv() fills OpenSSL's read-ahead buffer; the records in it are decrypted here, and the
    // socket is read again only when the notifier says there is more.
    char* chunk = m_readChunk.data();
    qsizetype total = 0;
    TlsStream::Io io = TlsStream::Io::Done;
    do {
        qsizetype n = 0;
        io = connection->tls->read(chunk + total, m_readChunk.size() - total, &n);
        total += n;
    } while (io == TlsStream::Io::Done && total < m_readChunk.size() && connection->tls->hasPending());
    HttpCall* call = connection->owner;
    if (!call) {
        if (total == 0 && (io == TlsStream::Io::WantRead || io == TlsStream::Io::WantWrite))
            return; // a session ticket, or half a record: the connection stays usable
        QList<HttpConnection*>& idle = m_idle[connection->key];
        idle.removeOne(connection);
        if (idle.isEmpty())
            m_idle.remove(connection->key);
        closeConnection(connection);
        return;
    }
    if (total > 0) {
        if (io != TlsStream::Io::Closed) {
            call->onData(chunk, total);
            return;
        }
        // The server's close_notify came with the data: it may keep the socket open after it, so no
        // further wake-up is sure to come. An answer that runs until the close ends here.
        const QPointer<HttpCall> guard(call);
        call->onData(chunk, total);
        if (guard && m_connections.count(connection) && connection->owner == guard)
            guard->onClosed();
        return;
    }
    switch (io) {
    case TlsStream::Io::Done:
    case TlsStream::Io::WantRead:
    case TlsStream::Io::WantWrite:
        return;
    case TlsStream::Io::Closed:
        call->onClosed();
        return;
    case TlsStream::Io::Failed:
        if (connection->tls->errnoValue())
            call->onReadFailed(connection->tls->errnoValue());
        else
            call->onTlsFailed(connection->tls->errorText(), false);
        return;
    }
}

void HttpClient::onReadable(HttpConnection* connection)
{
    if (m_readChunk.size() != readChunkBytes)
        m_readChunk.resize(readChunkBytes);
    if (connection->tls) {
        if (connection->handshaking)
            continueHandshake(connection);
        else
            onTlsReadable(connection);
        return;
    }
    ssize_t n = 0;
    do {
        n = ::recv(connection->fd, m_readChunk.data(), size_t(m_readChunk.size()), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && isRetryable(errno))
        return;
    const int error = n < 0 ? errno : 0;
    HttpCall* call = connection->owner;
    if (!call) {
        // An idle connection that the server closes, or that talks out of turn, is of no further use.
        QList<HttpConnection*>& idle = m_idle[connection->key];
        idle.removeOne(connection);
        if (idle.isEmpty())
            m_idle.remove(connection->key);
        closeConnection(connection);
        return;
    }
    if (n > 0)
        call->onData(m_readChunk.constData(), qsizetype(n));
    else if (n == 0)
        call->onClosed();
    else
        call->onReadFailed(error);
}

void HttpClient::release(HttpConnection* connection, const QString& key)
{
    QList<HttpConnection*>& list = m_idle[key];
    if (list.size() >= m_maxIdlePerHost) {
        closeConnection(connection);
        return;
    }
    connection->owner = nullptr;
    connection->key = key;
    connection->since = m_clock.elapsed();
    list.append(connection);
    if (!m_sweep.isActive())
        m_sweep.start();
}

void HttpClient::closeConnection(HttpConnection* connection)
{
    const auto it = m_connections.find(connection);
    if (it == m_connections.end())
        return;
    std::unique_ptr<HttpConnection> owned = std::move(it->second);
    m_connections.erase(it);
    // Possibly inside one of the notifiers' own signals: off now, deleted later.
    owned->readable->setEnabled(false);
    owned->writable->setEnabled(false);
    owned->readable->deleteLater();
    owned->writable->deleteLater();
    owned->tls.reset();
    ::close(owned->fd);
}

void HttpClient::sweep()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        it->removeIf([this, now](HttpConnection* connection) {
            if (now - connection->since < m_idleTimeoutMs)
                return false;
            closeConnection(connection);
            return true;
        });
        it = it->isEmpty() ? m_idle.erase(it) : std::next(it);
    }
    if (m_idle.isEmpty())
        m_sweep.stop();
}

// --- HttpCall -------------------------------------------------------------

HttpCall::HttpCall(HttpClient* client, const HttpRequest& request, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_request(request)
{
    m_parser.reset(m_request.method == "HEAD", m_request.bodyCap);
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

void HttpCall::resetExchange()
{
    m_response = HttpResponse();
    m_parser.reset(m_request.method == "HEAD", m_request.bodyCap);
    m_addresses.clear();
    m_state = State::Resolving;
    m_reused = false;
    m_resent = false;
}

void HttpCall::start()
{
    if (m_key.isEmpty()) {
        const bool https = m_request.url.scheme() == u"https";
        m_host = m_request.url.host();
        m_port = quint16(m_request.url.port(https ? 443 : 80));
        m_peerKey = m_host.toLower() + u':' + QString::number(m_port);
        m_key = m_peerKey;
        if (https && !m_request.tls && m_client) {
            QString error;
            m_request.tls = m_client->tlsContext({}, &error);
        }
        // A pool per TLS settings: the context's address names them for the client's life.
        if (https)
            m_key = u"https " + QString::number(quintptr(m_request.tls.get()), 16) + u' ' + m_peerKey;
    }
    if (m_request.url.scheme() == u"https" && !m_request.tls) {
        m_starting = true;
        fail(QNetworkReply::SslHandshakeFailedError, QStringLiteral("TLS: no TLS context"));
        m_starting = false;
        return;
    }
    m_starting = true;
    HttpConnection* idle
        = isIdempotent(m_request.method) && !m_request.oneShot && m_client ? m_client->takeIdle(m_key, this) : nullptr;
    if (idle) {
        m_reused = true;
        m_connection = idle;
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

void HttpCall::onLookup(const QHostInfo& info)
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
        [](const QHostAddress& address) { return address.protocol() == QAbstractSocket::IPv4Protocol; });
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
    int error = 0;
    m_connection = m_client->connectTo(this, address, m_port, &error);
    if (!m_connection)
        onConnectDone(error);
    else if (m_connection->connected)
        m_client->onConnected(m_connection);
}

void HttpCall::onConnectDone(int error)
{
    if (m_state != State::Connecting)
        return;
    if (error == 0) {
        sendRequest();
        return;
    }
    detach(false);
    if (!m_addresses.isEmpty()) {
        connectNext();
        return;
    }
    fail(error == ECONNREFUSED ? QNetworkReply::ConnectionRefusedError : QNetworkReply::UnknownNetworkError,
        errnoText(error));
}

void HttpCall::detach(bool reusable)
{
    HttpConnection* connection = m_connection;
    m_connection = nullptr;
    if (!connection || !m_client)
        return; // without the client its connections are gone too
    if (reusable)
        m_client->release(connection, m_key);
    else
        m_client->closeConnection(connection);
}

void HttpCall::sendRequest()
{
    if (m_wire.isEmpty())
        m_wire = wireRequest();
    m_state = State::Receiving;
    m_response.requestSent = true;
    m_response.peerAddress = m_connection->peer;
    if (const TlsStream* tls = m_connection->tls.get()) {
        m_response.encrypted = true;
        m_response.tlsResumed = tls->resumed();
        m_response.alpn = tls->alpn();
        m_response.certificateNotAfter = tls->peerNotAfter();
    }
    int error = 0;
    if (!m_client->sendOn(m_connection, m_wire, &error)) {
        // Typically a pooled connection the server has just closed (a stale one is resent).
        onReadFailed(error);
    }
}

QByteArray HttpCall::wireRequest() const
{
    const QUrl& url = m_request.url;
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();

    QByteArray out;
    out.reserve(256 + m_request.body.size());
    out += m_request.method + ' ' + target + " HTTP/1.1\r\n";
    bool hasHost = false;
    for (const auto& [name, value] : m_request.headers) {
        if (httpHeaderIs(name, "Content-Length"))
            continue;
        hasHost = hasHost || httpHeaderIs(name, "Host");
        out += name + ": " + value + "\r\n";
    }
    if (!hasHost) {
        QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
        if (host.contains(':'))
            host = '[' + host + ']';
        if (url.port() != -1 && url.port() != (url.scheme() == u"https" ? 443 : 80))
            host += ':' + QByteArray::number(url.port());
        out += "Host: " + host + "\r\n";
    }
    const QByteArray& method = m_request.method;
    if (!m_request.body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Length: " + QByteArray::number(m_request.body.size()) + "\r\n";
    out += "\r\n";
    out += m_request.body;
    return out;
}

HttpResponse HttpCall::response() const
{
    HttpResponse out = m_response;
    out.status = m_parser.status();
    out.headers = m_parser.headers();
    out.body = m_parser.body();
    return out;
}

void HttpCall::onData(const char* data, qsizetype size)
{
    if (!m_connection || m_state != State::Receiving)
        return;
    onParsed(m_parser.feed(QByteArrayView(data, size)));
}

void HttpCall::onParsed(HttpResponseParser::Result result)
{
    switch (result) {
    case HttpResponseParser::Result::NeedMore:
        return;
    case HttpResponseParser::Result::Complete:
        complete();
        return;
    case HttpResponseParser::Result::TooLarge:
        m_response.bodyTooLarge = true;
        end(false);
        return;
    case HttpResponseParser::Result::Malformed:
        protocolError(m_parser.error());
        return;
    }
}

void HttpCall::onReadFailed(int error)
{
    if (!m_connection || m_state == State::Done)
        return;
    if (isClosedError(error)) {
        onClosed();
        return;
    }
    fail(QNetworkReply::UnknownNetworkError, errnoText(error));
}

void HttpCall::onClosed()
{
    if (!m_connection || m_state == State::Done)
        return;
    if (m_state == State::Receiving && m_parser.closed() == HttpResponseParser::Result::Complete) {
        complete(); // a body that ran until the close
        return;
    }
    if (m_reused && !m_parser.receivedAny() && !m_resent && !m_request.oneShot) {
        // The server closed a pooled connection just as the request went out: it never
        // answered it, and the method is idempotent, so send it once more on a fresh one.
        m_resent = true;
        m_reused = false;
        detach(false);
        m_response = HttpResponse();
        m_parser.reset(m_request.method == "HEAD", m_request.bodyCap);
        openFresh();
        return;
    }
    if (m_connection->tls && !m_reused && !m_parser.receivedAny()) {
        // TLS 1.3 servers reject a missing or unwanted client certificate only after the
        // handshake looks complete to the client, by closing.
        fail(QNetworkReply::SslHandshakeFailedError,
            QStringLiteral("TLS: the server closed the connection after the handshake, before any HTTP reply "
                           "(it may require a client certificate)"));
        return;
    }
    fail(QNetworkReply::RemoteHostClosedError, QStringLiteral("connection closed"));
}

void HttpCall::onTlsFailed(const QString& why, bool handshaking)
{
    if (!m_connection || m_state == State::Done)
        return;
    if (handshaking) {
        fail(QNetworkReply::SslHandshakeFailedError, u"TLS handshake failed: " + why);
        return;
    }
    if (!m_parser.receivedAny()) {
        // An alert instead of an answer: with TLS 1.3, typically a client certificate the server wants.
        fail(QNetworkReply::SslHandshakeFailedError,
            u"TLS: the server refused the connection after the handshake: " + why
                + u" (it may require a client certificate)");
        return;
    }
    fail(QNetworkReply::ProtocolFailure, u"TLS error in the reply: " + why);
}

void HttpCall::complete()
{
    // Reuse only a connection whose answer ended exactly where the bytes did, and whose request did not ask
    // for it to close.
    bool reusable = m_parser.keepAlive() && m_connection && m_connection->out.isEmpty() && !m_request.oneShot;
    for (const auto& [name, value] : std::as_const(m_request.headers)) {
        if (httpHeaderIs(name, "Connection") && httpHasToken(value, "close"))
            reusable = false;
    }
    end(reusable);
}

void HttpCall::protocolError(const QString& what)
{
    fail(QNetworkReply::ProtocolFailure, QStringLiteral("not a valid HTTP response: ") + what);
}

void HttpCall::fail(QNetworkReply::NetworkError error, const QString& text)
{
    m_response.error = error;
    m_response.errorText = text;
    end(false);
}

void HttpCall::end(bool reusable)
{
    m_state = State::Done;
    detach(reusable);
    if (m_starting) {
        // Never from inside send().
        QTimer::singleShot(0, this, &HttpCall::finished);
        return;
    }
    // Last statement: a receiver may delete this exchange.
    Q_EMIT finished();
}

} // namespace hd
