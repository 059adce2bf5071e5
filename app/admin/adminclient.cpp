#include "admin/adminclient.h"

#include "admin/httpexchange.h"
#include "core/duration.h"
#include "store/historystore.h"
#include "store/redact.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMutex>
#include <QScopeGuard>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace hd {

namespace {

enum class AuthKind { None, Login, Bearer, Basic };

AuthKind authKind(const AdminServiceConfig& s)
{
    if (!s.loginUrl.isEmpty())
        return AuthKind::Login;
    if (s.basic)
        return AuthKind::Basic;
    if (!s.bearer.isEmpty())
        return AuthKind::Bearer;
    return AuthKind::None;
}

// The secret the config itself gives for the service's auth; empty when it must come from the secret store.
QString configuredSecret(const AdminServiceConfig& s)
{
    switch (authKind(s)) {
    case AuthKind::Login:
        return s.loginPassword;
    case AuthKind::Basic:
        return s.basic->password;
    case AuthKind::Bearer:
        return s.bearer;
    case AuthKind::None:
        break;
    }
    return {};
}

// `path` is relative to the base URL (a base with a path of its own keeps it) unless it is a full URL.
QUrl resolveUrl(const QUrl& base, const QString& path)
{
    const QUrl asUrl(path, QUrl::TolerantMode);
    if (!asUrl.scheme().isEmpty())
        return asUrl;
    QUrl url = base;
    const qsizetype q = path.indexOf(u'?');
    const QString pathPart = q < 0 ? path : path.left(q);
    QString basePath = base.path(QUrl::FullyEncoded);
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + (pathPart.startsWith(u'/') ? pathPart : u'/' + pathPart), QUrl::TolerantMode);
    url.setQuery(q < 0 ? QString() : path.mid(q + 1), QUrl::TolerantMode);
    url.setFragment(QString());
    return url;
}

// The backend's own words when it answered an error with JSON: "HTTP 401: 로그인이 필요합니다".
QString httpMessage(int status, const QByteArray& body)
{
    const AdminVerdict v = interpretAdminResponse(status, {}, body);
    const QString label = u"HTTP " + QString::number(status);
    return v.json.isObject() && v.message.startsWith(label) ? v.message : label;
}

} // namespace

// The history store answers on its own thread, which need not be the client's. Its callbacks find the client
// through this: while the lock is held the client cannot be destroyed, and a call posted to it before it is
// destroyed is dropped with it.
struct AdminClient::Mailbox {
    QMutex mutex;
    AdminClient* client = nullptr;
};

struct AdminClient::Attempt {
    AdminResult result;
    AdminServiceConfig service;
    AdminAction action;
    AdminParams params;
    AdminRequest request;
    QString secret;
    QStringList secrets; // every credential value this attempt knows, to keep out of messages
    bool relogged = false;
    bool holdsService = false;
    QString initiator; // the audit row's user when not the operator (auto-heal)
    QString note; // what the audit message starts with
    QElapsedTimer clock;
};

AdminClient::AdminClient(QObject* parent)
    : AdminRunner(parent)
    , m_systemSecrets(createSystemSecretStore())
    , m_secrets(m_systemSecrets.get())
    , m_mailbox(std::make_shared<Mailbox>())
{
    qRegisterMetaType<hd::AdminResult>();
    m_mailbox->client = this;
}

AdminClient::~AdminClient()
{
    {
        const QMutexLocker lock(&m_mailbox->mutex);
        m_mailbox->client = nullptr;
    }
    // HttpExchange children abort on destruction without finishing; pending audit callbacks find the mailbox
    // empty, and calls they posted already are dropped with this object.
    m_attempts.clear();
}

void AdminClient::setConfig(const Config& config)
{
    setServices(config.admin);
    m_catalog.setConfig(config);
}

void AdminClient::setServices(const QMap<QString, AdminServiceConfig>& services)
{
    const QMap<QString, AdminServiceConfig>& before = m_catalog.serviceConfigs();
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        const auto now = services.constFind(it.key());
        const auto was = before.constFind(it.key());
        const bool same = now != services.cend() && was != before.cend() && now->baseUrl == was->baseUrl
            && now->loginUrl == was->loginUrl && now->loginUsername == was->loginUsername
            && now->loginPassword == was->loginPassword;
        it = same ? std::next(it) : m_sessions.erase(it);
    }
    m_catalog.setServices(services);
}

void AdminClient::setReadOnly(bool readOnly)
{
    m_catalog.setReadOnly(readOnly);
}

bool AdminClient::isReadOnly() const
{
    return m_catalog.isReadOnly();
}

void AdminClient::setHistoryStore(HistoryStore* store)
{
    m_history = store;
}

void AdminClient::setSecretStore(SecretStore* store)
{
    m_secrets = store ? store : m_systemSecrets.get();
}

SecretStore* AdminClient::secretStore() const
{
    return m_secrets;
}

QStringList AdminClient::services() const
{
    return m_catalog.services();
}

bool AdminClient::hasService(const QString& service) const
{
    return m_catalog.hasService(service);
}

QList<AdminAction> AdminClient::actions(const QString& service) const
{
    return m_catalog.actions(service);
}

std::optional<AdminAction> AdminClient::action(const QString& service, const QString& action) const
{
    return m_catalog.action(service, action);
}

bool AdminClient::needsConfirmation(const QString& service, const QString& action) const
{
    return m_catalog.needsConfirmation(service, action);
}

QString AdminClient::confirmationText(const QString& service, const QString& action, const AdminParams& params) const
{
    return m_catalog.confirmationText(service, action, params);
}

QString AdminClient::validate(const QString& service, const QString& action, const AdminParams& params) const
{
    return m_catalog.validate(service, action, params);
}

bool AdminClient::isBusy(const QString& service) const
{
    for (const AttemptPtr& a : m_attempts) {
        if (a->holdsService && a->result.service == service)
            return true;
    }
    return false;
}

bool AdminClient::usesStoredSecret(const QString& service) const
{
    return m_catalog.usesStoredSecret(service);
}

QString AdminClient::osUser()
{
#ifdef Q_OS_UNIX
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name && *pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
#endif
    for (const char* name : { "USER", "USERNAME", "LOGNAME" }) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty())
            return value;
    }
    return QStringLiteral("unknown");
}

AdminClient::AttemptPtr AdminClient::newAttempt(
    const QString& service, const QString& actionName, const AdminParams& params)
{
    auto attempt = std::make_shared<Attempt>();
    attempt->clock.start();
    attempt->result.requestId = ++m_nextId;
    attempt->result.service = service;
    attempt->result.action = actionName;
    attempt->result.startedMs = QDateTime::currentMSecsSinceEpoch();
    attempt->params = params;
    attempt->initiator = m_pendingInitiator;
    attempt->note = m_pendingNote;
    if (const auto it = m_catalog.serviceConfigs().constFind(service); it != m_catalog.serviceConfigs().cend()) {
        attempt->service = *it;
        for (const QString& s : { it->loginPassword, it->bearer, it->basic ? it->basic->password : QString(),
                 m_storedSecrets.value(service) }) {
            if (!s.isEmpty())
                attempt->secrets += s;
        }
    }
    m_attempts.insert(attempt->result.requestId, attempt);
    return attempt;
}

quint64 AdminClient::refuse(
    const QString& service, const QString& actionName, const AdminParams& params, const QString& reason)
{
    const AttemptPtr attempt = newAttempt(service, actionName, params);
    complete(attempt, AdminOutcome::Refused, reason);
    return attempt->result.requestId;
}

quint64 AdminClient::refuseOnBehalf(const QString& service, const QString& actionName, const AdminParams& params,
    const QString& reason, const QString& initiator, const QString& note)
{
    m_pendingInitiator = initiator;
    m_pendingNote = note;
    const auto clear = qScopeGuard([this] {
        m_pendingInitiator.clear();
        m_pendingNote.clear();
    });
    return refuse(service, actionName, params, reason);
}

quint64 AdminClient::run(
    const QString& service, const QString& actionName, const AdminParams& params, AdminConfirmation confirmation)
{
    const AttemptPtr attempt = newAttempt(service, actionName, params);
    if (const auto refusal = m_catalog.refusal(service, actionName, params, confirmation)) {
        complete(attempt, refusal->outcome, refusal->message);
        return attempt->result.requestId;
    }
    attempt->action = *m_catalog.action(service, actionName);
    if (isBusy(service)) {
        complete(attempt, AdminOutcome::Refused, adminBusyMessage(service));
        return attempt->result.requestId;
    }
    attempt->request = buildAdminRequest(attempt->action, params);
    attempt->holdsService = true;
    Q_EMIT started(attempt->result.requestId, service, actionName);
    Q_EMIT busyChanged(service, true);
    begin(attempt);
    return attempt->result.requestId;
}

quint64 AdminClient::runOnBehalf(const QString& service, const QString& actionName, const AdminParams& params,
    const QString& initiator, const QString& note)
{
    m_pendingInitiator = initiator;
    m_pendingNote = note;
    const auto clear = qScopeGuard([this] {
        m_pendingInitiator.clear();
        m_pendingNote.clear();
    });
    return run(service, actionName, params, AdminConfirmation::Confirmed);
}

void AdminClient::begin(const AttemptPtr& attempt)
{
    switch (authKind(attempt->service)) {
    case AuthKind::Login:
        if (!m_sessions.contains(attempt->result.service)) {
            withSecret(attempt, [this, attempt] { logIn(attempt); });
            return;
        }
        break;
    case AuthKind::Basic:
    case AuthKind::Bearer:
        withSecret(attempt, [this, attempt] { sendAction(attempt); });
        return;
    case AuthKind::None:
        break;
    }
    sendAction(attempt);
}

void AdminClient::withSecret(const AttemptPtr& attempt, const std::function<void()>& next)
{
    if (attempt->secret.isEmpty())
        attempt->secret = configuredSecret(attempt->service);
    if (attempt->secret.isEmpty())
        attempt->secret = m_storedSecrets.value(attempt->result.service);
    if (!attempt->secret.isEmpty()) {
        next();
        return;
    }
    const QString key = adminSecretKey(attempt->result.service);
    m_secrets->readSecret(key, this, [this, attempt, next, key](const QString& secret, const QString& error) {
        if (!error.isEmpty() || secret.isEmpty()) {
            complete(attempt, AdminOutcome::AuthFailed,
                u"no password for " + attempt->result.service
                    + u": the config gives none (is its ${VARIABLE} set?) and " + m_secrets->name()
                    + u" has none under " + key + (error.isEmpty() ? QString() : u" (" + error + u')')
                    + u"; nothing was sent");
            return;
        }
        attempt->secret = secret;
        attempt->secrets += secret;
        m_storedSecrets.insert(attempt->result.service, secret);
        next();
    });
}

HttpExchange* AdminClient::exchange(const AttemptPtr& attempt, const QString& path, const QByteArray& method,
    const QByteArray& body, const QByteArray& contentType, bool withAuth)
{
    HttpExchangeRequest request;
    request.url = resolveUrl(attempt->service.baseUrl, path);
    request.method = method;
    request.body = body;
    request.timeoutMs = attempt->service.timeoutMs > 0 ? attempt->service.timeoutMs : 10'000;
    request.maxBodyBytes = Defaults().maxBodyBytes;
    request.tls = attempt->service.tls;
    request.headers = {
        { "User-Agent", QByteArrayLiteral("healthdeck/" HEALTHDECK_VERSION) },
        { "Accept", "application/json" },
    };
    if (!contentType.isEmpty())
        request.headers.append({ "Content-Type", contentType });
    if (withAuth) {
        switch (authKind(attempt->service)) {
        case AuthKind::Bearer:
            request.headers.append({ "Authorization", "Bearer " + attempt->secret.toUtf8() });
            break;
        case AuthKind::Basic:
            request.headers.append({ "Authorization",
                "Basic " + (attempt->service.basic->username + u':' + attempt->secret).toUtf8().toBase64() });
            break;
        case AuthKind::Login: {
            QByteArray cookie;
            const QList<QNetworkCookie> cookies = m_sessions.value(attempt->result.service);
            for (const QNetworkCookie& c : cookies)
                cookie += (cookie.isEmpty() ? QByteArray() : QByteArrayLiteral("; "))
                    + c.toRawForm(QNetworkCookie::NameAndValueOnly);
            if (!cookie.isEmpty())
                request.headers.append({ "Cookie", cookie });
            break;
        }
        case AuthKind::None:
            break;
        }
    }
    return new HttpExchange(std::move(request), this);
}

void AdminClient::logIn(const AttemptPtr& attempt)
{
    const AdminServiceConfig& s = attempt->service;
    const QByteArray form = "username=" + QUrl::toPercentEncoding(s.loginUsername)
        + "&password=" + QUrl::toPercentEncoding(attempt->secret);
    HttpExchange* login = exchange(attempt, s.loginUrl, "POST", form, "application/x-www-form-urlencoded", false);
    connect(login, &HttpExchange::finished, this, [this, attempt, login] {
        login->deleteLater();
        onLoginFinished(attempt, login->response());
    });
    login->start();
}

void AdminClient::onLoginFinished(const AttemptPtr& attempt, const HttpExchangeResponse& r)
{
    const QString service = attempt->result.service;
    const QString notSent = u"; " + attempt->result.action + u" was not sent";
    if (r.error != HttpExchangeResponse::Error::None) {
        complete(attempt, AdminOutcome::Failure, u"could not log in to " + service + u": " + r.errorString + notSent);
        return;
    }
    QList<QNetworkCookie> cookies;
    for (const QByteArray& header : r.headerValues("Set-Cookie")) {
        const QList<QNetworkCookie> parsed = QNetworkCookie::parseCookies(header);
        for (const QNetworkCookie& c : parsed) {
            if (!c.value().isEmpty())
                cookies += c;
        }
    }
    const AdminVerdict verdict = interpretAdminResponse(r.status, r.header("Content-Type"), r.body);
    const bool saidNo = verdict.json.isObject() && verdict.outcome == AdminOutcome::Failure;
    const bool accepted = r.status >= 200 && r.status < 400 && !saidNo;
    if (accepted && !cookies.isEmpty()) {
        m_sessions.insert(service, cookies);
        sendAction(attempt);
        return;
    }
    if (r.status >= 500) {
        complete(attempt, AdminOutcome::Failure,
            u"login to " + service + u" failed: " + httpMessage(r.status, r.body) + notSent);
        return;
    }
    const QString why = accepted   ? u"HTTP " + QString::number(r.status) + u" but no session cookie"
        : saidNo && r.status < 300 ? verdict.message
                                   : httpMessage(r.status, r.body);
    complete(attempt, AdminOutcome::AuthFailed, u"login to " + service + u" was rejected (" + why + u')' + notSent);
}

void AdminClient::sendAction(const AttemptPtr& attempt)
{
    const AdminRequest& req = attempt->request;
    HttpExchange* call = exchange(attempt, req.path, req.method, req.body,
        req.body.isEmpty() ? QByteArray() : QByteArrayLiteral("application/json"), true);
    connect(call, &HttpExchange::finished, this, [this, attempt, call] {
        call->deleteLater();
        onActionFinished(attempt, call->response());
    });
    call->start();
}

void AdminClient::onActionFinished(const AttemptPtr& attempt, const HttpExchangeResponse& r)
{
    const QString service = attempt->result.service;
    const QString action = attempt->result.action;
    attempt->result.sent = attempt->result.sent || r.requestWritten;
    attempt->result.httpStatus = r.status;
    attempt->result.body = r.body;
    const QString mayHaveRun = u"; " + action + u" may or may not have run";
    switch (r.error) {
    case HttpExchangeResponse::Error::None:
        break;
    case HttpExchangeResponse::Error::NotSent:
        complete(attempt, AdminOutcome::Failure,
            u"could not reach " + service + u": " + r.errorString + u"; " + action + u" was not sent");
        return;
    case HttpExchangeResponse::Error::Timeout:
        complete(attempt, AdminOutcome::Unknown,
            adminUnknownPrefix() + service + u" did not answer within " + formatDurationMs(attempt->service.timeoutMs)
                + mayHaveRun);
        return;
    case HttpExchangeResponse::Error::ConnectionLost:
    case HttpExchangeResponse::Error::Malformed:
    case HttpExchangeResponse::Error::TooLarge:
        complete(attempt, AdminOutcome::Unknown, adminUnknownPrefix() + service + u": " + r.errorString + mayHaveRun);
        return;
    }

    const bool login = authKind(attempt->service) == AuthKind::Login;
    const bool redirect = r.status >= 300 && r.status < 400;
    const QUrl location = resolveUrl(attempt->service.baseUrl, QString::fromUtf8(r.header("Location")));
    // Flask-Login and friends answer an expired session with a redirect to the login form.
    const bool toLogin = redirect && login
        && location.path() == resolveUrl(attempt->service.baseUrl, attempt->service.loginUrl).path();
    if (r.status == 401 || r.status == 403 || toLogin) {
        if (login && !attempt->relogged) {
            // The session expired, so the request was refused and did not run: sending it once more
            // after a fresh login is the first execution, not a retry.
            attempt->relogged = true;
            m_sessions.remove(service);
            withSecret(attempt, [this, attempt] { logIn(attempt); });
            return;
        }
        const QString answer = toLogin ? QStringLiteral("redirected to the login page") : httpMessage(r.status, r.body);
        complete(attempt, AdminOutcome::AuthFailed,
            service + u" rejected the credentials (" + answer + u"); " + action + u" did not run");
        return;
    }
    if (redirect) {
        complete(attempt, AdminOutcome::Unknown,
            adminUnknownPrefix() + service + u" answered HTTP " + QString::number(r.status) + u" with a redirect to "
                + location.toString() + u" instead of a result" + mayHaveRun);
        return;
    }
    const AdminVerdict verdict = interpretAdminResponse(r.status, r.header("Content-Type"), r.body);
    attempt->result.response = verdict.json;
    complete(attempt, verdict.outcome, verdict.message);
}

QString AdminClient::scrub(const AttemptPtr& attempt, const QString& text) const
{
    QString out = redactSecretsInText(text);
    for (const QString& secret : std::as_const(attempt->secrets)) {
        // Very short secrets would blank out ordinary words; the store's own redaction still applies to them.
        if (secret.size() >= 3)
            out.replace(secret, redactedMarker());
    }
    return out;
}

void AdminClient::complete(const AttemptPtr& attempt, AdminOutcome outcome, const QString& message)
{
    if (outcome == AdminOutcome::AuthFailed)
        m_storedSecrets.remove(attempt->result.service); // read it afresh: it may have been changed meanwhile
    AdminResult& r = attempt->result;
    r.outcome = outcome;
    r.message = scrub(attempt, message);
    // Scrubbed only now: a password from the secret store is known only once it has been read.
    QJsonObject params;
    for (auto it = attempt->params.begin(); it != attempt->params.end(); ++it)
        params.insert(it.key(), it.value());
    params = redactSecrets(params);
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (it->isString())
            *it = scrub(attempt, it->toString());
    }
    r.params = params;
    r.elapsedMs = attempt->clock.elapsed();
    if (!m_history) {
        r.auditError = QStringLiteral("no history store to audit into");
        QTimer::singleShot(0, this, [this, attempt] { emitFinished(attempt); });
        return;
    }
    AuditEntry entry;
    entry.timeMs = r.startedMs;
    entry.osUser = attempt->initiator.isEmpty() ? osUser() : attempt->initiator;
    entry.service = r.service;
    entry.action = r.action;
    entry.params = r.params;
    entry.httpStatus = r.httpStatus;
    entry.result = adminOutcomeName(outcome);
    entry.message = attempt->note.isEmpty()
        ? r.message
        : attempt->note + u" \u2192 " + adminOutcomeSummary(r.httpStatus, outcome, r.message);
    m_history->appendAudit(entry, nullptr, [mailbox = m_mailbox, attempt](const WriteResult& written) {
        const QMutexLocker lock(&mailbox->mutex);
        if (!mailbox->client)
            return;
        AdminClient* client = mailbox->client;
        QMetaObject::invokeMethod(
            client,
            [client, attempt, written] {
                attempt->result.audited = written.ok;
                if (!written.ok)
                    attempt->result.auditError = written.error;
                client->emitFinished(attempt);
            },
            Qt::QueuedConnection);
    });
}

void AdminClient::emitFinished(const AttemptPtr& attempt)
{
    m_attempts.remove(attempt->result.requestId);
    if (attempt->holdsService) {
        attempt->holdsService = false;
        Q_EMIT busyChanged(attempt->result.service, false);
    }
    Q_EMIT finished(attempt->result);
}

void AdminClient::storeSecret(const QString& service, const QString& secret)
{
    m_secrets->writeSecret(adminSecretKey(service), secret, this, [this, service, secret](const QString& error) {
        if (error.isEmpty()) {
            m_storedSecrets.insert(service, secret);
            forgetSession(service); // the next action logs in with the new password
        }
        Q_EMIT secretStored(service, error.isEmpty(), error);
    });
}

void AdminClient::forgetSecret(const QString& service)
{
    m_storedSecrets.remove(service);
    m_secrets->deleteSecret(adminSecretKey(service), this,
        [this, service](const QString& error) { Q_EMIT secretStored(service, error.isEmpty(), error); });
    forgetSession(service);
}

void AdminClient::forgetSession(const QString& service)
{
    m_sessions.remove(service);
}

} // namespace hd
