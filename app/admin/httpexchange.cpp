#include "admin/httpexchange.h"
#include "core/duration.h"

#include "probes/tlsconfig.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace hd {

namespace {

constexpr qsizetype maxHeaderBytes = 64 * 1024;

// Decodes a complete chunked body; false while more bytes are needed, or (with *bad set) when it is not chunked.
bool decodeChunked(const QByteArray& raw, QByteArray* out, bool* bad)
{
    out->clear();
    qsizetype pos = 0;
    for (;;) {
        const qsizetype eol = raw.indexOf("\r\n", pos);
        if (eol < 0)
            return false;
        QByteArray sizeText = raw.mid(pos, eol - pos);
        if (const qsizetype semi = sizeText.indexOf(';'); semi >= 0)
            sizeText.truncate(semi); // chunk extensions
        bool ok = false;
        const qint64 size = sizeText.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0) {
            *bad = true;
            return false;
        }
        pos = eol + 2;
        if (size == 0) {
            // Trailers end with an empty line.
            return raw.indexOf("\r\n\r\n", pos - 2) >= 0 || raw.mid(pos).startsWith("\r\n");
        }
        if (raw.size() < pos + size + 2)
            return false;
        out->append(raw.constData() + pos, size);
        pos += size + 2;
    }
}

} // namespace

QByteArray HttpExchangeResponse::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QList<QByteArray> HttpExchangeResponse::headerValues(const QByteArray& name) const
{
    QList<QByteArray> values;
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values += value;
    }
    return values;
}

HttpExchange::HttpExchange(HttpExchangeRequest request, QObject* parent)
    : QObject(parent)
    , m_request(std::move(request))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        const int defaultPort = m_request.url.scheme().toLower() == u"https" ? 443 : 80;
        const QString where = m_request.url.host() + u':' + QString::number(m_request.url.port(defaultPort));
        if (!m_response.requestWritten)
            fail(HttpExchangeResponse::Error::NotSent,
                u"no connection to " + where + u" within " + formatDurationMs(m_request.timeoutMs));
        else
            fail(HttpExchangeResponse::Error::Timeout, u"no answer within " + formatDurationMs(m_request.timeoutMs));
    });
}

HttpExchange::~HttpExchange()
{
    abort();
}

void HttpExchange::abort()
{
    m_finished = true;
    m_deadline.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void HttpExchange::start()
{
    const QUrl& url = m_request.url;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"http" && scheme != u"https")) {
        m_response.error = HttpExchangeResponse::Error::NotSent;
        m_response.errorString = u"not an http(s) URL: " + url.toString(QUrl::RemoveUserInfo);
        m_finished = true;
        QTimer::singleShot(0, this, &HttpExchange::finished);
        return;
    }
    const bool tls = scheme == u"https";
    if (tls) {
        auto* ssl = new QSslSocket(this);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        QString error;
        if (!applyTlsClientConfig(m_request.tls, config, &error)) {
            delete ssl;
            m_response.error = HttpExchangeResponse::Error::NotSent;
            m_response.errorString = error;
            m_finished = true;
            QTimer::singleShot(0, this, &HttpExchange::finished);
            return;
        }
        ssl->setSslConfiguration(config);
        connect(ssl, &QSslSocket::encrypted, this, &HttpExchange::writeRequest);
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &HttpExchange::writeRequest);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpExchange::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this,
        [this] { onClosed(QStringLiteral("the server closed the connection")); });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            onClosed(QStringLiteral("the server closed the connection"));
        else
            onClosed(m_socket->errorString());
    });
    m_deadline.start(std::chrono::milliseconds(qMax<qint64>(1, m_request.timeoutMs)));
    const quint16 port = quint16(url.port(tls ? 443 : 80));
    if (tls)
        static_cast<QSslSocket*>(m_socket)->connectToHostEncrypted(url.host(), port);
    else
        m_socket->connectToHost(url.host(), port);
}

void HttpExchange::writeRequest()
{
    if (m_finished || !m_socket || m_response.requestWritten)
        return;
    const QUrl& url = m_request.url;
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int defaultPort = url.scheme().toLower() == u"https" ? 443 : 80;
    if (url.port(defaultPort) != defaultPort)
        host += ':' + QByteArray::number(url.port());

    const QByteArray method = m_request.method.toUpper();
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    const bool sendsBody = !m_request.body.isEmpty() || (method != "GET" && method != "HEAD" && method != "OPTIONS");
    if (sendsBody)
        out += "Content-Length: " + QByteArray::number(m_request.body.size()) + "\r\n";
    for (const auto& [name, value] : m_request.headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n" + m_request.body;
    // From here on the server may act on the request, so nothing below ever writes it again.
    m_response.requestWritten = true;
    m_socket->write(out);
}

void HttpExchange::onReadyRead()
{
    if (m_finished || !m_socket)
        return;
    m_buffer += m_socket->readAll();
    if (parse())
        finish();
}

void HttpExchange::onClosed(const QString& reason)
{
    if (m_finished || !m_socket)
        return;
    m_buffer += m_socket->readAll();
    if (parse()) {
        finish();
        return;
    }
    if (m_finished) // parse() failed the exchange
        return;
    if (m_headersDone && m_mode == BodyMode::UntilClose) {
        m_response.body = m_buffer;
        finish();
        return;
    }
    if (!m_response.requestWritten)
        fail(HttpExchangeResponse::Error::NotSent, reason);
    else
        fail(HttpExchangeResponse::Error::ConnectionLost,
            (m_headersDone ? QStringLiteral("the answer was cut short: ") : QStringLiteral("no answer: ")) + reason);
}

bool HttpExchange::parse()
{
    while (!m_headersDone) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > maxHeaderBytes)
                fail(HttpExchangeResponse::Error::Malformed, QStringLiteral("the answer's headers are too long"));
            else if (!m_buffer.isEmpty() && !QByteArray("HTTP/").startsWith(m_buffer.left(5)))
                fail(HttpExchangeResponse::Error::Malformed, QStringLiteral("the answer is not HTTP"));
            return false;
        }
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_buffer.remove(0, end + 4);
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        bool ok = false;
        const int status = statusLine.value(1).toInt(&ok);
        if (!statusLine.first().startsWith("HTTP/1.") || !ok || status < 100 || status > 999) {
            fail(HttpExchangeResponse::Error::Malformed, QStringLiteral("the answer is not HTTP"));
            return false;
        }
        if (status < 200)
            continue; // 100 Continue and other interim answers
        m_response.status = status;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                m_response.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
        }
        m_headersDone = true;
        const QByteArray length = m_response.header("Content-Length");
        if (m_request.method.toUpper() == "HEAD" || status == 204 || status == 304) {
            m_mode = BodyMode::None;
        } else if (m_response.header("Transfer-Encoding").toLower().contains("chunked")) {
            m_mode = BodyMode::Chunked;
        } else if (!length.isEmpty()) {
            m_mode = BodyMode::Length;
            m_contentLength = length.toLongLong(&ok);
            if (!ok || m_contentLength < 0) {
                fail(HttpExchangeResponse::Error::Malformed, u"bad Content-Length: " + QString::fromLatin1(length));
                return false;
            }
            if (m_contentLength > m_request.maxBodyBytes) {
                fail(HttpExchangeResponse::Error::TooLarge,
                    u"the answer is larger than " + QString::number(m_request.maxBodyBytes) + u" bytes");
                return false;
            }
        } else {
            m_mode = BodyMode::UntilClose;
        }
    }
    if (m_buffer.size() > m_request.maxBodyBytes + 64 * 1024
        || (m_mode != BodyMode::Chunked && m_buffer.size() > m_request.maxBodyBytes)) {
        fail(HttpExchangeResponse::Error::TooLarge,
            u"the answer is larger than " + QString::number(m_request.maxBodyBytes) + u" bytes");
        return false;
    }
    switch (m_mode) {
    case BodyMode::None:
        return true;
    case BodyMode::Length:
        if (m_buffer.size() < m_contentLength)
            return false;
        m_response.body = m_buffer.left(m_contentLength);
        return true;
    case BodyMode::Chunked: {
        bool bad = false;
        QByteArray body;
        if (decodeChunked(m_buffer, &body, &bad)) {
            m_response.body = body;
            return true;
        }
        if (bad)
            fail(HttpExchangeResponse::Error::Malformed, QStringLiteral("bad chunked encoding"));
        return false;
    }
    case BodyMode::UntilClose:
        return false;
    }
    return false;
}

void HttpExchange::fail(HttpExchangeResponse::Error error, const QString& message)
{
    if (m_finished)
        return;
    m_response.error = error;
    m_response.errorString = message;
    finish();
}

void HttpExchange::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_deadline.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    Q_EMIT finished();
}

} // namespace hd
