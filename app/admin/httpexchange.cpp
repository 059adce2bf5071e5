#include "admin/httpexchange.h"
#include "core/duration.h"

#include "probes/tlsconfig.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace hd {

QByteArray HttpExchangeResponse::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (httpHeaderIs(key, name))
            return value;
    }
    return {};
}

QList<QByteArray> HttpExchangeResponse::headerValues(const QByteArray& name) const
{
    QList<QByteArray> values;
    for (const auto& [key, value] : headers) {
        if (httpHeaderIs(key, name))
            values += value;
    }
    return values;
}

HttpExchange::HttpExchange(HttpExchangeRequest request, QObject* parent)
    : QObject(parent)
    , m_request(std::move(request))
{
    m_parser.reset(m_request.method.toUpper() == "HEAD", m_request.maxBodyBytes);
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
    onParsed(m_parser.feed(m_socket->readAll()));
}

void HttpExchange::onClosed(const QString& reason)
{
    if (m_finished || !m_socket)
        return;
    HttpResponseParser::Result result = m_parser.feed(m_socket->readAll());
    if (result == HttpResponseParser::Result::NeedMore)
        result = m_parser.closed(); // completes a body that runs until the close
    if (result != HttpResponseParser::Result::NeedMore) {
        onParsed(result);
        return;
    }
    if (!m_response.requestWritten)
        fail(HttpExchangeResponse::Error::NotSent, reason);
    else
        fail(HttpExchangeResponse::Error::ConnectionLost,
            (m_parser.headersDone() ? QStringLiteral("the answer was cut short: ") : QStringLiteral("no answer: "))
                + reason);
}

void HttpExchange::onParsed(HttpResponseParser::Result result)
{
    switch (result) {
    case HttpResponseParser::Result::NeedMore:
        return;
    case HttpResponseParser::Result::Complete:
        m_response.status = m_parser.status();
        m_response.headers = m_parser.headers();
        m_response.body = m_parser.takeBody();
        finish();
        return;
    case HttpResponseParser::Result::TooLarge:
        fail(HttpExchangeResponse::Error::TooLarge,
            u"the answer is larger than " + QString::number(m_request.maxBodyBytes) + u" bytes");
        return;
    case HttpResponseParser::Result::Malformed:
        fail(HttpExchangeResponse::Error::Malformed, u"the answer is not HTTP: " + m_parser.error());
        return;
    }
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
