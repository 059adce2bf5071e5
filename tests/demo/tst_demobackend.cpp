#include "config/configloader.h"
#include "demo/demobackend.h"
#include "demo/demoenvironment.h"
#include "redis/redisserverprocess.h"
#include "support/testutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QtTest>

#include <memory>

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

struct Response {
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    qint64 elapsedMs = 0;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// "a.b.0.c" into nested objects and arrays.
QJsonValue jsonAt(const QJsonValue& root, const QString& path)
{
    QJsonValue value = root;
    const QStringList parts = path.split(u'.');
    for (const QString& part : parts) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        value = isIndex && value.isArray() ? value.toArray().at(index) : value.toObject().value(part);
    }
    return value;
}

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray basic(const QString& user, const QString& password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

bool isTimeout(QNetworkReply::NetworkError error)
{
    return error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
}

} // namespace

class TestDemoBackend : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void startsOnFreePorts();
    void startsOnGivenPorts();
    void refusesTakenPort();
    void healthRoutes_data();
    void healthRoutes();
    void detailedHealthShapes();
    void unknownRouteAndMethod();
    void analyticsRedirectsWithoutSlash();
    void databaseDown_data();
    void databaseDown();
    void schedulerStoppedShowsDegraded();

    void login_data();
    void login();
    void loginRejectsWrongPassword();
    void adminAuth_data();
    void adminAuth();
    void adminRoutesRequireAuth_data();
    void adminRoutesRequireAuth();
    void expiredSessionNeedsNewLogin();
    void credentialsAreSettable();

    void schedulerStatusShape();
    void schedulerControl();
    void schedulerControlRejectsUnknownAction();
    void jobsRunOnScheduleAndStopWithScheduler();
    void triggerJob_data();
    void triggerJob();
    void triggerJobRejectsUnknownType_data();
    void triggerJobRejectsUnknownType();
    void cacheStats();
    void cacheClear_data();
    void cacheClear();
    void testTelegram();
    void exchangeMetadata();
    void koreanMessageRoundTrip();
    void adminBadBody_data();
    void adminBadBody();

    void latencyDoesNotBlock();
    void adminDelayRunsActionOnceEvenWhenClientTimesOut();
    void hangUntilClientTimeout();
    void startupDelay();
    void startupDelayBeforeStart();
    void downAndUp();
    void downClosesHungConnections();

    void controlRoutes();
    void controlRoutesDriveSiblingsAndSelf();
    void controlRejectsBadInput_data();
    void controlRejectsBadInput();
    void tradingControlKeys();

    void requestLog();
    void requestLogRedactsLoginBodies_data();
    void requestLogRedactsLoginBodies();
    void requestLogOverHttp();

    void bundledConfigLoadsAndAnswers();

private:
    Response send(const QByteArray& verb, const QUrl& url, const QByteArray& body = {}, const Headers& headers = {},
        int timeoutMs = 5000);
    Response get(const QString& service, const QString& path, const Headers& headers = {}, int timeoutMs = 5000)
    {
        return send("GET", url(service, path), {}, headers, timeoutMs);
    }
    Response post(const QString& service, const QString& path, const QByteArray& body, const Headers& headers = {},
        int timeoutMs = 5000)
    {
        return send("POST", url(service, path), body, headers, timeoutMs);
    }
    Response admin(const QByteArray& verb, const QString& path, const QJsonObject& body = {})
    {
        return send(verb, url(QStringLiteral("trading-api"), path), verb == "POST" ? json(body) : QByteArray(),
            { { "Authorization", "Bearer demo-token" } });
    }
    QUrl url(const QString& service, const QString& path) const
    {
        return m_backend->baseUrl(service).resolved(QUrl(path));
    }
    hd::DemoTradingApi* trading() const { return m_backend->tradingApi(); }

    std::unique_ptr<hd::DemoBackend> m_backend;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

Response TestDemoBackend::send(
    const QByteArray& verb, const QUrl& url, const QByteArray& body, const Headers& headers, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    QElapsedTimer clock;
    clock.start();
    QNetworkReply* reply = m_nam->sendCustomRequest(request, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(timeoutMs + 5000);
    Response response;
    response.elapsedMs = clock.elapsed();
    response.error = reply->error();
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        response.body = reply->readAll();
    response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    const auto pairs = reply->rawHeaderPairs();
    for (const auto& [name, value] : pairs)
        response.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return response;
}

void TestDemoBackend::init()
{
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_backend = std::make_unique<hd::DemoBackend>();
    QVERIFY2(m_backend->start(), qPrintable(m_backend->errorString()));
}

void TestDemoBackend::cleanup()
{
    m_backend.reset();
    m_nam.reset();
}

void TestDemoBackend::startsOnFreePorts()
{
    QCOMPARE(hd::DemoBackend::serviceNames(),
        QStringList({ QStringLiteral("trading-api"), QStringLiteral("portal"), QStringLiteral("analytics") }));
    QSet<quint16> ports;
    for (const QString& name : hd::DemoBackend::serviceNames()) {
        hd::DemoService* service = m_backend->service(name);
        QVERIFY(service);
        QVERIFY(service->isListening());
        QVERIFY(service->port() != 0);
        ports.insert(service->port());
        QCOMPARE(m_backend->baseUrl(name), QUrl(QStringLiteral("http://127.0.0.1:%1").arg(service->port())));
        QCOMPARE(m_backend->baseUrls().value(name), m_backend->baseUrl(name));
    }
    QCOMPARE(ports.size(), 3);
    QVERIFY(!m_backend->service(QStringLiteral("nope")));
    QVERIFY(m_backend->baseUrl(QStringLiteral("nope")).isEmpty());
    QVERIFY(!m_backend->start()); // twice is refused
}

void TestDemoBackend::startsOnGivenPorts()
{
    hd::DemoBackend backend;
    const quint16 port = hdtest::freePort();
    QVERIFY2(backend.start({ { QStringLiteral("portal"), port } }), qPrintable(backend.errorString()));
    QCOMPARE(backend.portal()->port(), port);
    QVERIFY(backend.tradingApi()->port() != 0);
    QCOMPARE(send("GET", backend.baseUrl(QStringLiteral("portal")).resolved(QUrl(QStringLiteral("/health/ping")))).body,
        QByteArray("ok"));
}

void TestDemoBackend::refusesTakenPort()
{
    hd::DemoBackend second;
    QVERIFY(!second.start({ { QStringLiteral("analytics"), m_backend->analytics()->port() } }));
    QVERIFY2(second.errorString().contains(QStringLiteral("analytics")), qPrintable(second.errorString()));
    QVERIFY(!second.isRunning());
}

void TestDemoBackend::healthRoutes_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field"); // dotted path into the JSON body; empty: compare the raw body
    QTest::addColumn<QString>("expected");

    QTest::newRow("trading health") << "trading-api"
                                    << "/health" << 200 << "status"
                                    << "healthy";
    QTest::newRow("trading health database") << "trading-api"
                                             << "/health" << 200 << "database"
                                             << "healthy";
    QTest::newRow("trading health redis") << "trading-api"
                                          << "/health" << 200 << "redis"
                                          << "healthy";
    QTest::newRow("trading health scheduler") << "trading-api"
                                              << "/health" << 200 << "scheduler"
                                              << "running";
    QTest::newRow("trading ready") << "trading-api"
                                   << "/health/ready" << 200 << "status"
                                   << "ready";
    QTest::newRow("trading live") << "trading-api"
                                  << "/health/live" << 200 << "status"
                                  << "alive";
    QTest::newRow("trading system health") << "trading-api"
                                           << "/api/system/health" << 200 << "status"
                                           << "healthy";
    QTest::newRow("trading system health database") << "trading-api"
                                                    << "/api/system/health" << 200 << "checks.database.status"
                                                    << "healthy";
    QTest::newRow("portal ping") << "portal"
                                 << "/health/ping" << 200 << ""
                                 << "ok";
    QTest::newRow("portal live") << "portal"
                                 << "/health/live" << 200 << "status"
                                 << "alive";
    QTest::newRow("portal ready") << "portal"
                                  << "/health/ready" << 200 << "status"
                                  << "ready";
    QTest::newRow("portal ready database") << "portal"
                                           << "/health/ready" << 200 << "checks.database"
                                           << "true";
    QTest::newRow("portal startup") << "portal"
                                    << "/health/startup" << 200 << "status"
                                    << "started";
    QTest::newRow("analytics healthcheck") << "analytics"
                                           << "/healthcheck/" << 200 << "status"
                                           << "success";
    QTest::newRow("analytics healthcheck data") << "analytics"
                                                << "/healthcheck/" << 200 << "data.health"
                                                << "ok";
    QTest::newRow("analytics detailed") << "analytics"
                                        << "/healthcheck/detailed" << 200 << "status"
                                        << "success";
    QTest::newRow("analytics detailed redis") << "analytics"
                                              << "/healthcheck/detailed" << 200 << "checks.redis.status"
                                              << "healthy";
}

void TestDemoBackend::healthRoutes()
{
    QFETCH(QString, service);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QString, field);
    QFETCH(QString, expected);

    const Response r = get(service, path);
    QCOMPARE(r.status, status);
    if (field.isEmpty()) {
        QCOMPARE(r.body, expected.toUtf8());
        QVERIFY(r.contentType.startsWith("text/plain"));
        return;
    }
    QCOMPARE(r.contentType, QByteArray("application/json; charset=utf-8"));
    const QJsonValue value = jsonAt(r.json(), field);
    const QString actual = value.isBool() ? QString::fromLatin1(value.toBool() ? "true" : "false") : value.toString();
    QCOMPARE(actual, expected);
}

void TestDemoBackend::detailedHealthShapes()
{
    const QJsonObject trading = get(QStringLiteral("trading-api"), QStringLiteral("/api/system/health")).json();
    QVERIFY(trading.value(u"response_time_ms").isDouble());
    QVERIFY(QDateTime::fromString(trading.value(u"timestamp").toString(), Qt::ISODateWithMs).isValid());
    const QJsonObject tradingChecks = trading.value(u"checks").toObject();
    QCOMPARE(tradingChecks.keys(),
        QStringList({ QStringLiteral("database"), QStringLiteral("exchanges"), QStringLiteral("redis"),
            QStringLiteral("scheduler") }));
    for (const QJsonValue& check : tradingChecks) {
        QVERIFY(check.toObject().value(u"status").isString());
        QVERIFY(check.toObject().value(u"response_time_ms").isDouble());
    }

    const QJsonObject analytics = get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/detailed")).json();
    const QJsonObject checks = analytics.value(u"checks").toObject();
    QCOMPARE(checks.size(), 3);
    for (const QJsonValue& check : checks) {
        const QJsonObject c = check.toObject();
        QCOMPARE(c.value(u"status").toString(), QStringLiteral("healthy"));
        QVERIFY(c.value(u"response_time_ms").isDouble());
        QVERIFY(!c.value(u"details").toString().isEmpty());
    }

    const QJsonObject ready = get(QStringLiteral("portal"), QStringLiteral("/health/ready")).json();
    const QJsonObject readyChecks = ready.value(u"checks").toObject();
    QVERIFY(readyChecks.size() >= 2);
    for (const QJsonValue& check : readyChecks)
        QCOMPARE(check, QJsonValue(true));
}

void TestDemoBackend::unknownRouteAndMethod()
{
    const Response missing = get(QStringLiteral("portal"), QStringLiteral("/nope"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json().value(u"success"), QJsonValue(false));

    const Response wrongMethod = post(QStringLiteral("trading-api"), QStringLiteral("/health"), "{}");
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.headers.value("allow"), QByteArray("GET"));

    const Response getOnPost = get(QStringLiteral("trading-api"), QStringLiteral("/api/system/trigger-job"));
    QCOMPARE(getOnPost.status, 405);
    QCOMPARE(trading()->manualRunCount(QStringLiteral("update_orders")), 0);
}

void TestDemoBackend::analyticsRedirectsWithoutSlash()
{
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    const Response redirect = get(QStringLiteral("analytics"), QStringLiteral("/healthcheck"));
    QCOMPARE(redirect.status, 307);
    QCOMPARE(QUrl::fromEncoded(redirect.headers.value("location")),
        url(QStringLiteral("analytics"), QStringLiteral("/healthcheck/")));

    m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    const Response followed = get(QStringLiteral("analytics"), QStringLiteral("/healthcheck"));
    QCOMPARE(followed.status, 200);
    QCOMPARE(followed.json().value(u"status").toString(), QStringLiteral("success"));
}

void TestDemoBackend::databaseDown_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");

    QTest::newRow("trading health") << "trading-api"
                                    << "/health" << 503 << "status"
                                    << "unhealthy";
    QTest::newRow("trading health database") << "trading-api"
                                             << "/health" << 503 << "database"
                                             << "unhealthy";
    QTest::newRow("trading ready") << "trading-api"
                                   << "/health/ready" << 503 << "status"
                                   << "not_ready";
    QTest::newRow("trading ready error") << "trading-api"
                                         << "/health/ready" << 503 << "error"
                                         << "database connection failed";
    QTest::newRow("trading live unaffected") << "trading-api"
                                             << "/health/live" << 200 << "status"
                                             << "alive";
    QTest::newRow("trading system health") << "trading-api"
                                           << "/api/system/health" << 503 << "checks.database.status"
                                           << "unhealthy";
    QTest::newRow("portal ready") << "portal"
                                  << "/health/ready" << 503 << "status"
                                  << "not_ready";
    QTest::newRow("portal ready database") << "portal"
                                           << "/health/ready" << 503 << "checks.database"
                                           << "false";
    QTest::newRow("portal ping unaffected") << "portal"
                                            << "/health/ping" << 200 << ""
                                            << "ok";
    QTest::newRow("analytics healthcheck") << "analytics"
                                           << "/healthcheck/" << 500 << "status"
                                           << "error";
    QTest::newRow("analytics detailed") << "analytics"
                                        << "/healthcheck/detailed" << 500 << "checks.database.status"
                                        << "unhealthy";
}

void TestDemoBackend::databaseDown()
{
    QFETCH(QString, service);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QString, field);
    QFETCH(QString, expected);

    m_backend->service(service)->setDatabaseDown(true);
    QVERIFY(m_backend->service(service)->isDatabaseDown());
    const Response r = get(service, path);
    QCOMPARE(r.status, status);
    if (field.isEmpty()) {
        QCOMPARE(r.body, expected.toUtf8());
    } else {
        const QJsonValue value = jsonAt(r.json(), field);
        const QString actual
            = value.isBool() ? QString::fromLatin1(value.toBool() ? "true" : "false") : value.toString();
        QCOMPARE(actual, expected);
    }
    if (service == u"analytics" && path == u"/healthcheck/")
        QVERIFY(r.json().value(u"error").toString().contains(QStringLiteral("database")));

    m_backend->service(service)->setDatabaseDown(false);
    QVERIFY(get(service, path).status < 400);
}

void TestDemoBackend::schedulerStoppedShowsDegraded()
{
    trading()->stopScheduler();
    const QJsonObject health = get(QStringLiteral("trading-api"), QStringLiteral("/health")).json();
    QCOMPARE(health.value(u"status").toString(), QStringLiteral("degraded"));
    QCOMPARE(health.value(u"scheduler").toString(), QStringLiteral("stopped"));
    const Response detailed = get(QStringLiteral("trading-api"), QStringLiteral("/api/system/health"));
    QCOMPARE(jsonAt(detailed.json(), QStringLiteral("checks.scheduler.running")), QJsonValue(false));
}

void TestDemoBackend::login_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("json") << QByteArray("application/json")
                          << QByteArray(R"({"username":"admin","password":"demo-password"})");
    QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded")
                          << QByteArray("username=admin&password=demo%2Dpassword");
}

void TestDemoBackend::login()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);

    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/api/system/scheduler-status")).status, 401);
    const Response r
        = post(QStringLiteral("trading-api"), QStringLiteral("/login"), body, { { "Content-Type", contentType } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(u"success"), QJsonValue(true));
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("로그인되었습니다"));
    QVERIFY2(r.headers.value("set-cookie").startsWith("session="), r.headers.value("set-cookie").constData());
    QVERIFY(r.headers.value("set-cookie").contains("HttpOnly"));
    QCOMPARE(trading()->sessionCount(), 1);
    QCOMPARE(trading()->loginCount(), 1);

    // The access manager's cookie jar carries the session from here on.
    const Response status = get(QStringLiteral("trading-api"), QStringLiteral("/api/system/scheduler-status"));
    QCOMPARE(status.status, 200);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/scheduler-status")).last().credential,
        QStringLiteral("session"));
}

void TestDemoBackend::loginRejectsWrongPassword()
{
    const Response r
        = post(QStringLiteral("trading-api"), QStringLiteral("/login"), R"({"username":"admin","password":"wrong"})");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("아이디 또는 비밀번호가 올바르지 않습니다"));
    QVERIFY(!r.headers.contains("set-cookie"));
    QCOMPARE(trading()->sessionCount(), 0);
    QCOMPARE(trading()->failedLoginCount(), 1);

    const Response missing = post(QStringLiteral("trading-api"), QStringLiteral("/login"), R"({"username":"admin"})");
    QCOMPARE(missing.status, 400);
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/api/system/cache-stats")).status, 401);
}

void TestDemoBackend::adminAuth_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("cookie");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("credential");

    QTest::newRow("nothing") << QByteArray() << QByteArray() << 401 << "";
    QTest::newRow("bearer") << QByteArray("Bearer demo-token") << QByteArray() << 200 << "bearer";
    QTest::newRow("bearer lower-case scheme") << QByteArray("bearer demo-token") << QByteArray() << 200 << "bearer";
    QTest::newRow("bearer wrong") << QByteArray("Bearer nope") << QByteArray() << 401 << "bearer";
    QTest::newRow("basic") << basic(QStringLiteral("admin"), QStringLiteral("demo-password")) << QByteArray() << 200
                           << "basic";
    QTest::newRow("basic wrong password")
        << basic(QStringLiteral("admin"), QStringLiteral("x")) << QByteArray() << 401 << "basic";
    QTest::newRow("basic wrong user") << basic(QStringLiteral("root"), QStringLiteral("demo-password")) << QByteArray()
                                      << 401 << "basic";
    QTest::newRow("forged session") << QByteArray() << QByteArray("session=0123456789abcdef") << 401 << "session";
}

void TestDemoBackend::adminAuth()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, cookie);
    QFETCH(int, status);
    QFETCH(QString, credential);

    Headers headers;
    if (!authorization.isEmpty())
        headers.append({ "Authorization", authorization });
    if (!cookie.isEmpty())
        headers.append({ "Cookie", cookie });
    const Response r = post(QStringLiteral("trading-api"), QStringLiteral("/api/system/scheduler-control"),
        R"({"action":"stop"})", headers);
    QCOMPARE(r.status, status);
    QCOMPARE(r.json().value(u"success"), QJsonValue(status == 200));
    QVERIFY(!r.json().value(u"message").toString().isEmpty());
    // The backend's own state says whether the action ran.
    QCOMPARE(trading()->isSchedulerRunning(), status != 200);
    QCOMPARE(trading()->actionCount(QStringLiteral("/api/system/scheduler-control")), status == 200 ? 1 : 0);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/scheduler-control")).size(), 1);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/scheduler-control")).first().credential, credential);
}

void TestDemoBackend::adminRoutesRequireAuth_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("scheduler-status") << QByteArray("GET") << "/api/system/scheduler-status" << QByteArray();
    QTest::newRow("scheduler-control") << QByteArray("POST") << "/api/system/scheduler-control"
                                       << QByteArray(R"({"action":"stop"})");
    QTest::newRow("trigger-job") << QByteArray("POST") << "/api/system/trigger-job"
                                 << QByteArray(R"({"job_type":"calculate_pnl"})");
    QTest::newRow("cache-stats") << QByteArray("GET") << "/api/system/cache-stats" << QByteArray();
    QTest::newRow("cache-clear") << QByteArray("POST") << "/api/system/cache-clear" << QByteArray(R"({"type":"all"})");
    QTest::newRow("test-telegram") << QByteArray("POST") << "/api/system/test-telegram" << QByteArray("{}");
    QTest::newRow("exchange-metadata") << QByteArray("GET") << "/api/system/exchange-metadata" << QByteArray();
}

void TestDemoBackend::adminRoutesRequireAuth()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);

    const Response r = send(verb, url(QStringLiteral("trading-api"), path), body);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("로그인이 필요합니다"));
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->manualRunCount(QStringLiteral("calculate_pnl")), 0);
    QCOMPARE(trading()->cacheEntryCount(QString()), 18);
    QCOMPARE(trading()->telegramTestCount(), 0);
    QCOMPARE(trading()->actionCount(path), 0);

    // The same request with a credential goes through.
    QCOMPARE(
        send(verb, url(QStringLiteral("trading-api"), path), body, { { "Authorization", "Bearer demo-token" } }).status,
        200);
    QCOMPARE(trading()->actionCount(path), 1);
}

void TestDemoBackend::expiredSessionNeedsNewLogin()
{
    const QByteArray credentials = R"({"username":"admin","password":"demo-password"})";
    QCOMPARE(post(QStringLiteral("trading-api"), QStringLiteral("/login"), credentials).status, 200);
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/api/system/cache-stats")).status, 200);

    QSignalSpy changed(trading(), &hd::DemoService::stateChanged);
    trading()->expireSessions();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(trading()->sessionCount(), 0);
    const Response expired = get(QStringLiteral("trading-api"), QStringLiteral("/api/system/cache-stats"));
    QCOMPARE(expired.status, 401);
    QCOMPARE(
        trading()->requests(QStringLiteral("/api/system/cache-stats")).last().credential, QStringLiteral("session"));

    QCOMPARE(post(QStringLiteral("trading-api"), QStringLiteral("/login"), credentials).status, 200);
    QCOMPARE(trading()->loginCount(), 2);
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/api/system/cache-stats")).status, 200);
}

void TestDemoBackend::credentialsAreSettable()
{
    trading()->setCredentials(QStringLiteral("ops"), QStringLiteral("s3cret 비밀"));
    trading()->setBearerToken(QStringLiteral("other-token"));
    QCOMPARE(trading()->username(), QStringLiteral("ops"));

    const QString path = QStringLiteral("/api/system/cache-stats");
    QCOMPARE(get(QStringLiteral("trading-api"), path, { { "Authorization", "Bearer demo-token" } }).status, 401);
    QCOMPARE(get(QStringLiteral("trading-api"), path, { { "Authorization", "Bearer other-token" } }).status, 200);
    QCOMPARE(get(QStringLiteral("trading-api"), path,
                 { { "Authorization", basic(QStringLiteral("admin"), QStringLiteral("demo-password")) } })
                 .status,
        401);
    QCOMPARE(get(QStringLiteral("trading-api"), path,
                 { { "Authorization", basic(QStringLiteral("ops"), QStringLiteral("s3cret 비밀")) } })
                 .status,
        200);
    QCOMPARE(
        post(QStringLiteral("trading-api"), QStringLiteral("/login"), "username=ops&password=s3cret+%EB%B9%84%EB%B0%80",
            { { "Content-Type", "application/x-www-form-urlencoded" } })
            .status,
        200);

    trading()->setBearerToken(QString());
    QCOMPARE(get(QStringLiteral("trading-api"), path, { { "Authorization", "Bearer " } }).status, 200); // the session
    m_nam = std::make_unique<QNetworkAccessManager>(); // a client without the session cookie
    QCOMPARE(get(QStringLiteral("trading-api"), path, { { "Authorization", "Bearer " } }).status, 401);
}

void TestDemoBackend::schedulerStatusShape()
{
    const Response r = admin("GET", QStringLiteral("/api/system/scheduler-status"));
    QCOMPARE(r.status, 200);
    const QJsonObject body = r.json();
    QCOMPARE(body.value(u"success"), QJsonValue(true));
    QCOMPARE(body.value(u"message").toString(), QStringLiteral("스케줄러가 실행 중입니다"));
    const QJsonObject data = body.value(u"data").toObject();
    QCOMPARE(data.value(u"running"), QJsonValue(true));
    const QJsonArray jobs = data.value(u"jobs").toArray();
    QCOMPARE(jobs.size(), 4);
    QStringList types;
    for (const QJsonValue& value : jobs) {
        const QJsonObject job = value.toObject();
        QVERIFY(!job.value(u"id").toString().isEmpty());
        QVERIFY(!job.value(u"name").toString().isEmpty());
        QVERIFY2(job.value(u"trigger").toString().contains(QRegularExpression(QStringLiteral(R"(^(interval|cron)\[)"))),
            qPrintable(job.value(u"trigger").toString()));
        const QDateTime next = QDateTime::fromString(job.value(u"next_run_time").toString(), Qt::ISODateWithMs);
        QVERIFY(next.isValid());
        QVERIFY(next > QDateTime::currentDateTimeUtc().addSecs(-1));
        QCOMPARE(next, trading()->nextRunTime(job.value(u"job_type").toString()));
        types.append(job.value(u"job_type").toString());
    }
    QCOMPARE(types, hd::DemoTradingApi::jobTypes());
    QCOMPARE(jobs.at(0).toObject().value(u"trigger").toString(), QStringLiteral("interval[0:00:30]"));
    QCOMPARE(jobs.at(2).toObject().value(u"trigger").toString(), QStringLiteral("cron[hour='9', minute='0']"));
}

void TestDemoBackend::schedulerControl()
{
    const QString path = QStringLiteral("/api/system/scheduler-control");
    QCOMPARE(trading()->schedulerStartCount(), 1);

    Response r = admin("POST", path, { { QStringLiteral("action"), QStringLiteral("stop") } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("스케줄러가 중지되었습니다"));
    QVERIFY(!trading()->isSchedulerRunning());
    QVERIFY(!trading()->nextRunTime(QStringLiteral("update_orders")).isValid());
    const QJsonObject stopped = admin("GET", QStringLiteral("/api/system/scheduler-status")).json();
    QCOMPARE(jsonAt(stopped, QStringLiteral("data.running")), QJsonValue(false));
    QVERIFY(jsonAt(stopped, QStringLiteral("data.jobs.0.next_run_time")).isNull());

    r = admin("POST", path, { { QStringLiteral("action"), QStringLiteral("stop") } });
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("스케줄러가 이미 중지되어 있습니다"));

    r = admin("POST", path, { { QStringLiteral("action"), QStringLiteral("start") } });
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("스케줄러가 시작되었습니다"));
    QCOMPARE(jsonAt(r.json(), QStringLiteral("data.running")), QJsonValue(true));
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->schedulerStartCount(), 2);
    const QDateTime before = trading()->nextRunTime(QStringLiteral("update_orders"));
    QVERIFY(before.isValid());

    // A restart a moment later moves the next run.
    QTRY_VERIFY(QDateTime::currentDateTimeUtc().addMSecs(30'000) > before);
    r = admin("POST", path, { { QStringLiteral("action"), QStringLiteral("restart") } });
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("스케줄러가 재시작되었습니다"));
    QCOMPARE(trading()->schedulerStartCount(), 3);
    QVERIFY(trading()->isSchedulerRunning());
    QVERIFY(trading()->nextRunTime(QStringLiteral("update_orders")) > before);
    QCOMPARE(trading()->actionCount(path), 4);
}

void TestDemoBackend::schedulerControlRejectsUnknownAction()
{
    const QString path = QStringLiteral("/api/system/scheduler-control");
    Response r = admin("POST", path, { { QStringLiteral("action"), QStringLiteral("pause") } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QCOMPARE(jsonAt(r.json(), QStringLiteral("data.valid_actions")).toArray().size(), 3);
    QVERIFY(trading()->isSchedulerRunning());

    r = send(
        "POST", url(QStringLiteral("trading-api"), path), "not json", { { "Authorization", "Bearer demo-token" } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QCOMPARE(trading()->actionCount(path), 0);
    QCOMPARE(trading()->schedulerStartCount(), 1);
}

void TestDemoBackend::jobsRunOnScheduleAndStopWithScheduler()
{
    const QString type = QStringLiteral("update_orders");
    QSignalSpy changed(trading(), &hd::DemoService::stateChanged);
    trading()->setJobInterval(type, 100);
    const QDateTime firstNext = trading()->nextRunTime(type);
    QTRY_VERIFY_WITH_TIMEOUT(trading()->jobRunCount(type) >= 2, 5000);
    QVERIFY(trading()->nextRunTime(type) > firstNext);
    QCOMPARE(trading()->manualRunCount(type), 0);
    QCOMPARE(jsonAt(admin("GET", QStringLiteral("/api/system/scheduler-status")).json(),
                 QStringLiteral("data.jobs.0.trigger"))
                 .toString(),
        QStringLiteral("interval[0:00:00.100000]"));

    trading()->stopScheduler();
    const int runs = trading()->jobRunCount(type);
    // Let well over one interval pass, measured by a slow answer rather than a sleep.
    m_backend->portal()->setLatency(400);
    QVERIFY(get(QStringLiteral("portal"), QStringLiteral("/health/ping")).elapsedMs >= 400);
    QCOMPARE(trading()->jobRunCount(type), runs);
    QVERIFY(!trading()->nextRunTime(type).isValid());
}

void TestDemoBackend::triggerJob_data()
{
    QTest::addColumn<QString>("jobType");
    QTest::addColumn<QString>("jobName");
    QTest::newRow("update_orders") << "update_orders"
                                   << "미체결 주문 업데이트";
    QTest::newRow("calculate_pnl") << "calculate_pnl"
                                   << "미실현 손익 계산";
    QTest::newRow("daily_summary") << "daily_summary"
                                   << "일일 요약 전송";
    QTest::newRow("calculate_performance") << "calculate_performance"
                                           << "일일 성과 계산";
}

void TestDemoBackend::triggerJob()
{
    QFETCH(QString, jobType);
    QFETCH(QString, jobName);

    QSignalSpy executed(trading(), &hd::DemoTradingApi::actionExecuted);
    const int runsBefore = trading()->jobRunCount(jobType);
    const Response r
        = admin("POST", QStringLiteral("/api/system/trigger-job"), { { QStringLiteral("job_type"), jobType } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(u"success"), QJsonValue(true));
    QCOMPARE(r.json().value(u"message").toString(), jobName + QStringLiteral(" 작업이 실행되었습니다"));
    QCOMPARE(jsonAt(r.json(), QStringLiteral("data.job_type")).toString(), jobType);
    QVERIFY(QDateTime::fromString(jsonAt(r.json(), QStringLiteral("data.executed_at")).toString(), Qt::ISODateWithMs)
                .isValid());
    QCOMPARE(trading()->manualRunCount(jobType), 1);
    QCOMPARE(trading()->jobRunCount(jobType), runsBefore + 1);
    QCOMPARE(executed.size(), 1);
    QCOMPARE(executed.first().first().toString(), QStringLiteral("/api/system/trigger-job"));
    for (const QString& other : hd::DemoTradingApi::jobTypes()) {
        if (other != jobType)
            QCOMPARE(trading()->manualRunCount(other), 0);
    }
    const QJsonObject status = admin("GET", QStringLiteral("/api/system/scheduler-status")).json();
    const int index = int(hd::DemoTradingApi::jobTypes().indexOf(jobType));
    QCOMPARE(jsonAt(status, QStringLiteral("data.jobs.%1.run_count").arg(index)).toInt(), runsBefore + 1);
    QVERIFY(!jsonAt(status, QStringLiteral("data.jobs.%1.last_run_time").arg(index)).isNull());
}

void TestDemoBackend::triggerJobRejectsUnknownType_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("unknown type") << QByteArray(R"({"job_type":"drop_tables"})");
    QTest::newRow("missing type") << QByteArray("{}");
    QTest::newRow("type not a string") << QByteArray(R"({"job_type":3})");
    QTest::newRow("invalid json") << QByteArray("{job_type:");
}

void TestDemoBackend::triggerJobRejectsUnknownType()
{
    QFETCH(QByteArray, body);
    const Response r = send("POST", url(QStringLiteral("trading-api"), QStringLiteral("/api/system/trigger-job")), body,
        { { "Authorization", "Bearer demo-token" } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QVERIFY(!r.json().value(u"message").toString().isEmpty());
    for (const QString& type : hd::DemoTradingApi::jobTypes())
        QCOMPARE(trading()->manualRunCount(type), 0);
    QCOMPARE(trading()->actionCount(QStringLiteral("/api/system/trigger-job")), 0);
    QCOMPARE(trading()->jobRunCount(QStringLiteral("drop_tables")), -1);
}

void TestDemoBackend::cacheStats()
{
    const Response r = admin("GET", QStringLiteral("/api/system/cache-stats"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(u"success"), QJsonValue(true));
    const QJsonObject data = r.json().value(u"data").toObject();
    QCOMPARE(data.value(u"total_clients").toInt(), 6);
    QCOMPARE(data.value(u"active_clients").toInt(), 5);
    QCOMPARE(data.value(u"expired_clients").toInt(), 1);
    QCOMPARE(data.value(u"max_size").toInt(), 100);
    QCOMPARE(data.value(u"ttl").toInt(), 3600);
    QCOMPARE(
        jsonAt(data, QStringLiteral("entries.price")).toInt(), trading()->cacheEntryCount(QStringLiteral("price")));
    QCOMPARE(jsonAt(data, QStringLiteral("entries.price")).toInt(), 12);
    QCOMPARE(jsonAt(data, QStringLiteral("entries.exchange")).toInt(), 6);
    QCOMPARE(jsonAt(data, QStringLiteral("by_exchange.binance.price")).toInt(), 5);
}

void TestDemoBackend::cacheClear_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("priceLeft");
    QTest::addColumn<int>("exchangeLeft");
    QTest::addColumn<int>("binanceSpotPriceLeft");

    const QString t = QStringLiteral("type");
    const QString e = QStringLiteral("exchange");
    const QString m = QStringLiteral("market_type");
    QTest::newRow("price, everywhere") << QJsonObject { { t, QStringLiteral("price") } } << 200 << 0 << 6 << 0;
    QTest::newRow("price, one exchange") << QJsonObject { { t, QStringLiteral("price") },
        { e, QStringLiteral("binance") } }
                                         << 200 << 7 << 6 << 0;
    QTest::newRow("price, one exchange and market") << QJsonObject { { t, QStringLiteral("price") },
        { e, QStringLiteral("binance") }, { m, QStringLiteral("futures") } }
                                                    << 200 << 10 << 6 << 3;
    QTest::newRow("price, one market everywhere")
        << QJsonObject { { t, QStringLiteral("price") }, { m, QStringLiteral("futures") } } << 200 << 8 << 6 << 3;
    QTest::newRow("exchange clients, one exchange")
        << QJsonObject { { t, QStringLiteral("exchange") }, { e, QStringLiteral("upbit") } } << 200 << 12 << 5 << 3;
    QTest::newRow("all") << QJsonObject { { t, QStringLiteral("all") } } << 200 << 0 << 0 << 0;
    QTest::newRow("all, one exchange") << QJsonObject { { t, QStringLiteral("all") }, { e, QStringLiteral("bybit") } }
                                       << 200 << 9 << 4 << 3;
    QTest::newRow("null filters") << QJsonObject { { t, QStringLiteral("exchange") }, { e, QJsonValue::Null } } << 200
                                  << 12 << 0 << 3;
    QTest::newRow("unknown exchange clears nothing")
        << QJsonObject { { t, QStringLiteral("all") }, { e, QStringLiteral("kraken") } } << 200 << 12 << 6 << 3;
    QTest::newRow("unknown type") << QJsonObject { { t, QStringLiteral("orders") } } << 400 << 12 << 6 << 3;
    QTest::newRow("missing type") << QJsonObject { { e, QStringLiteral("binance") } } << 400 << 12 << 6 << 3;
    QTest::newRow("exchange not a string")
        << QJsonObject { { t, QStringLiteral("all") }, { e, 3 } } << 400 << 12 << 6 << 3;
}

void TestDemoBackend::cacheClear()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(int, priceLeft);
    QFETCH(int, exchangeLeft);
    QFETCH(int, binanceSpotPriceLeft);

    const Response r = admin("POST", QStringLiteral("/api/system/cache-clear"), body);
    QCOMPARE(r.status, status);
    QCOMPARE(r.json().value(u"success"), QJsonValue(status == 200));
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price")), priceLeft);
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("exchange")), exchangeLeft);
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price"), QStringLiteral("binance"), QStringLiteral("spot")),
        binanceSpotPriceLeft);
    if (status != 200)
        return;
    QCOMPARE(jsonAt(r.json(), QStringLiteral("data.cleared.price")).toInt(), 12 - priceLeft);
    QCOMPARE(jsonAt(r.json(), QStringLiteral("data.cleared.exchange")).toInt(), 6 - exchangeLeft);
    QCOMPARE(jsonAt(r.json(), QStringLiteral("data.remaining.price")).toInt(), priceLeft);
    QVERIFY(r.json().value(u"message").toString().contains(QStringLiteral("초기화되었습니다")));

    const QJsonObject stats = admin("GET", QStringLiteral("/api/system/cache-stats")).json();
    QCOMPARE(jsonAt(stats, QStringLiteral("data.entries.price")).toInt(), priceLeft);
    QCOMPARE(jsonAt(stats, QStringLiteral("data.total_clients")).toInt(), exchangeLeft);

    trading()->resetCaches();
    QCOMPARE(trading()->cacheEntryCount(QString()), 18);
}

void TestDemoBackend::testTelegram()
{
    const QString path = QStringLiteral("/api/system/test-telegram");
    Response r = admin("POST", path);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(u"message").toString(), QStringLiteral("텔레그램 테스트 메시지가 전송되었습니다"));
    QCOMPARE(trading()->telegramTestCount(), 1);

    trading()->setTelegramFailing(true);
    r = admin("POST", path);
    QCOMPARE(r.status, 500);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QCOMPARE(trading()->telegramTestCount(), 1);
    QCOMPARE(trading()->actionCount(path), 1);
}

void TestDemoBackend::exchangeMetadata()
{
    const Response r = admin("GET", QStringLiteral("/api/system/exchange-metadata"));
    QCOMPARE(r.status, 200);
    const QJsonArray exchanges = jsonAt(r.json(), QStringLiteral("data.exchanges")).toArray();
    QCOMPARE(exchanges.size(), 4);
    QCOMPARE(exchanges.at(0).toObject().value(u"id").toString(), QStringLiteral("binance"));
    QCOMPARE(exchanges.at(0).toObject().value(u"markets").toArray().size(), 2);
}

void TestDemoBackend::koreanMessageRoundTrip()
{
    trading()->stopScheduler();
    const Response r = admin("POST", QStringLiteral("/api/system/scheduler-control"),
        { { QStringLiteral("action"), QStringLiteral("start") } });
    const QString expected = QStringLiteral("스케줄러가 시작되었습니다");
    QCOMPARE(r.contentType, QByteArray("application/json; charset=utf-8"));
    QVERIFY(r.body.contains(expected.toUtf8())); // raw UTF-8, not \u escapes
    QVERIFY(!r.body.contains("\\u"));
    QCOMPARE(r.json().value(u"message").toString(), expected);
    QCOMPARE(expected.size(), 13);
}

void TestDemoBackend::adminBadBody_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("bodyStart");
    QTest::newRow("html") << "html" << 200 << QByteArray("text/html") << QByteArray("<html>");
    QTest::newRow("empty") << "empty" << 200 << QByteArray("application/json; charset=utf-8") << QByteArray();
    QTest::newRow("invalid json") << "invalid_json" << 200 << QByteArray("application/json; charset=utf-8")
                                  << QByteArray("{\"success\": tru");
    QTest::newRow("stack trace") << "stack_trace" << 500 << QByteArray("text/plain; charset=utf-8")
                                 << QByteArray("Traceback (most recent call last):");
}

void TestDemoBackend::adminBadBody()
{
    QFETCH(QString, mode);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, bodyStart);

    const Response set = send("POST", url(QStringLiteral("portal"), QStringLiteral("/_demo/fault")),
        json({ { QStringLiteral("service"), QStringLiteral("trading-api") },
            { QStringLiteral("admin_bad_body"), mode } }));
    QCOMPARE(set.status, 200);
    QCOMPARE(jsonAt(set.json(), QStringLiteral("state.admin_bad_body")).toString(), mode);

    const Response r = admin("POST", QStringLiteral("/api/system/trigger-job"),
        { { QStringLiteral("job_type"), QStringLiteral("daily_summary") } });
    QCOMPARE(r.status, status);
    QCOMPARE(r.contentType, contentType);
    QVERIFY2(r.body.startsWith(bodyStart), r.body.constData());
    QVERIFY(bodyStart.isEmpty() || !r.body.isEmpty());
    // The action did not run.
    QCOMPARE(trading()->manualRunCount(QStringLiteral("daily_summary")), 0);
    QCOMPARE(trading()->actionCount(QStringLiteral("/api/system/trigger-job")), 0);
    // Auth is still checked first.
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/api/system/cache-stats")).status, 401);

    trading()->setAdminBadBody(hd::DemoTradingApi::BadBody::None);
    QCOMPARE(admin("POST", QStringLiteral("/api/system/trigger-job"),
                 { { QStringLiteral("job_type"), QStringLiteral("daily_summary") } })
                 .status,
        200);
    QCOMPARE(trading()->manualRunCount(QStringLiteral("daily_summary")), 1);
}

void TestDemoBackend::latencyDoesNotBlock()
{
    hd::DemoService* portal = m_backend->portal();
    portal->setLatency(400);
    QCOMPARE(portal->latency(), 400);

    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, &ticker, [&ticks] { ++ticks; });
    ticker.start(20);

    QElapsedTimer clock;
    clock.start();
    QList<QNetworkReply*> replies;
    for (int i = 0; i < 2; ++i)
        replies.append(m_nam->get(QNetworkRequest(url(QStringLiteral("portal"), QStringLiteral("/health/ready")))));
    QList<qint64> finishedAt;
    QObject scope; // ends the connections before finishedAt goes, whichever way this test leaves
    for (QNetworkReply* reply : replies) {
        connect(reply, &QNetworkReply::finished, &scope, [&finishedAt, &clock] { finishedAt.append(clock.elapsed()); });
    }
    QTRY_COMPARE_WITH_TIMEOUT(portal->pendingResponses(), 2, 5000);
    // The control route answers at once even while the two requests wait.
    const Response state = get(QStringLiteral("portal"), QStringLiteral("/_demo/state"));
    QVERIFY2(state.elapsedMs < 300, qPrintable(QString::number(state.elapsedMs)));
    QCOMPARE(jsonAt(state.json(), QStringLiteral("faults.latency_ms")).toInt(), 400);

    QTRY_COMPARE_WITH_TIMEOUT(finishedAt.size(), 2, 5000);
    for (QNetworkReply* reply : std::as_const(replies)) {
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(
            QJsonDocument::fromJson(reply->readAll()).object().value(u"status").toString(), QStringLiteral("ready"));
        reply->deleteLater();
    }
    QVERIFY2(finishedAt.at(0) >= 400 && finishedAt.at(1) >= 400, qPrintable(QString::number(finishedAt.at(0))));
    QVERIFY2(finishedAt.at(1) < 750, qPrintable(QString::number(finishedAt.at(1)))); // in parallel, not 2 x 400
    QVERIFY2(ticks >= 10, qPrintable(QString::number(ticks))); // the event loop kept running
    QCOMPARE(portal->pendingResponses(), 0);

    portal->setLatency(0);
    QVERIFY(get(QStringLiteral("portal"), QStringLiteral("/health/ready")).elapsedMs < 300);
}

void TestDemoBackend::adminDelayRunsActionOnceEvenWhenClientTimesOut()
{
    trading()->setAdminDelay(400);
    QCOMPARE(trading()->adminDelay(), 400);
    QVERIFY(get(QStringLiteral("trading-api"), QStringLiteral("/health")).elapsedMs < 300); // health is not delayed

    const Response slow = admin("GET", QStringLiteral("/api/system/cache-stats"));
    QCOMPARE(slow.status, 200);
    QVERIFY2(slow.elapsedMs >= 400, qPrintable(QString::number(slow.elapsedMs)));

    // The client gives up first; the job ran anyway, exactly once.
    const Response timedOut
        = send("POST", url(QStringLiteral("trading-api"), QStringLiteral("/api/system/trigger-job")),
            R"({"job_type":"calculate_pnl"})", { { "Authorization", "Bearer demo-token" } }, 150);
    QVERIFY2(isTimeout(timedOut.error), qPrintable(QString::number(timedOut.error)));
    QCOMPARE(trading()->manualRunCount(QStringLiteral("calculate_pnl")), 1);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/trigger-job")).size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(trading()->pendingResponses(), 0, 5000);
    QCOMPARE(trading()->manualRunCount(QStringLiteral("calculate_pnl")), 1);
}

void TestDemoBackend::hangUntilClientTimeout()
{
    hd::DemoService* analytics = m_backend->analytics();
    analytics->setHang(true);
    QSignalSpy logged(analytics, &hd::DemoService::requestLogged);
    const Response hung = get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/"), {}, 300);
    QVERIFY2(isTimeout(hung.error), qPrintable(QString::number(hung.error)));
    // The client's transfer timeout runs on a coarse timer, which may fire up to 5% early.
    QVERIFY2(hung.elapsedMs >= 280, qPrintable(QString::number(hung.elapsedMs)));
    QCOMPARE(hung.status, 0);
    QCOMPARE(logged.size(), 1); // it arrived; it was just never answered
    QTRY_COMPARE_WITH_TIMEOUT(analytics->pendingResponses(), 0, 5000);

    analytics->setHang(false);
    QCOMPARE(get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/")).status, 200);
}

void TestDemoBackend::startupDelay()
{
    hd::DemoService* portal = m_backend->portal();
    QElapsedTimer clock;
    clock.start();
    portal->setStartupDelay(600);
    trading()->setStartupDelay(600);
    QVERIFY(portal->isStarting());

    Response r = get(QStringLiteral("portal"), QStringLiteral("/health/startup"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(u"status").toString(), QStringLiteral("starting"));
    QCOMPARE(jsonAt(r.json(), QStringLiteral("checks.migrations")), QJsonValue(false));
    r = get(QStringLiteral("portal"), QStringLiteral("/health/ready"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(u"status").toString(), QStringLiteral("starting"));
    QCOMPARE(get(QStringLiteral("portal"), QStringLiteral("/health/ping")).status, 200);
    r = get(QStringLiteral("trading-api"), QStringLiteral("/health/ready"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(u"status").toString(), QStringLiteral("not_ready"));
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/health")).json().value(u"status").toString(),
        QStringLiteral("starting"));

    QTRY_COMPARE_WITH_TIMEOUT(get(QStringLiteral("portal"), QStringLiteral("/health/startup")).status, 200, 5000);
    QVERIFY2(clock.elapsed() >= 600, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(get(QStringLiteral("portal"), QStringLiteral("/health/startup")).json().value(u"status").toString(),
        QStringLiteral("started"));
    QCOMPARE(get(QStringLiteral("portal"), QStringLiteral("/health/ready")).status, 200);
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/health/ready")).status, 200);
    QVERIFY(!portal->isStarting());
}

void TestDemoBackend::startupDelayBeforeStart()
{
    hd::DemoBackend backend;
    backend.analytics()->setStartupDelay(500);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(backend.start());
    const QUrl health = backend.baseUrl(QStringLiteral("analytics")).resolved(QUrl(QStringLiteral("/healthcheck/")));
    const Response r = send("GET", health);
    QCOMPARE(r.status, 500);
    QVERIFY(r.json().value(u"error").toString().contains(QStringLiteral("starting")));
    QTRY_COMPARE_WITH_TIMEOUT(send("GET", health).status, 200, 5000);
    QVERIFY(clock.elapsed() >= 500);
}

void TestDemoBackend::downAndUp()
{
    hd::DemoService* portal = m_backend->portal();
    const quint16 port = portal->port();
    QSignalSpy changed(portal, &hd::DemoService::stateChanged);
    QVERIFY(portal->setDown(true));
    QVERIFY(portal->isDown());
    QVERIFY(!portal->isListening());
    QCOMPARE(changed.size(), 1);
    const Response refused = get(QStringLiteral("portal"), QStringLiteral("/health/ping"));
    QCOMPARE(refused.error, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/")).status, 200); // the others stay up

    QVERIFY(portal->setDown(false));
    QVERIFY(portal->isListening());
    QCOMPARE(portal->port(), port);
    QCOMPARE(get(QStringLiteral("portal"), QStringLiteral("/health/ping")).body, QByteArray("ok"));
}

void TestDemoBackend::downClosesHungConnections()
{
    hd::DemoService* portal = m_backend->portal();
    portal->setHang(true);
    QNetworkRequest request(url(QStringLiteral("portal"), QStringLiteral("/health/ready")));
    request.setTransferTimeout(10'000);
    QNetworkReply* reply = m_nam->get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QTRY_COMPARE_WITH_TIMEOUT(portal->pendingResponses(), 1, 5000);

    QElapsedTimer clock;
    clock.start();
    QVERIFY(portal->setDown(true));
    QVERIFY(finished.wait(5000));
    QVERIFY(clock.elapsed() < 5000);
    QVERIFY(reply->error() != QNetworkReply::NoError);
    reply->deleteLater();
    QTRY_COMPARE_WITH_TIMEOUT(portal->pendingResponses(), 0, 5000);
}

void TestDemoBackend::controlRoutes()
{
    const QUrl fault = url(QStringLiteral("analytics"), QStringLiteral("/_demo/fault"));
    Response r = send("POST", fault, R"({"database_down":true,"latency_ms":150,"admin_delay_ms":20})");
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonAt(r.json(), QStringLiteral("faults.database_down")), QJsonValue(true));
    hd::DemoService* analytics = m_backend->analytics();
    QVERIFY(analytics->isDatabaseDown());
    QCOMPARE(analytics->latency(), 150);
    QCOMPARE(analytics->adminDelay(), 20);

    const Response health = get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/"));
    QCOMPARE(health.status, 500);
    QVERIFY(health.elapsedMs >= 150);

    const QJsonObject state = get(QStringLiteral("analytics"), QStringLiteral("/_demo/state")).json();
    QCOMPARE(state.value(u"service").toString(), QStringLiteral("analytics"));
    QCOMPARE(state.value(u"base_url").toString(), m_backend->baseUrl(QStringLiteral("analytics")).toString());
    QCOMPARE(jsonAt(state, QStringLiteral("faults.latency_ms")).toInt(), 150);
    QCOMPARE(state.value(u"requests").toInt(), 1);
    QCOMPARE(state, analytics->state());

    r = send("POST", fault, R"({"hang":true,"startup_delay_ms":10000})");
    QVERIFY(analytics->isHanging());
    QVERIFY(analytics->isStarting());
    r = send("POST", fault, R"({"reset":true})");
    QCOMPARE(r.status, 200);
    QVERIFY(!analytics->isDatabaseDown());
    QVERIFY(!analytics->isHanging());
    QVERIFY(!analytics->isStarting());
    QCOMPARE(analytics->latency(), 0);
    QCOMPARE(get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/")).status, 200);
}

void TestDemoBackend::controlRoutesDriveSiblingsAndSelf()
{
    // A service that is down cannot hear its own control route; a sibling relays it.
    const QUrl tradingFault = url(QStringLiteral("trading-api"), QStringLiteral("/_demo/fault"));
    Response r = send("POST", tradingFault, R"({"service":"portal","down":true})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(u"service").toString(), QStringLiteral("portal"));
    QVERIFY(m_backend->portal()->isDown());
    QCOMPARE(
        get(QStringLiteral("portal"), QStringLiteral("/health/ping")).error, QNetworkReply::ConnectionRefusedError);
    const QJsonObject portalState
        = send("GET", url(QStringLiteral("trading-api"), QStringLiteral("/_demo/state?service=portal"))).json();
    QCOMPARE(jsonAt(portalState, QStringLiteral("faults.down")), QJsonValue(true));

    r = send("POST", tradingFault, R"({"service":"portal","down":false})");
    QCOMPARE(r.status, 200);
    QCOMPARE(get(QStringLiteral("portal"), QStringLiteral("/health/ping")).body, QByteArray("ok"));

    // Taking itself down still answers first.
    r = send("POST", url(QStringLiteral("analytics"), QStringLiteral("/_demo/fault")), R"({"down":true})");
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonAt(r.json(), QStringLiteral("faults.down")), QJsonValue(true));
    QTRY_VERIFY(m_backend->analytics()->isDown());
    QCOMPARE(
        get(QStringLiteral("analytics"), QStringLiteral("/healthcheck/")).error, QNetworkReply::ConnectionRefusedError);

    r = send("POST", tradingFault, R"({"service":"nope"})");
    QCOMPARE(r.status, 404);
}

void TestDemoBackend::controlRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << QByteArray("database_down=true") << "JSON";
    QTest::newRow("array") << QByteArray("[]") << "JSON";
    QTest::newRow("unknown key") << QByteArray(R"({"database_down":true,"explode":true})") << "explode";
    QTest::newRow("bool as string") << QByteArray(R"({"hang":"yes"})") << "hang";
    QTest::newRow("negative latency") << QByteArray(R"({"latency_ms":-5})") << "latency_ms";
    QTest::newRow("trading key on portal") << QByteArray(R"({"expire_sessions":true})") << "expire_sessions";
    QTest::newRow("trading key, wrong type")
        << QByteArray(R"({"service":"trading-api","hang":true,"expire_sessions":"yes"})") << "expire_sessions";
    QTest::newRow("unknown bad body") << QByteArray(R"({"service":"trading-api","hang":true,"admin_bad_body":"xml"})")
                                      << "admin_bad_body";
}

void TestDemoBackend::controlRejectsBadInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    const Response r = send("POST", url(QStringLiteral("portal"), QStringLiteral("/_demo/fault")), body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(u"success"), QJsonValue(false));
    QVERIFY2(
        r.json().value(u"message").toString().contains(mentions), qPrintable(r.json().value(u"message").toString()));
    // Nothing was applied, not even the valid part.
    QVERIFY(!m_backend->portal()->isDatabaseDown());
    QVERIFY(!m_backend->portal()->isHanging());
    QVERIFY(!trading()->isHanging());
    QCOMPARE(trading()->adminBadBody(), hd::DemoTradingApi::BadBody::None);
}

void TestDemoBackend::tradingControlKeys()
{
    QCOMPARE(post(QStringLiteral("trading-api"), QStringLiteral("/login"),
                 R"({"username":"admin","password":"demo-password"})")
                 .status,
        200);
    QCOMPARE(trading()->sessionCount(), 1);
    const QUrl fault = url(QStringLiteral("portal"), QStringLiteral("/_demo/fault"));
    const Response r = send("POST", fault,
        R"({"service":"trading-api","expire_sessions":true,"scheduler_running":false,"telegram_failing":true})");
    QCOMPARE(r.status, 200);
    QCOMPARE(trading()->sessionCount(), 0);
    QVERIFY(!trading()->isSchedulerRunning());
    QCOMPARE(jsonAt(r.json(), QStringLiteral("state.scheduler_running")), QJsonValue(false));
    QCOMPARE(jsonAt(r.json(), QStringLiteral("state.telegram_failing")), QJsonValue(true));
    QCOMPARE(get(QStringLiteral("trading-api"), QStringLiteral("/api/system/cache-stats")).status, 401);

    admin("POST", QStringLiteral("/api/system/cache-clear"), { { QStringLiteral("type"), QStringLiteral("all") } });
    QCOMPARE(trading()->cacheEntryCount(QString()), 0);
    send("POST", fault, R"({"service":"trading-api","reset_caches":true,"scheduler_running":true})");
    QCOMPARE(trading()->cacheEntryCount(QString()), 18);
    QVERIFY(trading()->isSchedulerRunning());
    send("POST", fault, R"({"service":"trading-api","reset":true,"admin_bad_body":"html"})");
    QCOMPARE(trading()->adminBadBody(), hd::DemoTradingApi::BadBody::Html); // reset first, then the rest
    m_backend->resetFaults();
    QCOMPARE(trading()->adminBadBody(), hd::DemoTradingApi::BadBody::None);
    QVERIFY(!jsonAt(trading()->state(), QStringLiteral("state.telegram_failing")).toBool());
    const QJsonObject state = trading()->state().value(u"state").toObject();
    QCOMPARE(state.value(u"actions").toObject().value(u"/api/system/cache-clear").toInt(), 1);
}

void TestDemoBackend::requestLog()
{
    QSignalSpy logged(trading(), &hd::DemoService::requestLogged);
    const Response r = get(QStringLiteral("trading-api"), QStringLiteral("/health?verbose=1"),
        { { "X-Probe", "healthdeck" }, { "Authorization", "Bearer demo-token" } });
    QCOMPARE(r.status, 200);
    QCOMPARE(logged.size(), 1);

    const QList<hd::DemoRequest> log = trading()->requests();
    QCOMPARE(log.size(), 1);
    const hd::DemoRequest& entry = log.first();
    QCOMPARE(entry.method, QByteArray("GET"));
    QCOMPARE(entry.path, QStringLiteral("/health"));
    QCOMPARE(entry.query, QStringLiteral("verbose=1"));
    QCOMPARE(entry.credential, QStringLiteral("bearer"));
    QVERIFY(qAbs(entry.time.msecsTo(QDateTime::currentDateTimeUtc())) < 5000);
    QCOMPARE(entry.time.timeSpec(), Qt::UTC);
    bool sawProbe = false;
    bool sawAuthorization = false;
    for (const auto& [name, value] : entry.headers) {
        if (name.compare("x-probe", Qt::CaseInsensitive) == 0) {
            QCOMPARE(value, QByteArray("healthdeck"));
            sawProbe = true;
        }
        if (name.compare("authorization", Qt::CaseInsensitive) == 0) {
            QCOMPARE(value, QByteArray("<redacted>"));
            sawAuthorization = true;
        }
    }
    QVERIFY(sawProbe);
    QVERIFY(sawAuthorization);
    QVERIFY(!QJsonDocument(entry.toJson()).toJson().contains("demo-token"));
    QCOMPARE(logged.first().first().value<hd::DemoRequest>().path, QStringLiteral("/health"));

    // Control routes stay out of the log; 404s are in it.
    get(QStringLiteral("trading-api"), QStringLiteral("/_demo/state"));
    get(QStringLiteral("trading-api"), QStringLiteral("/missing"));
    QCOMPARE(trading()->requests().size(), 2);
    QCOMPARE(trading()->requests(QStringLiteral("/missing")).size(), 1);
    QCOMPARE(m_backend->portal()->requests().size(), 0); // one log per service

    trading()->clearRequests();
    QVERIFY(trading()->requests().isEmpty());
}

void TestDemoBackend::requestLogRedactsLoginBodies_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::newRow("json") << QByteArray("application/json")
                          << QByteArray(R"({"username":"admin","password":"demo-password"})") << 200;
    QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded")
                          << QByteArray("username=admin&password=demo-password") << 200;
    QTest::newRow("json, wrong password")
        << QByteArray("application/json") << QByteArray(R"({"username":"admin","password":"demo-passwort"})") << 401;
}

void TestDemoBackend::requestLogRedactsLoginBodies()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QCOMPARE(
        post(QStringLiteral("trading-api"), QStringLiteral("/login"), body, { { "Content-Type", contentType } }).status,
        status);
    const QList<hd::DemoRequest> log = trading()->requests(QStringLiteral("/login"));
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().method, QByteArray("POST"));
    QVERIFY2(log.first().body.contains("admin"), log.first().body.constData());
    QVERIFY2(!log.first().body.contains("demo-passw"), log.first().body.constData());
    QVERIFY(log.first().body.contains("redacted"));
}

void TestDemoBackend::requestLogOverHttp()
{
    post(QStringLiteral("portal"), QStringLiteral("/health/ready"), R"({"probe":1})");
    get(QStringLiteral("portal"), QStringLiteral("/health/ping"), { { "Cookie", "session=s3cr3tsess10n" } });

    const QUrl requests = url(QStringLiteral("portal"), QStringLiteral("/_demo/requests"));
    const QJsonObject body = send("GET", requests).json();
    QCOMPARE(body.value(u"service").toString(), QStringLiteral("portal"));
    const QJsonArray entries = body.value(u"requests").toArray();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(jsonAt(entries, QStringLiteral("0.method")).toString(), QStringLiteral("POST"));
    QCOMPARE(jsonAt(entries, QStringLiteral("0.path")).toString(), QStringLiteral("/health/ready"));
    QCOMPARE(jsonAt(entries, QStringLiteral("0.body")).toString(), QStringLiteral(R"({"probe":1})"));
    QCOMPARE(jsonAt(entries, QStringLiteral("1.credential")).toString(), QStringLiteral("session"));
    QVERIFY(!QJsonDocument(entries).toJson().contains("s3cr3tsess10n"));
    QCOMPARE(entries.at(0).toObject(), m_backend->portal()->requests().at(0).toJson());

    const QJsonObject viaSibling
        = send("GET", url(QStringLiteral("analytics"), QStringLiteral("/_demo/requests?service=portal"))).json();
    QCOMPARE(viaSibling.value(u"requests").toArray().size(), 2);

    QCOMPARE(send("DELETE", requests).status, 200);
    QVERIFY(m_backend->portal()->requests().isEmpty());
    QCOMPARE(send("GET", requests).json().value(u"requests").toArray().size(), 0);
}

void TestDemoBackend::bundledConfigLoadsAndAnswers()
{
    // What `healthdeck demo` ships and loads: resources/demo/healthdeck-demo.yaml, pointed at a backend of its own.
    hd::DemoEnvironment environment;
    QVERIFY2(environment.start(), qPrintable(environment.errorString()));
    const hd::ConfigLoadResult result = hd::loadConfigFile(environment.configPath());
    QVERIFY2(result.ok(), qPrintable(result.errorText()));
    const hd::Config& config = *result.config;
    QStringList names;
    for (const hd::ServiceConfig& service : config.services)
        names.append(service.name);
    for (const char16_t* name : { u"redis", u"database", u"trading-api", u"portal", u"analytics" })
        QVERIFY2(names.contains(QString::fromUtf16(name)), qPrintable(names.join(u", ")));
    hd::DemoBackend* backend = environment.backend();
    const hd::ServiceConfig* tradingService = config.service(QStringLiteral("trading-api"));
    QVERIFY(tradingService);
    QVERIFY(tradingService->dependsOn.contains(QStringLiteral("database")));
    const hd::AdminServiceConfig adminConfig = config.admin.value(QStringLiteral("trading-api"));
    QCOMPARE(adminConfig.baseUrl, backend->baseUrl(QStringLiteral("trading-api")));
    QCOMPARE(adminConfig.preset, QStringLiteral("trading-system"));
    QCOMPARE(adminConfig.loginPassword, backend->tradingApi()->password());
    if (environment.redis())
        QCOMPARE(config.redis.value(QStringLiteral("main")).port, environment.redis()->port());

    // Every HTTP check in it reaches the demo's own backend, and a healthy one answers 200.
    QList<int> ports;
    for (const QUrl& base : backend->baseUrls())
        ports.append(base.port());
    int httpChecks = 0;
    for (const hd::CheckConfig& check : config.allChecks()) {
        if (check.kind != hd::ProbeKind::Http)
            continue;
        ++httpChecks;
        QCOMPARE(check.http.url.host(), QStringLiteral("127.0.0.1"));
        QVERIFY2(ports.contains(check.http.url.port()), qPrintable(check.key() + u' ' + check.http.url.toString()));
        const Response r = send("GET", check.http.url);
        QVERIFY2(r.status == 200, qPrintable(check.key() + u' ' + QString::number(r.status)));
    }
    QVERIFY(httpChecks >= 8);
}

QTEST_GUILESS_MAIN(TestDemoBackend)
#include "tst_demobackend.moc"
