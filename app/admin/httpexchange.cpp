#include "admin/httpexchange.h"
#include "core/duration.h"

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
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        const int defaultPort = m_request.url.scheme().toLower() == u"https" ? 443 : 80;
        const QString where = m_request.url.host() + u':' + QString::number(m_request.url.port(defaultPort));
        m_response.requestWritten = m_call && m_call->response().requestSent;
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
    if (m_call) {
        m_call->disconnect(this);
        m_call->abort();
    }
}

void HttpExchange::finishLater()
{
    m_finished = true;
    QTimer::singleShot(0, this, &HttpExchange::finished);
}

void HttpExchange::start()
{
    const QUrl& url = m_request.url;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"http" && scheme != u"https")) {
        m_response.error = HttpExchangeResponse::Error::NotSent;
        m_response.errorString = u"not an http(s) URL: " + url.toString(QUrl::RemoveUserInfo);
        finishLater();
        return;
    }
    HttpRequest request;
    request.url = url;
    request.url.setScheme(scheme);
    request.method = m_request.method.toUpper();
    request.headers = m_request.headers;
    request.headers.append({ QByteArrayLiteral("Connection"), QByteArrayLiteral("close") });
    request.body = m_request.body;
    request.bodyCap = m_request.maxBodyBytes;
    request.oneShot = true; // from here on the server may act on it: never written twice
    if (scheme == u"https") {
        QString error;
        request.tls = m_client.tlsContext(m_request.tls, &error);
        if (!request.tls) {
            m_response.error = HttpExchangeResponse::Error::NotSent;
            m_response.errorString = error;
            finishLater();
            return;
        }
    }
    m_deadline.start(std::chrono::milliseconds(qMax<qint64>(1, m_request.timeoutMs)));
    m_call = m_client.send(request, this);
    connect(m_call, &HttpCall::finished, this, &HttpExchange::onCallFinished);
}

void HttpExchange::onCallFinished()
{
    if (m_finished || !m_call)
        return;
    HttpResponse r = m_call->response();
    m_response.requestWritten = r.requestSent;
    if (r.bodyTooLarge) {
        fail(HttpExchangeResponse::Error::TooLarge,
            u"the answer is larger than " + QString::number(m_request.maxBodyBytes) + u" bytes");
        return;
    }
    switch (r.error) {
    case QNetworkReply::NoError:
        m_response.status = r.status;
        m_response.headers = std::move(r.headers);
        m_response.body = std::move(r.body);
        finish();
        return;
    case QNetworkReply::ProtocolFailure: {
        QString what = r.errorText;
        what.remove(QStringLiteral("not a valid HTTP response: "));
        fail(HttpExchangeResponse::Error::Malformed, u"the answer is not HTTP: " + what);
        return;
    }
    default:
        break;
    }
    const QString reason = r.error == QNetworkReply::RemoteHostClosedError
        ? QStringLiteral("the server closed the connection")
        : r.errorText;
    if (!r.requestSent)
        fail(HttpExchangeResponse::Error::NotSent, reason);
    else
        fail(HttpExchangeResponse::Error::ConnectionLost,
            (r.status > 0 ? QStringLiteral("the answer was cut short: ") : QStringLiteral("no answer: ")) + reason);
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
    if (m_call) {
        m_call->disconnect(this);
        m_call->abort();
    }
    Q_EMIT finished();
}

} // namespace hd
