#include "demo/demotradingapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrlQuery>

#include <optional>

namespace hd {

namespace {

using Method = QHttpServerRequest::Method;

constexpr int cacheTtlSeconds = 3600;
constexpr int cacheMaxSize = 100;

QString isoTime(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonValue isoOrNull(const QDateTime& time)
{
    return time.isValid() ? QJsonValue(isoTime(time)) : QJsonValue(QJsonValue::Null);
}

// The seed backend's envelope for every admin answer.
DemoReply envelope(bool success, const QString& message, const QJsonObject& data = {}, int status = 200)
{
    QJsonObject object { { QStringLiteral("success"), success }, { QStringLiteral("message"), message } };
    if (!data.isEmpty())
        object.insert(QStringLiteral("data"), data);
    return DemoReply::json(object, status);
}

// An empty body reads as an empty object; anything that is not a JSON object is refused.
std::optional<QJsonObject> jsonBody(const QHttpServerRequest& request)
{
    const QByteArray body = request.body().trimmed();
    if (body.isEmpty())
        return QJsonObject();
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

DemoReply badJson()
{
    return envelope(false, QStringLiteral("잘못된 요청 형식입니다 (JSON 객체가 필요합니다)"), {}, 400);
}

double simulatedMs(int minTenths, int maxTenths)
{
    return QRandomGenerator::global()->bounded(minTenths, maxTenths) / 10.0;
}

struct ExchangeInfo {
    const char* id;
    const char* name;
    QStringList markets;
    QStringList quotes;
};

// The names of BadBody in the control routes, in enum order.
const QStringList& badBodyNames()
{
    static const QStringList names { QStringLiteral("none"), QStringLiteral("html"), QStringLiteral("empty"),
        QStringLiteral("invalid_json"), QStringLiteral("stack_trace") };
    return names;
}

const QList<ExchangeInfo>& exchanges()
{
    static const QList<ExchangeInfo> list {
        { "binance", "Binance", { QStringLiteral("spot"), QStringLiteral("futures") }, { QStringLiteral("USDT") } },
        { "bybit", "Bybit", { QStringLiteral("spot"), QStringLiteral("futures") }, { QStringLiteral("USDT") } },
        { "upbit", "Upbit", { QStringLiteral("spot") }, { QStringLiteral("KRW") } },
        { "bithumb", "Bithumb", { QStringLiteral("spot") }, { QStringLiteral("KRW") } },
    };
    return list;
}

} // namespace

QString DemoTradingApi::Job::trigger() const
{
    if (intervalMs <= 0)
        return QStringLiteral("cron[hour='%1', minute='%2']").arg(cronTime.hour()).arg(cronTime.minute());
    // APScheduler prints an interval as a Python timedelta.
    const qint64 seconds = intervalMs / 1000;
    QString text = QStringLiteral("%1:%2:%3")
                       .arg(seconds / 3600)
                       .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
                       .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (intervalMs % 1000)
        text += QStringLiteral(".%1").arg(intervalMs % 1000 * 1000, 6, 10, QLatin1Char('0'));
    return QStringLiteral("interval[%1]").arg(text);
}

DemoTradingApi::DemoTradingApi(QObject* parent)
    : DemoService(QStringLiteral("trading-api"), parent)
    , m_username(QStringLiteral("admin"))
    , m_password(QStringLiteral("demo-password"))
    , m_token(QStringLiteral("demo-token"))
{
    m_jobs = {
        { QStringLiteral("update_orders"), QStringLiteral("update_open_orders"), QStringLiteral("미체결 주문 업데이트"),
            30'000, {}, {}, {}, 0, 0 },
        { QStringLiteral("calculate_pnl"), QStringLiteral("calculate_unrealized_pnl"),
            QStringLiteral("미실현 손익 계산"), 60'000, {}, {}, {}, 0, 0 },
        { QStringLiteral("daily_summary"), QStringLiteral("send_daily_summary"), QStringLiteral("일일 요약 전송"), 0,
            QTime(9, 0), {}, {}, 0, 0 },
        { QStringLiteral("calculate_performance"), QStringLiteral("calculate_daily_performance"),
            QStringLiteral("일일 성과 계산"), 0, QTime(0, 5), {}, {}, 0, 0 },
    };
    m_jobTimer.setSingleShot(true);
    connect(&m_jobTimer, &QTimer::timeout, this, &DemoTradingApi::runDueJobs);
    resetCaches();
    startScheduler();

    addRoute(Method::Get, QStringLiteral("/health"), [this](const QHttpServerRequest&) { return health(); });
    addRoute(Method::Get, QStringLiteral("/health/ready"), [this](const QHttpServerRequest&) {
        if (isStarting())
            return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("not_ready") },
                                       { QStringLiteral("error"), QStringLiteral("application is starting") } },
                503);
        if (isDatabaseDown())
            return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("not_ready") },
                                       { QStringLiteral("error"), QStringLiteral("database connection failed") } },
                503);
        return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("ready") } });
    });
    addRoute(Method::Get, QStringLiteral("/metrics"), [this](const QHttpServerRequest&) { return metrics(); });
    addRoute(Method::Get, QStringLiteral("/health/live"), [](const QHttpServerRequest&) {
        return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("alive") },
            { QStringLiteral("timestamp"), isoTime(QDateTime::currentDateTimeUtc()) } });
    });
    addRoute(Method::Get, QStringLiteral("/api/system/health"),
        [this](const QHttpServerRequest&) { return detailedHealth(); });

    addRoute(Method::Get, QStringLiteral("/login"), [](const QHttpServerRequest&) {
        DemoReply reply = DemoReply::text(QByteArrayLiteral(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>로그인</title></head><body>"
            "<form method=\"post\" action=\"/login\"><input name=\"username\"><input name=\"password\" "
            "type=\"password\"><button>로그인</button></form></body></html>"));
        reply.contentType = QByteArrayLiteral("text/html; charset=utf-8");
        return reply;
    });
    addRoute(Method::Post, QStringLiteral("/login"), [this](const QHttpServerRequest& r) { return login(r); });
    addRoute(Method::Post, QStringLiteral("/logout"), [this](const QHttpServerRequest& r) {
        const QList<QByteArray> cookies = r.value(QByteArrayLiteral("Cookie")).split(';');
        for (const QByteArray& cookie : cookies) {
            if (cookie.trimmed().startsWith("session="))
                m_sessions.remove(QString::fromLatin1(cookie.trimmed().mid(8)));
        }
        DemoReply reply = envelope(true, QStringLiteral("로그아웃되었습니다"));
        reply.headers.append({ QByteArrayLiteral("Set-Cookie"), QByteArrayLiteral("session=; Max-Age=0; Path=/") });
        return reply;
    });

    addAdminRoute(Method::Get, QStringLiteral("/api/system/scheduler-status"),
        [this](const QHttpServerRequest&) { return schedulerStatus(); });
    addAdminRoute(Method::Post, QStringLiteral("/api/system/scheduler-control"),
        [this](const QHttpServerRequest& r) { return schedulerControl(r); });
    addAdminRoute(Method::Post, QStringLiteral("/api/system/trigger-job"),
        [this](const QHttpServerRequest& r) { return triggerJob(r); });
    addAdminRoute(Method::Get, QStringLiteral("/api/system/cache-stats"),
        [this](const QHttpServerRequest&) { return cacheStats(); });
    addAdminRoute(Method::Post, QStringLiteral("/api/system/cache-clear"),
        [this](const QHttpServerRequest& r) { return cacheClear(r); });
    addAdminRoute(Method::Post, QStringLiteral("/api/system/test-telegram"),
        [this](const QHttpServerRequest&) { return testTelegram(); });
    addAdminRoute(Method::Get, QStringLiteral("/api/system/exchange-metadata"),
        [this](const QHttpServerRequest&) { return exchangeMetadata(); });
}

DemoTradingApi::~DemoTradingApi() = default;

void DemoTradingApi::setCredentials(const QString& username, const QString& password)
{
    m_username = username;
    m_password = password;
}

void DemoTradingApi::setBearerToken(const QString& token)
{
    m_token = token;
}

void DemoTradingApi::expireSessions()
{
    m_sessions.clear();
    Q_EMIT stateChanged();
}

QStringList DemoTradingApi::jobTypes()
{
    return { QStringLiteral("update_orders"), QStringLiteral("calculate_pnl"), QStringLiteral("daily_summary"),
        QStringLiteral("calculate_performance") };
}

void DemoTradingApi::startScheduler()
{
    if (m_schedulerRunning)
        return;
    m_schedulerRunning = true;
    ++m_schedulerStarts;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (Job& j : m_jobs)
        scheduleJob(j, now);
    armTimer();
    Q_EMIT stateChanged();
}

void DemoTradingApi::stopScheduler()
{
    if (!m_schedulerRunning)
        return;
    m_schedulerRunning = false;
    for (Job& j : m_jobs)
        j.nextRun = {};
    m_jobTimer.stop();
    Q_EMIT stateChanged();
}

int DemoTradingApi::jobRunCount(const QString& jobType) const
{
    const Job* j = job(jobType);
    return j ? j->runs : -1;
}

int DemoTradingApi::manualRunCount(const QString& jobType) const
{
    const Job* j = job(jobType);
    return j ? j->manualRuns : -1;
}

QDateTime DemoTradingApi::nextRunTime(const QString& jobType) const
{
    const Job* j = job(jobType);
    return j ? j->nextRun : QDateTime();
}

void DemoTradingApi::setJobInterval(const QString& jobType, qint64 ms)
{
    Job* j = job(jobType);
    if (!j || ms <= 0)
        return;
    j->intervalMs = ms;
    if (m_schedulerRunning) {
        scheduleJob(*j, QDateTime::currentDateTimeUtc());
        armTimer();
    }
    Q_EMIT stateChanged();
}

int DemoTradingApi::cacheEntryCount(const QString& type, const QString& exchange, const QString& marketType) const
{
    return int(std::count_if(m_cache.begin(), m_cache.end(), [&](const CacheEntry& e) {
        return (type.isEmpty() || e.type == type) && (exchange.isEmpty() || e.exchange == exchange)
            && (marketType.isEmpty() || e.marketType == marketType);
    }));
}

void DemoTradingApi::resetCaches()
{
    static const QHash<QString, QStringList> symbols {
        { QStringLiteral("binance/spot"),
            { QStringLiteral("BTC/USDT"), QStringLiteral("ETH/USDT"), QStringLiteral("SOL/USDT") } },
        { QStringLiteral("binance/futures"), { QStringLiteral("BTC/USDT:USDT"), QStringLiteral("ETH/USDT:USDT") } },
        { QStringLiteral("bybit/spot"), { QStringLiteral("BTC/USDT") } },
        { QStringLiteral("bybit/futures"), { QStringLiteral("BTC/USDT:USDT"), QStringLiteral("ETH/USDT:USDT") } },
        { QStringLiteral("upbit/spot"),
            { QStringLiteral("BTC/KRW"), QStringLiteral("ETH/KRW"), QStringLiteral("XRP/KRW") } },
        { QStringLiteral("bithumb/spot"), { QStringLiteral("BTC/KRW") } },
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_cache.clear();
    for (const ExchangeInfo& info : exchanges()) {
        const QString id = QString::fromLatin1(info.id);
        for (const QString& market : info.markets) {
            // One idle client has outlived its TTL, so that the stats show an expired client.
            const bool stale = id == u"bithumb";
            m_cache.append({ QStringLiteral("exchange"), id, market, id + u'_' + market,
                stale ? now.addSecs(-cacheTtlSeconds - 120) : now.addSecs(-300) });
            const QStringList list = symbols.value(id + u'/' + market);
            for (const QString& symbol : list)
                m_cache.append({ QStringLiteral("price"), id, market, symbol, now.addSecs(-5) });
        }
    }
    Q_EMIT stateChanged();
}

void DemoTradingApi::setAdminBadBody(BadBody badBody)
{
    m_badBody = badBody;
    Q_EMIT stateChanged();
}

void DemoTradingApi::resetFaults()
{
    m_badBody = BadBody::None;
    m_telegramFailing = false;
    DemoService::resetFaults();
}

void DemoTradingApi::setTelegramFailing(bool failing)
{
    m_telegramFailing = failing;
    Q_EMIT stateChanged();
}

QJsonObject DemoTradingApi::serviceState() const
{
    QJsonObject jobs;
    for (const Job& j : m_jobs) {
        jobs.insert(j.type,
            QJsonObject { { QStringLiteral("id"), j.id }, { QStringLiteral("runs"), j.runs },
                { QStringLiteral("manual_runs"), j.manualRuns },
                { QStringLiteral("next_run_time"), isoOrNull(j.nextRun) },
                { QStringLiteral("last_run_time"), isoOrNull(j.lastRun) } });
    }
    QJsonObject actions;
    for (auto it = m_actionCounts.begin(); it != m_actionCounts.end(); ++it)
        actions.insert(it.key(), it.value());
    return {
        { QStringLiteral("scheduler_running"), m_schedulerRunning },
        { QStringLiteral("scheduler_starts"), m_schedulerStarts },
        { QStringLiteral("jobs"), jobs },
        { QStringLiteral("cache"),
            QJsonObject { { QStringLiteral("price"), cacheEntryCount(QStringLiteral("price")) },
                { QStringLiteral("exchange"), cacheEntryCount(QStringLiteral("exchange")) } } },
        { QStringLiteral("sessions"), sessionCount() },
        { QStringLiteral("logins"), m_logins },
        { QStringLiteral("failed_logins"), m_failedLogins },
        { QStringLiteral("telegram_tests"), m_telegramTests },
        { QStringLiteral("telegram_failing"), m_telegramFailing },
        { QStringLiteral("admin_bad_body"), badBodyNames().at(int(m_badBody)) },
        { QStringLiteral("actions"), actions },
    };
}

QStringList DemoTradingApi::serviceControlKeys() const
{
    return { QStringLiteral("expire_sessions"), QStringLiteral("scheduler_running"), QStringLiteral("reset_caches"),
        QStringLiteral("telegram_failing"), QStringLiteral("admin_bad_body") };
}

QString DemoTradingApi::checkServiceControl(const QJsonObject& control) const
{
    for (const QString& key : { QStringLiteral("expire_sessions"), QStringLiteral("scheduler_running"),
             QStringLiteral("reset_caches"), QStringLiteral("telegram_failing") }) {
        if (control.contains(key) && !control.value(key).isBool())
            return QStringLiteral("%1 must be true or false").arg(key);
    }
    if (control.contains(u"admin_bad_body") && !badBodyNames().contains(control.value(u"admin_bad_body").toString()))
        return QStringLiteral("admin_bad_body must be one of: %1").arg(badBodyNames().join(u", "));
    return {};
}

void DemoTradingApi::applyServiceControl(const QJsonObject& control)
{
    if (control.value(u"expire_sessions").toBool())
        expireSessions();
    if (control.contains(u"scheduler_running")) {
        if (control.value(u"scheduler_running").toBool())
            startScheduler();
        else
            stopScheduler();
    }
    if (control.value(u"reset_caches").toBool())
        resetCaches();
    if (control.contains(u"telegram_failing"))
        setTelegramFailing(control.value(u"telegram_failing").toBool());
    if (control.contains(u"admin_bad_body"))
        setAdminBadBody(BadBody(badBodyNames().indexOf(control.value(u"admin_bad_body").toString())));
}

void DemoTradingApi::addAdminRoute(QHttpServerRequest::Method method, const QString& path, Handler handler)
{
    addRoute(
        method, path,
        [this, path, handler = std::move(handler)](const QHttpServerRequest& request) {
            if (!isAuthorized(request))
                return envelope(false, QStringLiteral("로그인이 필요합니다"), {}, 401);
            if (m_badBody != BadBody::None)
                return badBody();
            DemoReply reply = handler(request);
            if (reply.status < 400) {
                ++m_actionCounts[path];
                Q_EMIT actionExecuted(path);
            }
            return reply;
        },
        RouteKind::Admin);
}

bool DemoTradingApi::isAuthorized(const QHttpServerRequest& request) const
{
    const QByteArray authorization = request.value(QByteArrayLiteral("Authorization")).trimmed();
    const QByteArray scheme = authorization.left(authorization.indexOf(' ')).toLower();
    const QByteArray credentials = authorization.mid(scheme.size()).trimmed();
    if (scheme == "bearer" && !m_token.isEmpty() && credentials == m_token.toUtf8())
        return true;
    if (scheme == "basic") {
        const QByteArray decoded = QByteArray::fromBase64(credentials);
        const qsizetype colon = decoded.indexOf(':');
        if (colon > 0 && QString::fromUtf8(decoded.left(colon)) == m_username
            && QString::fromUtf8(decoded.mid(colon + 1)) == m_password)
            return true;
    }
    const QList<QByteArray> cookies = request.value(QByteArrayLiteral("Cookie")).split(';');
    for (const QByteArray& cookie : cookies) {
        const QByteArray trimmed = cookie.trimmed();
        if (trimmed.startsWith("session=") && m_sessions.contains(QString::fromLatin1(trimmed.mid(8))))
            return true;
    }
    return false;
}

DemoReply DemoTradingApi::login(const QHttpServerRequest& request)
{
    QString user;
    QString pass;
    const QByteArray contentType = request.value(QByteArrayLiteral("Content-Type")).toLower();
    const QByteArray body = request.body().trimmed();
    if (contentType.contains("json") || body.startsWith('{')) {
        const auto object = jsonBody(request);
        if (!object)
            return badJson();
        user = object->value(u"username").toString();
        pass = object->value(u"password").toString();
    } else {
        // Form encoding writes a space as '+'; QUrlQuery does not undo that on its own.
        QByteArray form = body;
        form.replace('+', "%20");
        const QUrlQuery query(QString::fromLatin1(form));
        user = query.queryItemValue(QStringLiteral("username"), QUrl::FullyDecoded);
        pass = query.queryItemValue(QStringLiteral("password"), QUrl::FullyDecoded);
    }
    if (user.isEmpty() || pass.isEmpty())
        return envelope(false, QStringLiteral("아이디와 비밀번호를 입력해 주세요"), {}, 400);
    if (user != m_username || pass != m_password) {
        ++m_failedLogins;
        Q_EMIT stateChanged();
        return envelope(false, QStringLiteral("아이디 또는 비밀번호가 올바르지 않습니다"), {}, 401);
    }
    const QByteArray session = QByteArray::number(QRandomGenerator::global()->generate64(), 16)
        + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    m_sessions.insert(QString::fromLatin1(session));
    ++m_logins;
    Q_EMIT stateChanged();
    DemoReply reply = envelope(true, QStringLiteral("로그인되었습니다"), { { QStringLiteral("username"), user } });
    reply.headers.append(
        { QByteArrayLiteral("Set-Cookie"), "session=" + session + "; HttpOnly; Path=/; SameSite=Lax" });
    return reply;
}

DemoReply DemoTradingApi::badBody() const
{
    switch (m_badBody) {
    case BadBody::Html: {
        DemoReply reply = DemoReply::text(QByteArrayLiteral(
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
            "<hr><center>nginx/1.22.1</center></body></html>"));
        reply.contentType = QByteArrayLiteral("text/html");
        return reply;
    }
    case BadBody::Empty: {
        DemoReply reply = DemoReply::json({});
        reply.body.clear();
        return reply;
    }
    case BadBody::InvalidJson: {
        DemoReply reply = DemoReply::json({});
        reply.body = QByteArrayLiteral("{\"success\": tru");
        return reply;
    }
    case BadBody::StackTrace: {
        return DemoReply::text(
            QByteArrayLiteral(
                "Traceback (most recent call last):\n"
                "  File \"/app/venv/lib/python3.11/site-packages/flask/app.py\", line 1484, in full_dispatch_request\n"
                "    rv = self.dispatch_request()\n"
                "  File \"/app/web_server/app/routes/system.py\", line 212, in scheduler_control\n"
                "    scheduler.start()\n"
                "apscheduler.schedulers.SchedulerAlreadyRunningError: Scheduler is already running\n"),
            500);
    }
    case BadBody::None:
        break;
    }
    return envelope(false, QStringLiteral("내부 오류"), {}, 500);
}

DemoReply DemoTradingApi::schedulerStatus() const
{
    QJsonArray jobs;
    for (const Job& j : m_jobs) {
        jobs.append(QJsonObject {
            { QStringLiteral("id"), j.id },
            { QStringLiteral("name"), j.name },
            { QStringLiteral("job_type"), j.type },
            { QStringLiteral("trigger"), j.trigger() },
            { QStringLiteral("next_run_time"), isoOrNull(j.nextRun) },
            { QStringLiteral("last_run_time"), isoOrNull(j.lastRun) },
            { QStringLiteral("run_count"), j.runs },
        });
    }
    const QJsonObject data {
        { QStringLiteral("running"), m_schedulerRunning },
        { QStringLiteral("state"), m_schedulerRunning ? QStringLiteral("running") : QStringLiteral("stopped") },
        { QStringLiteral("job_count"), int(m_jobs.size()) },
        { QStringLiteral("jobs"), jobs },
    };
    return envelope(true,
        m_schedulerRunning ? QStringLiteral("스케줄러가 실행 중입니다")
                           : QStringLiteral("스케줄러가 중지되어 있습니다"),
        data);
}

DemoReply DemoTradingApi::schedulerControl(const QHttpServerRequest& request)
{
    const auto body = jsonBody(request);
    if (!body)
        return badJson();
    const QString action = body->value(u"action").toString();
    QString message;
    if (action == u"start") {
        message = m_schedulerRunning ? QStringLiteral("스케줄러가 이미 실행 중입니다")
                                     : QStringLiteral("스케줄러가 시작되었습니다");
        startScheduler();
    } else if (action == u"stop") {
        message = m_schedulerRunning ? QStringLiteral("스케줄러가 중지되었습니다")
                                     : QStringLiteral("스케줄러가 이미 중지되어 있습니다");
        stopScheduler();
    } else if (action == u"restart") {
        stopScheduler();
        startScheduler();
        message = QStringLiteral("스케줄러가 재시작되었습니다");
    } else {
        return envelope(false, QStringLiteral("지원하지 않는 작업입니다: %1").arg(action),
            { { QStringLiteral("valid_actions"),
                QJsonArray { QStringLiteral("start"), QStringLiteral("stop"), QStringLiteral("restart") } } },
            400);
    }
    return envelope(true, message,
        { { QStringLiteral("action"), action }, { QStringLiteral("running"), m_schedulerRunning },
            { QStringLiteral("state"), m_schedulerRunning ? QStringLiteral("running") : QStringLiteral("stopped") } });
}

DemoReply DemoTradingApi::triggerJob(const QHttpServerRequest& request)
{
    const auto body = jsonBody(request);
    if (!body)
        return badJson();
    const QString type = body->value(u"job_type").toString();
    Job* j = job(type);
    if (!j) {
        return envelope(false, QStringLiteral("알 수 없는 작업 유형입니다: %1").arg(type),
            { { QStringLiteral("valid_job_types"), QJsonArray::fromStringList(jobTypes()) } }, 400);
    }
    runJob(*j, true);
    return envelope(true, QStringLiteral("%1 작업이 실행되었습니다").arg(j->name),
        { { QStringLiteral("job_type"), j->type }, { QStringLiteral("job_id"), j->id },
            { QStringLiteral("job_name"), j->name }, { QStringLiteral("executed_at"), isoTime(j->lastRun) },
            { QStringLiteral("run_count"), j->runs } });
}

DemoReply DemoTradingApi::cacheStats() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int total = 0;
    int expired = 0;
    QJsonObject byExchange;
    for (const ExchangeInfo& info : exchanges()) {
        const QString id = QString::fromLatin1(info.id);
        byExchange.insert(id,
            QJsonObject { { QStringLiteral("price"), cacheEntryCount(QStringLiteral("price"), id) },
                { QStringLiteral("exchange"), cacheEntryCount(QStringLiteral("exchange"), id) } });
    }
    for (const CacheEntry& e : m_cache) {
        if (e.type != u"exchange")
            continue;
        ++total;
        if (e.created.secsTo(now) > cacheTtlSeconds)
            ++expired;
    }
    const QJsonObject data {
        { QStringLiteral("total_clients"), total },
        { QStringLiteral("active_clients"), total - expired },
        { QStringLiteral("expired_clients"), expired },
        { QStringLiteral("max_size"), cacheMaxSize },
        { QStringLiteral("ttl"), cacheTtlSeconds },
        { QStringLiteral("entries"),
            QJsonObject { { QStringLiteral("price"), cacheEntryCount(QStringLiteral("price")) },
                { QStringLiteral("exchange"), total } } },
        { QStringLiteral("by_exchange"), byExchange },
    };
    return envelope(true, QStringLiteral("캐시 통계를 조회했습니다"), data);
}

DemoReply DemoTradingApi::cacheClear(const QHttpServerRequest& request)
{
    const auto body = jsonBody(request);
    if (!body)
        return badJson();
    const QString type = body->value(u"type").toString();
    static const QStringList types { QStringLiteral("price"), QStringLiteral("exchange"), QStringLiteral("all") };
    if (!types.contains(type)) {
        return envelope(false, QStringLiteral("알 수 없는 캐시 유형입니다: %1").arg(type),
            { { QStringLiteral("valid_types"), QJsonArray::fromStringList(types) } }, 400);
    }
    const QJsonValue exchangeValue = body->value(u"exchange");
    const QJsonValue marketValue = body->value(u"market_type");
    if (!(exchangeValue.isString() || exchangeValue.isNull() || exchangeValue.isUndefined())
        || !(marketValue.isString() || marketValue.isNull() || marketValue.isUndefined()))
        return envelope(false, QStringLiteral("exchange와 market_type은 문자열이어야 합니다"), {}, 400);
    const QString exchange = exchangeValue.toString();
    const QString market = marketValue.toString();

    const int priceBefore = cacheEntryCount(QStringLiteral("price"));
    const int exchangeBefore = cacheEntryCount(QStringLiteral("exchange"));
    m_cache.removeIf([&](const CacheEntry& e) {
        return (type == u"all" || e.type == type) && (exchange.isEmpty() || e.exchange == exchange)
            && (market.isEmpty() || e.marketType == market);
    });
    const int priceAfter = cacheEntryCount(QStringLiteral("price"));
    const int exchangeAfter = cacheEntryCount(QStringLiteral("exchange"));
    Q_EMIT stateChanged();

    QString message = type == u"price" ? QStringLiteral("가격 캐시가 초기화되었습니다")
        : type == u"exchange"          ? QStringLiteral("거래소 클라이언트 캐시가 초기화되었습니다")
                                       : QStringLiteral("모든 캐시가 초기화되었습니다");
    if (!exchange.isEmpty() || !market.isEmpty())
        message += QStringLiteral(" (%1)").arg(QStringList { exchange, market }.join(u' ').trimmed());
    return envelope(true, message,
        {
            { QStringLiteral("type"), type },
            { QStringLiteral("exchange"), exchange.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(exchange) },
            { QStringLiteral("market_type"), market.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(market) },
            { QStringLiteral("cleared"),
                QJsonObject { { QStringLiteral("price"), priceBefore - priceAfter },
                    { QStringLiteral("exchange"), exchangeBefore - exchangeAfter } } },
            { QStringLiteral("remaining"),
                QJsonObject {
                    { QStringLiteral("price"), priceAfter }, { QStringLiteral("exchange"), exchangeAfter } } },
        });
}

DemoReply DemoTradingApi::testTelegram()
{
    if (m_telegramFailing) {
        return envelope(false, QStringLiteral("텔레그램 메시지 전송에 실패했습니다"),
            { { QStringLiteral("error"), QStringLiteral("Unauthorized: bot token was rejected") } }, 500);
    }
    ++m_telegramTests;
    Q_EMIT stateChanged();
    return envelope(true, QStringLiteral("텔레그램 테스트 메시지가 전송되었습니다"),
        { { QStringLiteral("chat_id"), QStringLiteral("-1001234567890") },
            { QStringLiteral("text"), QStringLiteral("[healthdeck 데모] 텔레그램 연결 테스트") },
            { QStringLiteral("sent_at"), isoTime(QDateTime::currentDateTimeUtc()) } });
}

DemoReply DemoTradingApi::exchangeMetadata() const
{
    QJsonArray list;
    const QDateTime updated = QDateTime::currentDateTimeUtc().addSecs(-600);
    for (const ExchangeInfo& info : exchanges()) {
        const QString id = QString::fromLatin1(info.id);
        list.append(QJsonObject {
            { QStringLiteral("id"), id },
            { QStringLiteral("name"), QString::fromLatin1(info.name) },
            { QStringLiteral("markets"), QJsonArray::fromStringList(info.markets) },
            { QStringLiteral("quote_currencies"), QJsonArray::fromStringList(info.quotes) },
            { QStringLiteral("cached_symbols"), cacheEntryCount(QStringLiteral("price"), id) },
            { QStringLiteral("status"), QStringLiteral("ok") },
            { QStringLiteral("last_updated"), isoTime(updated) },
        });
    }
    return envelope(
        true, QStringLiteral("거래소 메타데이터를 조회했습니다"), { { QStringLiteral("exchanges"), list } });
}

DemoReply DemoTradingApi::health() const
{
    const QString now = isoTime(QDateTime::currentDateTimeUtc());
    const QString scheduler = m_schedulerRunning ? QStringLiteral("running") : QStringLiteral("stopped");
    if (isStarting()) {
        return DemoReply::json(
            { { QStringLiteral("status"), QStringLiteral("starting") }, { QStringLiteral("timestamp"), now },
                { QStringLiteral("database"), QStringLiteral("unknown") },
                { QStringLiteral("redis"), QStringLiteral("unknown") }, { QStringLiteral("scheduler"), scheduler } },
            503);
    }
    const bool dbDown = isDatabaseDown();
    const QString status = dbDown ? QStringLiteral("unhealthy")
        : m_schedulerRunning      ? QStringLiteral("healthy")
                                  : QStringLiteral("degraded");
    return DemoReply::json(
        {
            { QStringLiteral("status"), status },
            { QStringLiteral("timestamp"), now },
            { QStringLiteral("version"), QStringLiteral("1.4.2") },
            { QStringLiteral("database"), dbDown ? QStringLiteral("unhealthy") : QStringLiteral("healthy") },
            { QStringLiteral("redis"), QStringLiteral("healthy") },
            { QStringLiteral("scheduler"), scheduler },
            { QStringLiteral("uptime_seconds"), uptimeMs() / 1000 },
        },
        dbDown ? 503 : 200);
}

// The seed's Prometheus metrics (text format 0.0.4): a status gauge and a duration histogram per check, and a
// request counter. The redis check follows the demo's own redis-server.
DemoReply DemoTradingApi::metrics()
{
    static const QList<double> bounds { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0 };
    const bool dbUp = !isDatabaseDown();
    const bool redisUp = !m_redisUp || m_redisUp();
    const QList<std::tuple<QString, bool, double>> checks {
        { QStringLiteral("database"), dbUp, dbUp ? simulatedMs(8, 40) / 1000.0 : 3.0 },
        { QStringLiteral("redis"), redisUp, redisUp ? simulatedMs(2, 15) / 1000.0 : 1.0 },
        { QStringLiteral("scheduler"), m_schedulerRunning, 0.0001 },
    };
    QByteArray out;
    out += "# HELP messenger_health_check_status Health check status (1 = healthy, 0 = unhealthy)\n"
           "# TYPE messenger_health_check_status gauge\n";
    for (const auto& [name, up, seconds] : checks)
        out += "messenger_health_check_status{check=\"" + name.toUtf8() + "\"} " + (up ? "1" : "0") + "\n";
    out += "# HELP messenger_health_check_duration_seconds Health check duration\n"
           "# TYPE messenger_health_check_duration_seconds histogram\n";
    for (const auto& [name, up, seconds] : checks) {
        CheckHistogram& h = m_checkDurations[name];
        h.buckets.resize(bounds.size() + 1);
        for (qsizetype i = 0; i < bounds.size(); ++i)
            h.buckets[i] += seconds <= bounds[i] ? 1 : 0;
        h.buckets.last() += 1;
        h.sum += seconds;
        ++h.count;
        const QByteArray label = "check=\"" + name.toUtf8() + '"';
        for (qsizetype i = 0; i <= bounds.size(); ++i) {
            const QByteArray le = i < bounds.size() ? QByteArray::number(bounds[i]) : QByteArrayLiteral("+Inf");
            out += "messenger_health_check_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} "
                + QByteArray::number(h.buckets[i]) + '\n';
        }
        out += "messenger_health_check_duration_seconds_sum{" + label + "} " + QByteArray::number(h.sum, 'g', 12)
            + '\n';
        out += "messenger_health_check_duration_seconds_count{" + label + "} " + QByteArray::number(h.count) + '\n';
    }
    out += "# HELP messenger_requests_total Requests served\n"
           "# TYPE messenger_requests_total counter\n"
           "messenger_requests_total "
        + QByteArray::number(requestTotal()) + '\n';
    DemoReply reply = DemoReply::text(out);
    reply.contentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
    return reply;
}

DemoReply DemoTradingApi::detailedHealth() const
{
    const bool dbDown = isDatabaseDown();
    const double dbMs = dbDown ? 3000.0 : simulatedMs(8, 40);
    const double redisMs = simulatedMs(2, 15);
    const QJsonObject checks {
        { QStringLiteral("database"),
            QJsonObject {
                { QStringLiteral("status"), dbDown ? QStringLiteral("unhealthy") : QStringLiteral("healthy") },
                { QStringLiteral("response_time_ms"), dbMs },
                { QStringLiteral("details"),
                    dbDown ? QStringLiteral("connection refused after 3s (postgresql://db:5432/trading)")
                           : QStringLiteral("PostgreSQL 15.4, pool 3/20 in use") } } },
        { QStringLiteral("redis"),
            QJsonObject { { QStringLiteral("status"), QStringLiteral("healthy") },
                { QStringLiteral("response_time_ms"), redisMs },
                { QStringLiteral("details"), QStringLiteral("PING ok, used_memory 12.4M") } } },
        { QStringLiteral("scheduler"),
            QJsonObject { { QStringLiteral("status"),
                              m_schedulerRunning ? QStringLiteral("healthy") : QStringLiteral("degraded") },
                { QStringLiteral("running"), m_schedulerRunning }, { QStringLiteral("job_count"), int(m_jobs.size()) },
                { QStringLiteral("response_time_ms"), 0.1 },
                { QStringLiteral("details"),
                    m_schedulerRunning ? QStringLiteral("%1 jobs scheduled").arg(m_jobs.size())
                                       : QStringLiteral("scheduler is stopped") } } },
        { QStringLiteral("exchanges"),
            QJsonObject { { QStringLiteral("status"), QStringLiteral("healthy") },
                { QStringLiteral("response_time_ms"), simulatedMs(400, 1200) },
                { QStringLiteral("details"), QStringLiteral("%1 exchanges reachable").arg(exchanges().size()) } } },
    };
    QString status = dbDown  ? QStringLiteral("unhealthy")
        : m_schedulerRunning ? QStringLiteral("healthy")
                             : QStringLiteral("degraded");
    if (isStarting())
        status = QStringLiteral("starting");
    const int httpStatus = (dbDown || isStarting()) ? 503 : 200;
    return DemoReply::json(
        { { QStringLiteral("status"), status },
            { QStringLiteral("timestamp"), isoTime(QDateTime::currentDateTimeUtc()) },
            { QStringLiteral("response_time_ms"), dbMs + redisMs }, { QStringLiteral("checks"), checks } },
        httpStatus);
}

DemoTradingApi::Job* DemoTradingApi::job(const QString& type)
{
    for (Job& j : m_jobs) {
        if (j.type == type)
            return &j;
    }
    return nullptr;
}

const DemoTradingApi::Job* DemoTradingApi::job(const QString& type) const
{
    return const_cast<DemoTradingApi*>(this)->job(type);
}

void DemoTradingApi::scheduleJob(Job& j, const QDateTime& now)
{
    if (j.intervalMs > 0) {
        j.nextRun = now.addMSecs(j.intervalMs);
        return;
    }
    QDateTime next(now.date(), j.cronTime, Qt::UTC);
    if (next <= now)
        next = next.addDays(1);
    j.nextRun = next;
}

void DemoTradingApi::armTimer()
{
    if (!m_schedulerRunning) {
        m_jobTimer.stop();
        return;
    }
    QDateTime earliest;
    for (const Job& j : std::as_const(m_jobs)) {
        if (j.nextRun.isValid() && (!earliest.isValid() || j.nextRun < earliest))
            earliest = j.nextRun;
    }
    if (earliest.isValid())
        m_jobTimer.start(int(qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(earliest))));
}

void DemoTradingApi::runDueJobs()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (Job& j : m_jobs) {
        if (!j.nextRun.isValid() || j.nextRun > now)
            continue;
        runJob(j, false);
        if (j.intervalMs > 0) {
            // Missed runs are coalesced into one, as APScheduler does by default.
            while (j.nextRun <= now)
                j.nextRun = j.nextRun.addMSecs(j.intervalMs);
        } else {
            scheduleJob(j, now);
        }
    }
    armTimer();
    Q_EMIT stateChanged();
}

void DemoTradingApi::runJob(Job& j, bool manual)
{
    j.lastRun = QDateTime::currentDateTimeUtc();
    ++j.runs;
    if (manual)
        ++j.manualRuns;
    Q_EMIT stateChanged();
}

} // namespace hd
