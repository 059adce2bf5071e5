#include "httpprobe.h"

#include "probeutil.h"

#include <QDateTime>
#include <QHostAddress>

namespace hd {

namespace {

using Outcome = ProbeResult::Outcome;

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

QString describeNetworkError(QNetworkReply::NetworkError error, const QString& qtText)
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

HttpProbe::HttpProbe(const CheckConfig& check, HttpClient* client, qint64 maxBodyBytes, QObject* parent)
    : Probe(parent)
    , m_check(check)
    , m_client(client)
{
    m_cap = m_check.http.maxBodyBytes > 0 ? m_check.http.maxBodyBytes
        : maxBodyBytes > 0                ? maxBodyBytes
                                          : Defaults().maxBodyBytes;
    setTimeout(m_check.timeoutMs);
}

HttpProbe::~HttpProbe()
{
    releaseCall();
}

void HttpProbe::prepare()
{
    // What stays the same from run to run, worked out once.
    m_prepared = true;
    const HttpProbeConfig& http = m_check.http;
    if (!m_client) {
        m_misconfigured = QStringLiteral("no HTTP client");
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
    if (scheme == u"https") {
        QString error;
        m_tls = m_client->tlsContext(http.tls, &error);
        if (!m_tls) {
            m_misconfigured = error;
            return;
        }
    }
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
    for (const QPair<QByteArray, QByteArray>& configured : http.headers) {
        m_plainHeaders.removeIf([&configured](const QPair<QByteArray, QByteArray>& header) {
            return header.first.compare(configured.first, Qt::CaseInsensitive) == 0;
        });
        m_plainHeaders.append(configured);
    }
}

void HttpProbe::onDeadline()
{
    ProbeResult result = failedResult(Outcome::Timeout, timeoutMessage(m_check.timeoutMs));
    fillResponse(result);
    finish(result);
}

void HttpProbe::run()
{
    // A new run: nothing of the previous one's outcome carries over. The exchange of the
    // check's own request serves again; those of redirects go now (none is inside its own signal).
    if (m_redirects > 0) {
        const QList<HttpCall*> calls = findChildren<HttpCall*>(Qt::FindDirectChildrenOnly);
        for (HttpCall* call : calls) {
            if (call != m_firstCall)
                delete call;
        }
    }
    m_redirects = 0;
    m_ip.clear();
    m_connected = false;
    if (!m_prepared)
        prepare();

    const HttpProbeConfig& http = m_check.http;
    if (!m_misconfigured.isEmpty() || !m_client) {
        finish(failedResult(Outcome::Misconfigured, m_client ? m_misconfigured : QStringLiteral("no HTTP client")));
        return;
    }
    m_url = http.url;
    m_method = m_firstMethod;
    m_requestBody = http.body;

    m_ip = m_literalIp;
    startCall();
}

void HttpProbe::startCall()
{
    HttpClient* client = m_client;
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
    if (m_url.scheme() == u"https") {
        // The check's own TLS settings, for a redirect from http:// too.
        QString error;
        request.tls = m_tls ? m_tls : client->tlsContext(m_check.http.tls, &error);
        if (!request.tls) {
            finish(failedResult(Outcome::Misconfigured, error));
            return;
        }
    }
    HttpCall* call = client->send(request, this);
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
    if (!isRunning() || !m_call)
        return;
    const HttpResponse& response = m_call->response();
    m_connected = m_connected || response.requestSent;
    if (!response.peerAddress.isEmpty())
        m_ip = response.peerAddress;

    const auto fail = [this](Outcome outcome, const QString& detail) {
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
        QString detail = (response.error == QNetworkReply::ProtocolFailure
                             || response.error == QNetworkReply::SslHandshakeFailedError)
                && !response.errorText.isEmpty()
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
        if (m_url.scheme() == u"https" && scheme == u"http") {
            fail(Outcome::ProtocolError, QStringLiteral("HTTP %1: redirect from https to http refused").arg(status));
            return;
        }
        releaseCall();
        m_url = target;
        startCall();
        return;
    }

    ProbeResult result;
    result.outcome = Outcome::Completed;
    result.connected = true;
    fillResponse(result);
    finish(result);
}

void HttpProbe::fillResponse(ProbeResult& result) const
{
    result.connected = result.connected || m_connected;
    if (!m_call)
        return;
    const HttpResponse& response = m_call->response();
    result.connected = result.connected || response.requestSent;
    result.status = response.status;
    result.headers = response.headers;
    result.contentType = response.header("Content-Type");
    result.body = response.body;
    if (response.certificateNotAfter.isValid())
        result.certificateExpirationMs = QDateTime::currentDateTimeUtc().msecsTo(response.certificateNotAfter);
}

void HttpProbe::endRun(ProbeResult* result)
{
    if (m_call && !m_call->peerAddress().isEmpty())
        m_ip = m_call->peerAddress();
    releaseCall();
    if (result)
        result->ip = m_ip;
}

void HttpProbe::releaseCall()
{
    if (!m_call)
        return;
    HttpCall* call = m_call;
    m_call = nullptr;
    // Closes an unfinished exchange's connection; an aborted exchange emits nothing more.
    // The exchange stays a child of this probe, to serve its next run: deleting it here
    // could be inside its own signal, and a deleteLater() per probe would cost an event-loop wake-up.
    call->abort();
}

} // namespace hd
