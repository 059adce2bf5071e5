#include "demo/demoservice.h"

#include <QHttpServer>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace hd {

namespace {

constexpr qsizetype maxLoggedRequests = 1000;
const QByteArray redacted = QByteArrayLiteral("<redacted>");

bool isSecretHeader(const QByteArray& name)
{
    const QByteArray lower = name.toLower();
    return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" || lower == "x-api-key"
        || lower == "x-auth-token";
}

bool isSecretField(const QString& name)
{
    const QString lower = name.toLower();
    return lower == u"password" || lower == u"token" || lower == u"secret" || lower == u"api_key";
}

// Passwords must not survive in the log, whatever shape the body has.
QByteArray redactBody(const QByteArray& body, const QByteArray& contentType)
{
    if (body.isEmpty())
        return body;
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        QJsonObject object = doc.object();
        bool changed = false;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (isSecretField(it.key())) {
                it.value() = QString::fromLatin1(redacted);
                changed = true;
            }
        }
        return changed ? QJsonDocument(object).toJson(QJsonDocument::Compact) : body;
    }
    if (!contentType.toLower().contains("x-www-form-urlencoded"))
        return body;
    QList<QByteArray> pairs = body.split('&');
    for (QByteArray& pair : pairs) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray key = eq < 0 ? pair : pair.left(eq);
        if (isSecretField(QUrl::fromPercentEncoding(key)))
            pair = key + '=' + redacted.toPercentEncoding();
    }
    return pairs.join('&');
}

QString credentialOf(const QHttpServerRequest& request)
{
    const QByteArray authorization = request.value(QByteArrayLiteral("Authorization")).trimmed();
    if (authorization.startsWith("Bearer ") || authorization.startsWith("bearer "))
        return QStringLiteral("bearer");
    if (authorization.startsWith("Basic ") || authorization.startsWith("basic "))
        return QStringLiteral("basic");
    const QList<QByteArray> cookies = request.value(QByteArrayLiteral("Cookie")).split(';');
    for (const QByteArray& cookie : cookies) {
        if (cookie.trimmed().startsWith("session="))
            return QStringLiteral("session");
    }
    return {};
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    const char* key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method));
    return key ? QByteArray(key).toUpper() : QByteArrayLiteral("UNKNOWN");
}

void writeReply(QHttpServerResponder&& responder, const DemoReply& reply)
{
    QHttpServerResponse response(reply.contentType, reply.body, QHttpServerResponse::StatusCode(reply.status));
    for (const auto& [name, value] : reply.headers)
        response.addHeader(name, value);
    response.write(std::move(responder));
}

QJsonObject errorObject(const QString& message)
{
    return { { QStringLiteral("success"), false }, { QStringLiteral("message"), message } };
}

} // namespace

QJsonObject DemoRequest::toJson() const
{
    QJsonObject headerObject;
    for (const auto& [name, value] : headers)
        headerObject.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    return {
        { QStringLiteral("time"), time.toString(Qt::ISODateWithMs) },
        { QStringLiteral("method"), QString::fromLatin1(method) },
        { QStringLiteral("path"), path },
        { QStringLiteral("query"), query },
        { QStringLiteral("body"), QString::fromUtf8(body) },
        { QStringLiteral("headers"), headerObject },
        { QStringLiteral("credential"), credential },
    };
}

DemoReply DemoReply::json(const QJsonObject& object, int status)
{
    return { status, QByteArrayLiteral("application/json; charset=utf-8"),
        QJsonDocument(object).toJson(QJsonDocument::Compact), {} };
}

DemoReply DemoReply::text(const QByteArray& text, int status)
{
    return { status, QByteArrayLiteral("text/plain; charset=utf-8"), text, {} };
}

DemoService::DemoService(const QString& name, QObject* parent)
    : QObject(parent)
    , m_server(new QHttpServer(this))
{
    setObjectName(name);
    m_startClock.start();
    m_server->setMissingHandler([this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
        serve(
            request, std::move(responder), [this](const QHttpServerRequest& r) { return missingRoute(r); },
            RouteKind::Health);
    });
    addControlRoutes();
}

DemoService::~DemoService()
{
    // The server's sockets report their destruction to m_pending; let them while it still exists.
    delete m_server;
    m_server = nullptr;
}

bool DemoService::start(quint16 port)
{
    if (m_tcp) {
        m_error = QStringLiteral("%1 is already started").arg(name());
        return false;
    }
    auto* tcp = new QTcpServer(this);
    if (!tcp->listen(QHostAddress::LocalHost, port)) {
        m_error = QStringLiteral("%1: cannot listen on 127.0.0.1:%2: %3").arg(name()).arg(port).arg(tcp->errorString());
        delete tcp;
        return false;
    }
    m_tcp = tcp;
    m_port = tcp->serverPort();
    m_server->bind(tcp); // takes ownership
    m_startClock.start();
    m_down = false;
    return true;
}

bool DemoService::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

QUrl DemoService::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

void DemoService::setDatabaseDown(bool down)
{
    m_databaseDown = down;
    Q_EMIT stateChanged();
}

void DemoService::setLatency(int ms)
{
    m_latencyMs = qMax(0, ms);
    Q_EMIT stateChanged();
}

void DemoService::setAdminDelay(int ms)
{
    m_adminDelayMs = qMax(0, ms);
    Q_EMIT stateChanged();
}

void DemoService::setHang(bool hang)
{
    m_hang = hang;
    Q_EMIT stateChanged();
}

void DemoService::setStartupDelay(int ms)
{
    m_startupDelayMs = qMax(0, ms);
    m_startClock.start();
    Q_EMIT stateChanged();
}

bool DemoService::isStarting() const
{
    return m_startupDelayMs > 0 && m_startClock.elapsed() < m_startupDelayMs;
}

bool DemoService::setDown(bool down)
{
    if (!m_tcp || down == m_down)
        return m_tcp != nullptr;
    if (down) {
        m_tcp->close();
        // Open connections go too, hung ones included; a graceful close still flushes written answers.
        const QList<QTcpSocket*> sockets = m_tcp->findChildren<QTcpSocket*>();
        for (QTcpSocket* socket : sockets)
            socket->disconnectFromHost();
    } else if (!m_tcp->listen(QHostAddress::LocalHost, m_port)) {
        m_error = QStringLiteral("%1: cannot listen again on 127.0.0.1:%2: %3")
                      .arg(name())
                      .arg(m_port)
                      .arg(m_tcp->errorString());
        return false;
    }
    m_down = down;
    Q_EMIT stateChanged();
    return true;
}

void DemoService::resetFaults()
{
    m_databaseDown = false;
    m_latencyMs = 0;
    m_adminDelayMs = 0;
    m_hang = false;
    m_startupDelayMs = 0;
    setDown(false);
    Q_EMIT stateChanged();
}

QList<DemoRequest> DemoService::requests(const QString& path) const
{
    QList<DemoRequest> matching;
    for (const DemoRequest& request : m_requests) {
        if (request.path == path)
            matching.append(request);
    }
    return matching;
}

void DemoService::clearRequests()
{
    m_requests.clear();
}

QJsonObject DemoService::state() const
{
    const QJsonObject faults {
        { QStringLiteral("database_down"), m_databaseDown },
        { QStringLiteral("latency_ms"), m_latencyMs },
        { QStringLiteral("admin_delay_ms"), m_adminDelayMs },
        { QStringLiteral("hang"), m_hang },
        { QStringLiteral("startup_delay_ms"), m_startupDelayMs },
        { QStringLiteral("starting"), isStarting() },
        { QStringLiteral("down"), m_down },
    };
    return {
        { QStringLiteral("service"), name() },
        { QStringLiteral("base_url"), baseUrl().toString() },
        { QStringLiteral("faults"), faults },
        { QStringLiteral("requests"), int(m_requests.size()) },
        { QStringLiteral("pending_responses"), pendingResponses() },
        { QStringLiteral("state"), serviceState() },
    };
}

bool DemoService::applyControl(const QJsonObject& control, QString* error)
{
    enum class Type { Bool, Int };
    static const QList<QPair<QString, Type>> common {
        { QStringLiteral("reset"), Type::Bool },
        { QStringLiteral("database_down"), Type::Bool },
        { QStringLiteral("latency_ms"), Type::Int },
        { QStringLiteral("admin_delay_ms"), Type::Int },
        { QStringLiteral("hang"), Type::Bool },
        { QStringLiteral("startup_delay_ms"), Type::Int },
        { QStringLiteral("down"), Type::Bool },
    };
    const QStringList extra = serviceControlKeys();
    // Validate everything first so that a bad request changes nothing.
    for (auto it = control.begin(); it != control.end(); ++it) {
        const auto known
            = std::find_if(common.begin(), common.end(), [&](const auto& k) { return k.first == it.key(); });
        QString problem;
        if (known != common.end()) {
            if (known->second == Type::Bool && !it.value().isBool())
                problem = QStringLiteral("%1 must be true or false").arg(it.key());
            if (known->second == Type::Int && (!it.value().isDouble() || it.value().toDouble() < 0))
                problem = QStringLiteral("%1 must be a number of milliseconds").arg(it.key());
        } else if (!extra.contains(it.key()) && it.key() != u"service") {
            QStringList valid;
            for (const auto& k : common)
                valid.append(k.first);
            problem = QStringLiteral("unknown control %1; valid: %2").arg(it.key(), (valid + extra).join(u", "));
        }
        if (!problem.isEmpty()) {
            if (error)
                *error = problem;
            return false;
        }
    }
    if (const QString problem = checkServiceControl(control); !problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    if (control.value(u"reset").toBool())
        resetFaults();
    if (control.contains(u"database_down"))
        m_databaseDown = control.value(u"database_down").toBool();
    if (control.contains(u"latency_ms"))
        m_latencyMs = control.value(u"latency_ms").toInt();
    if (control.contains(u"admin_delay_ms"))
        m_adminDelayMs = control.value(u"admin_delay_ms").toInt();
    if (control.contains(u"hang"))
        m_hang = control.value(u"hang").toBool();
    if (control.contains(u"startup_delay_ms"))
        setStartupDelay(control.value(u"startup_delay_ms").toInt());
    applyServiceControl(control);
    if (control.contains(u"down") && !setDown(control.value(u"down").toBool())) {
        if (error)
            *error = m_error;
        return false;
    }
    Q_EMIT stateChanged();
    return true;
}

void DemoService::addRoute(QHttpServerRequest::Method method, const QString& path, Handler handler, RouteKind kind)
{
    m_routes.emplace(path, method);
    m_server->route(path, method,
        [this, handler = std::move(handler), kind](const QHttpServerRequest& request,
            QHttpServerResponder&& responder) { serve(request, std::move(responder), handler, kind); });
}

void DemoService::serve(
    const QHttpServerRequest& request, QHttpServerResponder&& responder, const Handler& handler, RouteKind kind)
{
    if (kind == RouteKind::Control) {
        writeReply(std::move(responder), handler(request));
        return;
    }
    logRequest(request);
    if (m_hang) {
        park(std::move(responder), nullptr, -1);
        return;
    }
    // The action happens now and only its answer waits, as on a slow server: a client that times out
    // must not assume that nothing happened.
    const DemoReply reply = handler(request);
    const int delay = m_latencyMs + (kind == RouteKind::Admin ? m_adminDelayMs : 0);
    if (delay > 0) {
        park(std::move(responder), &reply, delay);
        return;
    }
    writeReply(std::move(responder), reply);
}

void DemoService::park(QHttpServerResponder&& responder, const DemoReply* reply, int delayMs)
{
    const quint64 id = ++m_nextPendingId;
    QTcpSocket* socket = responder.socket();
    Pending pending;
    pending.socket = socket;
    pending.responder = std::make_unique<QHttpServerResponder>(std::move(responder));
    // The server deletes a socket whose client went away; the parked answer goes with it.
    pending.watch = connect(socket, &QObject::destroyed, this, [this, id] { m_pending.erase(id); });
    m_pending.emplace(id, std::move(pending));
    if (!reply || delayMs < 0)
        return; // hang: never answered

    // A precise timer: a coarse one may fire up to 5% early, and the latency is a promised minimum.
    QTimer::singleShot(delayMs, Qt::PreciseTimer, this, [this, id, reply = *reply] {
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            return;
        Pending parked = std::move(it->second);
        m_pending.erase(it);
        disconnect(parked.watch);
        if (!parked.socket || parked.socket->state() != QAbstractSocket::ConnectedState)
            return;
        writeReply(std::move(*parked.responder), reply);
    });
}

void DemoService::logRequest(const QHttpServerRequest& request)
{
    ++m_requestTotal;
    DemoRequest entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.method = methodName(request.method());
    entry.path = request.url().path();
    entry.query = request.url().query(QUrl::FullyEncoded);
    entry.body = redactBody(request.body(), request.value(QByteArrayLiteral("Content-Type")));
    entry.credential = credentialOf(request);
    const auto headers = request.headers();
    for (const auto& [name, value] : headers)
        entry.headers.append({ name, isSecretHeader(name) ? redacted : value });
    if (m_requests.size() >= maxLoggedRequests)
        m_requests.removeFirst();
    m_requests.append(entry);
    Q_EMIT requestLogged(entry);
}

DemoReply DemoService::missingRoute(const QHttpServerRequest& request) const
{
    const QString path = request.url().path();
    if (m_routes.count(path) > 0) {
        DemoReply reply = DemoReply::json(errorObject(QStringLiteral("method not allowed")), 405);
        QByteArrayList allowed;
        for (auto [it, end] = m_routes.equal_range(path); it != end; ++it)
            allowed.append(methodName(it->second));
        reply.headers.append({ QByteArrayLiteral("Allow"), allowed.join(", ") });
        return reply;
    }
    return DemoReply::json(errorObject(QStringLiteral("not found: %1").arg(path)), 404);
}

DemoService* DemoService::sibling(const QString& name)
{
    if (name.isEmpty() || name == this->name())
        return this;
    // The services of one backend are children of the same parent, named after the service.
    return parent() ? parent()->findChild<DemoService*>(name, Qt::FindDirectChildrenOnly) : nullptr;
}

void DemoService::addControlRoutes()
{
    using Method = QHttpServerRequest::Method;
    addRoute(
        Method::Get, QStringLiteral("/_demo/state"),
        [this](const QHttpServerRequest& request) {
            DemoService* target = sibling(request.query().queryItemValue(QStringLiteral("service")));
            if (!target)
                return DemoReply::json(errorObject(QStringLiteral("unknown service")), 404);
            return DemoReply::json(target->state());
        },
        RouteKind::Control);

    addRoute(
        Method::Post, QStringLiteral("/_demo/fault"),
        [this](const QHttpServerRequest& request) {
            QJsonParseError parseError {};
            const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
            if (parseError.error != QJsonParseError::NoError || !doc.isObject())
                return DemoReply::json(errorObject(QStringLiteral("the body must be a JSON object")), 400);
            QJsonObject control = doc.object();
            DemoService* target = sibling(control.value(u"service").toString());
            if (!target)
                return DemoReply::json(errorObject(QStringLiteral("unknown service")), 404);
            // Taking this very service down would cut the connection that carries the answer, so
            // that part waits until the answer is written.
            const bool downSelf = target == this && control.value(u"down").toBool();
            if (downSelf)
                control.remove(QStringLiteral("down"));
            QString error;
            if (!target->applyControl(control, &error))
                return DemoReply::json(errorObject(error), 400);
            QJsonObject state = target->state();
            if (downSelf) {
                QTimer::singleShot(0, this, [this] { setDown(true); });
                QJsonObject faults = state.value(u"faults").toObject();
                faults.insert(QStringLiteral("down"), true);
                state.insert(QStringLiteral("faults"), faults);
            }
            return DemoReply::json(state);
        },
        RouteKind::Control);

    addRoute(
        Method::Get, QStringLiteral("/_demo/requests"),
        [this](const QHttpServerRequest& request) {
            DemoService* target = sibling(request.query().queryItemValue(QStringLiteral("service")));
            if (!target)
                return DemoReply::json(errorObject(QStringLiteral("unknown service")), 404);
            QJsonArray entries;
            for (const DemoRequest& entry : std::as_const(target->m_requests))
                entries.append(entry.toJson());
            return DemoReply::json(
                { { QStringLiteral("service"), target->name() }, { QStringLiteral("requests"), entries } });
        },
        RouteKind::Control);

    addRoute(
        Method::Delete, QStringLiteral("/_demo/requests"),
        [this](const QHttpServerRequest& request) {
            DemoService* target = sibling(request.query().queryItemValue(QStringLiteral("service")));
            if (!target)
                return DemoReply::json(errorObject(QStringLiteral("unknown service")), 404);
            target->clearRequests();
            return DemoReply::json(
                { { QStringLiteral("service"), target->name() }, { QStringLiteral("requests"), QJsonArray() } });
        },
        RouteKind::Control);
}

} // namespace hd
