#include "httpprobe.h"

#include "probeutil.h"
#include "tlsconfig.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslError>

namespace hd {

namespace {

using Outcome = ProbeResult::Outcome;

// Errors that Qt raises for an HTTP status (404, 503, ...): the exchange itself worked.
bool isHttpStatusError(QNetworkReply::NetworkError error)
{
    const int code = int(error);
    return (code >= 201 && code <= 299) || (code >= 400 && code <= 499)
        || error == QNetworkReply::ProtocolInvalidOperationError;
}

Outcome outcomeFor(QNetworkReply::NetworkError error)
{
    using E = QNetworkReply;
    switch (error) {
    case E::ConnectionRefusedError:
    case E::HostNotFoundError:
    case E::NetworkSessionFailedError:
    case E::TemporaryNetworkFailureError:
    case E::BackgroundRequestNotAllowedError:
    case E::UnknownNetworkError:
    case E::ProxyConnectionRefusedError:
    case E::ProxyConnectionClosedError:
    case E::ProxyNotFoundError:
    case E::ProxyTimeoutError:
    case E::ProxyAuthenticationRequiredError:
    case E::UnknownProxyError:
        return Outcome::Refused;
    case E::TimeoutError:
    case E::OperationCanceledError: // the per-request transfer timeout
        return Outcome::Timeout;
    case E::SslHandshakeFailedError:
        return Outcome::TlsError;
    case E::ProtocolUnknownError:
        return Outcome::Misconfigured;
    default:
        return Outcome::ProtocolError;
    }
}

bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

QString describeNetworkError(QNetworkReply::NetworkError error, const QString &qtText)
{
    using E = QNetworkReply;
    switch (error) {
    case E::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case E::RemoteHostClosedError:
        // Qt reports a reset (RST) and an orderly close before the reply alike.
        return QStringLiteral("connection reset or closed by the server before a complete reply");
    case E::TimeoutError:
        return QStringLiteral("connection timed out");
    case E::OperationCanceledError:
        return QStringLiteral("request cancelled");
    case E::TooManyRedirectsError:
        return QStringLiteral("too many redirects");
    case E::InsecureRedirectError:
        return QStringLiteral("redirect from https to http refused");
    case E::ProtocolFailure:
        return QStringLiteral("not a valid HTTP response");
    case E::ProtocolUnknownError:
        return QStringLiteral("unsupported URL scheme");
    default:
        break;
    }
    if (qtText.isEmpty())
        return QStringLiteral("network error %1").arg(int(error));
    return lowerFirst(qtText);
}

HttpProbe::HttpProbe(const CheckConfig &check, QNetworkAccessManager *nam, qint64 maxBodyBytes, QObject *parent)
    : Probe(parent)
    , m_check(check)
    , m_nam(nam)
{
    m_cap = m_check.http.maxBodyBytes > 0 ? m_check.http.maxBodyBytes
        : maxBodyBytes > 0                ? maxBodyBytes
                                          : Defaults().maxBodyBytes;
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        ProbeResult result = failedResult(Outcome::Timeout, timeoutMessage(m_check.timeoutMs));
        fillResponse(result);
        finish(result);
    });
}

HttpProbe::~HttpProbe()
{
    releaseReply();
}

bool HttpProbe::buildRequest(QNetworkRequest *request, QString *error) const
{
    const HttpProbeConfig &http = m_check.http;
    if (!http.url.isValid() || http.url.host().isEmpty()) {
        *error = QStringLiteral("invalid URL %1").arg(http.url.toString());
        return false;
    }
    const QString scheme = http.url.scheme();
    if (scheme != u"http" && scheme != u"https") {
        *error = QStringLiteral("unsupported URL scheme %1").arg(scheme);
        return false;
    }
    request->setUrl(http.url);

    if (http.maxRedirects > 0) {
        request->setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
        request->setMaximumRedirectsAllowed(http.maxRedirects);
    } else {
        request->setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    }
    // A probe measures the endpoint as it is now: no cache and no cookies shared
    // with other probes. Plain HTTP keeps its connection alive, as any client of
    // the service would; HTTPS opens a fresh one so that a connection made under
    // another probe's TLS settings (CA, client certificate, insecure) is never reused.
    request->setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request->setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request->setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request->setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request->setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request->setTransferTimeout(timerInterval(m_check.timeoutMs));
    request->setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("healthdeck/" HEALTHDECK_VERSION));

    if (http.basic) {
        const QByteArray credentials = (http.basic->username + u':' + http.basic->password).toUtf8();
        request->setRawHeader("Authorization", "Basic " + credentials.toBase64());
    } else if (!http.bearer.isEmpty()) {
        request->setRawHeader("Authorization", "Bearer " + http.bearer.toUtf8());
    }
    for (const auto &[name, value] : http.headers)
        request->setRawHeader(name, value);

    if (scheme == u"https") {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        if (!applyTlsClientConfig(http.tls, ssl, error))
            return false;
        request->setSslConfiguration(ssl);
        request->setRawHeader("Connection", "close");
    }
    return true;
}

void HttpProbe::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();

    QNetworkRequest request;
    QString error;
    if (!m_nam) {
        finishLater(failedResult(Outcome::Misconfigured, QStringLiteral("no network access manager")));
        return;
    }
    if (!buildRequest(&request, &error)) {
        finishLater(failedResult(Outcome::Misconfigured, error));
        return;
    }

    const QString host = m_check.http.url.host();
    if (QHostAddress literal; literal.setAddress(host)) {
        m_ip = literal.toString();
    } else {
        // QNetworkReply does not expose the peer; the first address of the
        // resolved host (IPv4 first, as Qt connects) is the closest we get.
        QHostInfo::lookupHost(host, this, [this](const QHostInfo &info) {
            const QList<QHostAddress> addresses = info.addresses();
            for (const QHostAddress &address : addresses) {
                if (address.protocol() == QAbstractSocket::IPv4Protocol) {
                    m_ip = address.toString();
                    return;
                }
            }
            if (!addresses.isEmpty())
                m_ip = addresses.first().toString();
        });
    }

    m_deadline.start(timerInterval(m_check.timeoutMs));

    const QByteArray method = m_check.http.method.toUpper();
    const QByteArray &body = m_check.http.body;
    if (method == "GET" && body.isEmpty())
        m_reply = m_nam->get(request);
    else if (method == "HEAD")
        m_reply = m_nam->head(request);
    else
        m_reply = m_nam->sendCustomRequest(request, method, body);

    connect(m_reply, &QNetworkReply::requestSent, this, [this] { m_connected = true; });
    connect(m_reply, &QNetworkReply::encrypted, this, [this] { m_encrypted = true; });
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &HttpProbe::onMetaDataChanged);
    connect(m_reply, &QNetworkReply::readyRead, this, &HttpProbe::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HttpProbe::onFinished);
    connect(m_reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError> &errors) {
        for (const QSslError &e : errors)
            m_sslErrors.append(e.errorString());
    });
}

void HttpProbe::cancel()
{
    m_done = true;
    m_deadline.stop();
    releaseReply();
}

void HttpProbe::onMetaDataChanged()
{
    if (m_done || !m_reply)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_check.http.maxRedirects > 0 && isRedirectStatus(status) && m_reply->hasRawHeader("Location"))
        return; // Qt follows it; its length says nothing about the final body
    m_connected = true;
    // A HEAD answer announces the length of a body it never sends.
    if (m_reply->operation() == QNetworkAccessManager::HeadOperation)
        return;
    const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && length.toLongLong() > m_cap) {
        ProbeResult result = failedResult(Outcome::BodyTooLarge, bodyTooLargeMessage(m_cap));
        fillResponse(result);
        finish(result);
    }
}

void HttpProbe::onReadyRead()
{
    if (m_done || !m_reply)
        return;
    takeBody();
}

bool HttpProbe::takeBody()
{
    // Read at most one byte past the cap: enough to know it was passed.
    // Ask only for what has arrived: read(n) would allocate n bytes (the whole cap) on every call.
    m_body += m_reply->read(qMin(m_reply->bytesAvailable(), m_cap + 1 - m_body.size()));
    if (m_body.size() <= m_cap)
        return true;
    m_body.truncate(m_cap);
    ProbeResult result = failedResult(Outcome::BodyTooLarge, bodyTooLargeMessage(m_cap));
    fillResponse(result);
    finish(result);
    return false;
}

void HttpProbe::onFinished()
{
    if (m_done || !m_reply)
        return;
    const QNetworkReply::NetworkError error = m_reply->error();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (error == QNetworkReply::NoError || (status > 0 && isHttpStatusError(error))) {
        if (!takeBody())
            return;
        ProbeResult result;
        result.outcome = Outcome::Completed;
        result.connected = true;
        fillResponse(result);
        finish(result);
        return;
    }

    Outcome outcome = outcomeFor(error);
    QString detail = describeNetworkError(error, m_reply->errorString());
    if (error == QNetworkReply::TooManyRedirectsError) {
        detail = QStringLiteral("too many redirects (more than %1)").arg(m_check.http.maxRedirects);
    } else if (outcome == Outcome::Timeout) {
        detail = timeoutMessage(m_check.timeoutMs);
    } else if (error == QNetworkReply::RemoteHostClosedError && m_encrypted && status == 0) {
        // TLS 1.3 servers reject a missing or unwanted client certificate only
        // after the handshake looks complete to the client, by closing.
        outcome = Outcome::TlsError;
        detail = QStringLiteral("TLS: the server closed the connection after the handshake, before any HTTP reply "
                                "(it may require a client certificate)");
    } else if (outcome == Outcome::TlsError && !m_sslErrors.isEmpty()) {
        detail = QStringLiteral("TLS handshake failed: ") + m_sslErrors.join(QStringLiteral("; "));
    } else if (outcome == Outcome::ProtocolError && status > 0) {
        detail = QStringLiteral("HTTP %1: %2").arg(status).arg(detail);
    }
    ProbeResult result = failedResult(outcome, detail);
    fillResponse(result);
    finish(result);
}

void HttpProbe::fillResponse(ProbeResult &result) const
{
    result.connected = result.connected || m_connected;
    result.body = m_body;
    if (!m_reply)
        return;
    result.status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.headers = m_reply->rawHeaderPairs();
    result.contentType = m_reply->rawHeader("Content-Type");
}

void HttpProbe::finish(ProbeResult result)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    releaseReply();
    result.latencyMs = elapsedMs(m_clock);
    result.ip = m_ip;
    result.finishedAt = QDateTime::currentDateTimeUtc();
    // Last statement: a receiver may delete this probe.
    emit finished(result);
}

void HttpProbe::finishLater(ProbeResult result)
{
    QTimer::singleShot(0, this, [this, result] { finish(result); });
}

void HttpProbe::releaseReply()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    if (reply->isRunning())
        reply->abort();
    reply->deleteLater();
}

} // namespace hd
