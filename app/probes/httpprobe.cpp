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
    releaseCall();
}

bool HttpProbe::buildRequest(QNetworkRequest *request, const QUrl &url, int maxRedirects, QString *error) const
{
    const HttpProbeConfig &http = m_check.http;
    request->setUrl(url);

    if (http.maxRedirects > 0) {
        request->setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
        request->setMaximumRedirectsAllowed(maxRedirects);
    } else {
        request->setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    }
    // A probe measures the endpoint as it is now: no cache and no cookies shared
    // with other probes. HTTPS opens a fresh connection so that a connection made
    // under another probe's TLS settings (CA, client certificate, insecure) is never reused.
    request->setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request->setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request->setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request->setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request->setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request->setTransferTimeout(timerInterval(m_check.timeoutMs));
    for (const auto &[name, value] : m_plainHeaders)
        request->setRawHeader(name, value);

    if (url.scheme() == u"https") {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        if (!applyTlsClientConfig(http.tls, ssl, error))
            return false;
        request->setSslConfiguration(ssl);
        request->setRawHeader("Connection", "close");
    }
    return true;
}

void HttpProbe::prepare()
{
    // What stays the same from run to run, worked out once.
    m_prepared = true;
    const HttpProbeConfig &http = m_check.http;
    if (!m_nam) {
        m_misconfigured = QStringLiteral("no network access manager");
        return;
    }
    if (!http.url.isValid() || http.url.host().isEmpty()) {
        m_misconfigured = QStringLiteral("invalid URL %1").arg(http.url.toString());
        return;
    }
    const QString scheme = http.url.scheme();
    if (scheme != u"http" && scheme != u"https") {
        m_misconfigured = QStringLiteral("unsupported URL scheme %1").arg(scheme);
        return;
    }
    m_plain = scheme == u"http";
    m_firstMethod = http.method.toUpper();
    if (QHostAddress literal; literal.setAddress(http.url.host()))
        m_literalIp = literal.toString();

    // The headers every request of this probe sends; configured ones replace the
    // defaults of the same name, as QNetworkRequest::setRawHeader does.
    m_plainHeaders = { { QByteArrayLiteral("User-Agent"), QByteArrayLiteral("healthdeck/" HEALTHDECK_VERSION) } };
    if (http.basic) {
        const QByteArray credentials = (http.basic->username + u':' + http.basic->password).toUtf8();
        m_plainHeaders.append({ QByteArrayLiteral("Authorization"), "Basic " + credentials.toBase64() });
    } else if (!http.bearer.isEmpty()) {
        m_plainHeaders.append({ QByteArrayLiteral("Authorization"), "Bearer " + http.bearer.toUtf8() });
    }
    for (const QPair<QByteArray, QByteArray> &configured : http.headers) {
        m_plainHeaders.removeIf([&configured](const QPair<QByteArray, QByteArray> &header) {
            return header.first.compare(configured.first, Qt::CaseInsensitive) == 0;
        });
        m_plainHeaders.append(configured);
    }
}

void HttpProbe::start()
{
    if (m_started && !m_done)
        return; // running
    if (m_started) {
        // A new run: nothing of the previous one's outcome carries over. The exchange of the
        // check's own request serves again; those of redirects go now (none is inside its own signal).
        if (m_redirects > 0) {
            const QList<HttpCall *> calls = findChildren<HttpCall *>(Qt::FindDirectChildrenOnly);
            for (HttpCall *call : calls) {
                if (call != m_firstCall)
                    delete call;
            }
        }
        m_redirects = 0;
        m_body.clear();
        m_sslErrors.clear();
        m_ip.clear();
        m_connected = false;
        m_encrypted = false;
        m_done = false;
    }
    m_started = true;
    m_clock.start();
    if (!m_prepared)
        prepare();

    const HttpProbeConfig &http = m_check.http;
    if (!m_misconfigured.isEmpty() || !m_nam) {
        finishLater(failedResult(Outcome::Misconfigured,
            m_nam ? m_misconfigured : QStringLiteral("no network access manager")));
        return;
    }
    m_url = http.url;
    m_method = m_firstMethod;
    m_requestBody = http.body;

    if (m_plain) {
        m_ip = m_literalIp;
        m_deadline.start(timerInterval(m_check.timeoutMs));
        startPlain();
        return;
    }
    startNetworkAccess(m_url, http.maxRedirects);
    if (m_reply)
        lookUpIp(m_url.host());
}

void HttpProbe::lookUpIp(const QString &host)
{
    if (QHostAddress literal; literal.setAddress(host)) {
        m_ip = literal.toString();
        return;
    }
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

void HttpProbe::startNetworkAccess(const QUrl &url, int maxRedirects)
{
    QNetworkRequest request;
    QString error;
    if (!buildRequest(&request, url, maxRedirects, &error)) {
        finishLater(failedResult(Outcome::Misconfigured, error));
        return;
    }
    if (!m_deadline.isActive())
        m_deadline.start(timerInterval(m_check.timeoutMs));

    if (m_method == "GET" && m_requestBody.isEmpty())
        m_reply = m_nam->get(request);
    else if (m_method == "HEAD")
        m_reply = m_nam->head(request);
    else
        m_reply = m_nam->sendCustomRequest(request, m_method, m_requestBody);

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

void HttpProbe::startPlain()
{
    HttpClient *client = HttpClient::sharedFor(m_nam);
    if (m_redirects == 0 && m_firstCall) {
        // The check's own request again, on the previous run's exchange: no new object, no new
        // connection of signals, and the request's bytes as they were built the first time.
        m_call = m_firstCall.get();
        client->repeat(m_firstCall);
        return;
    }
    HttpRequest request;
    request.method = m_method;
    request.url = m_url;
    request.headers = m_plainHeaders;
    request.body = m_requestBody;
    request.bodyCap = m_cap;
    HttpCall *call = client->send(request, this);
    m_call = call;
    if (m_redirects == 0)
        m_firstCall = call;
    connect(call, &HttpCall::finished, this, [this, call] {
        if (call == m_call)
            onCallFinished();
    });
}

void HttpProbe::onCallFinished()
{
    if (m_done || !m_call)
        return;
    const HttpResponse &response = m_call->response();
    m_connected = m_connected || response.requestSent;
    if (!response.peerAddress.isEmpty())
        m_ip = response.peerAddress;

    const auto fail = [this](Outcome outcome, const QString &detail) {
        ProbeResult result = failedResult(outcome, detail);
        fillResponse(result);
        finish(result);
    };
    const int status = response.status;
    if (response.bodyTooLarge) {
        fail(Outcome::BodyTooLarge, bodyTooLargeMessage(m_cap));
        return;
    }
    if (response.error != QNetworkReply::NoError) {
        const Outcome outcome = outcomeFor(response.error);
        QString detail = response.error == QNetworkReply::ProtocolFailure && !response.errorText.isEmpty()
            ? response.errorText
            : describeNetworkError(response.error, response.errorText);
        if (outcome == Outcome::ProtocolError && status > 0)
            detail = QStringLiteral("HTTP %1: %2").arg(status).arg(detail);
        fail(outcome, detail);
        return;
    }

    const int maxRedirects = m_check.http.maxRedirects;
    const QByteArray location = response.header("Location");
    if (maxRedirects > 0 && isRedirectStatus(status) && !location.isEmpty()) {
        if (m_redirects >= maxRedirects) {
            fail(Outcome::ProtocolError, QStringLiteral("too many redirects (more than %1)").arg(maxRedirects));
            return;
        }
        const QUrl target = m_url.resolved(QUrl::fromEncoded(location));
        const QString scheme = target.scheme();
        if (!target.isValid() || target.host().isEmpty() || (scheme != u"http" && scheme != u"https")) {
            fail(Outcome::ProtocolError,
                QStringLiteral("HTTP %1: unusable redirect target %2").arg(status).arg(QString::fromLatin1(location)));
            return;
        }
        ++m_redirects;
        if (status != 307 && status != 308 && m_method != "HEAD") {
            m_method = QByteArrayLiteral("GET");
            m_requestBody.clear();
        }
        releaseCall();
        m_url = target;
        if (scheme == u"https") {
            // TLS belongs to the access manager, with the redirects that are left.
            startNetworkAccess(target, maxRedirects - m_redirects);
            lookUpIp(target.host());
        } else {
            startPlain();
        }
        return;
    }

    ProbeResult result;
    result.outcome = Outcome::Completed;
    result.connected = true;
    fillResponse(result);
    finish(result);
}

void HttpProbe::cancel()
{
    m_done = true;
    m_deadline.stop();
    releaseReply();
    releaseCall();
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
    if (m_call) {
        const HttpResponse &response = m_call->response();
        result.connected = result.connected || response.requestSent;
        result.status = response.status;
        result.headers = response.headers;
        result.contentType = response.header("Content-Type");
        result.body = response.body;
        return;
    }
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
    if (m_call && !m_call->peerAddress().isEmpty())
        m_ip = m_call->peerAddress();
    releaseReply();
    releaseCall();
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

void HttpProbe::releaseCall()
{
    if (!m_call)
        return;
    HttpCall *call = m_call;
    m_call = nullptr;
    // Closes an unfinished exchange's connection; an aborted exchange emits nothing more.
    // The exchange stays a child of this probe, to serve its next run: deleting it here
    // could be inside its own signal, and a deleteLater() per probe would cost an event-loop wake-up.
    call->abort();
}

} // namespace hd

