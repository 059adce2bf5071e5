// AdminClient against the in-process demo trading backend (seed 004 admin API with real state) and hostile
// servers. Every assertion about what happened is checked in the backend's own state or request log.
#include "admin/adminclient.h"
#include "config/configloader.h"
#include "demo/demobackend.h"
#include "store/historystore.h"
#include "support/hostileserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace hd;
using namespace hdtest;

namespace {

const QString kPassword = QStringLiteral("Adm1n-s3cret-pw");
const QString kToken = QStringLiteral("tok-9f8e7d6c5b4a");
const QString kSchedulerControl = QStringLiteral("/api/system/scheduler-control");
const QString kTriggerJob = QStringLiteral("/api/system/trigger-job");
const QString kCacheClear = QStringLiteral("/api/system/cache-clear");

// The secret store a dashboard would back with the system keychain, kept in memory.
class MemorySecretStore final : public SecretStore {
public:
    QHash<QString, QString> secrets;
    int reads = 0;

    QString name() const override { return QStringLiteral("the test secret store"); }
    void readSecret(const QString& key, QObject* context, ReadDone done) override
    {
        ++reads;
        QTimer::singleShot(0, context, [this, key, done] {
            if (secrets.contains(key))
                done(secrets.value(key), {});
            else
                done({}, u"no entry " + key);
        });
    }
    void writeSecret(const QString& key, const QString& secret, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [this, key, secret, done] {
            secrets.insert(key, secret);
            done({});
        });
    }
    void deleteSecret(const QString& key, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [this, key, done] {
            secrets.remove(key);
            done({});
        });
    }
};

AdminParams params(const QStringList& pairs)
{
    AdminParams p;
    for (const QString& pair : pairs)
        p.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    return p;
}

} // namespace

class TestAdminClient : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void schedulerStopStopsTheScheduler();
    void schedulerStartStartsIt();
    void schedulerRestartRestartsIt();
    void triggerJobRunsTheJob_data();
    void triggerJobRunsTheJob();
    void cacheClearEmptiesWhatItNames_data();
    void cacheClearEmptiesWhatItNames();
    void readActionsReportBackendState();
    void testTelegramSendsOneMessage();
    void backendFailureIsFailure();
    void customActionFromConfig();
    void refusedConfirmationSendsNothing_data();
    void refusedConfirmationSendsNothing();
    void readOnlyRefusesEverything_data();
    void readOnlyRefusesEverything();
    void timeoutIsUnknownAndSentOnce();
    void droppedConnectionIsUnknownAndNotResent();
    void expiredSessionLogsInAgain();
    void wrongPasswordIsAuthFailedAndNothingSent();
    void bearerAndBasic_data();
    void bearerAndBasic();
    void rejectedBearerIsAuthFailed();
    void passwordFromSecretStore();
    void missingPasswordSendsNothing();
    void storeSecret();
    void auditRowsHoldNoSecret();
    void badBackendAnswers_data();
    void badBackendAnswers();
    void hostileBackends_data();
    void hostileBackends();
    void oneActionInFlightPerService();
    void invalidCallsAreAuditedAndNotSent_data();
    void invalidCallsAreAuditedAndNotSent();
    void finishedNeverComesFromInsideRun();

private:
    QByteArray configYaml(const QByteArray& tradingTimeout = "5s", bool readOnly = false) const;
    void useConfig(const QByteArray& yaml);
    AdminResult run(const QString& service, const QString& action, const AdminParams& params = {},
        AdminConfirmation confirmation = AdminConfirmation::Confirmed);
    AdminResult waitForResult(QSignalSpy& spy);
    DemoTradingApi* trading() const { return m_demo.tradingApi(); }
    // The demo's counters run for the whole test case; these count from init().
    int logins() const { return trading()->loginCount() - m_loginsBefore; }
    int failedLogins() const { return trading()->failedLoginCount() - m_failedLoginsBefore; }
    int ran(const QString& path) const { return trading()->actionCount(path) - m_ranBefore.value(path); }
    QList<AuditEntry> auditRows() const { return m_store->audit({}); }

    DemoBackend m_demo;
    int m_loginsBefore = 0;
    int m_failedLoginsBefore = 0;
    QHash<QString, int> m_ranBefore;
    QTemporaryDir m_dir;
    int m_historyFiles = 0;
    QString m_historyPath;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<AdminClient> m_client;
    MemorySecretStore m_secrets;
};

void TestAdminClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
}

void TestAdminClient::init()
{
    m_demo.resetFaults();
    trading()->setAdminDelay(0);
    trading()->setCredentials(QStringLiteral("admin"), kPassword);
    trading()->setBearerToken(kToken);
    trading()->expireSessions();
    trading()->startScheduler();
    trading()->resetCaches();
    trading()->clearRequests();
    m_loginsBefore = trading()->loginCount();
    m_failedLoginsBefore = trading()->failedLoginCount();
    for (const char* path : { "/api/system/scheduler-status", "/api/system/scheduler-control",
             "/api/system/trigger-job", "/api/system/cache-stats", "/api/system/cache-clear",
             "/api/system/test-telegram", "/api/system/exchange-metadata" })
        m_ranBefore.insert(QLatin1String(path), trading()->actionCount(QLatin1String(path)));
    m_secrets.secrets.clear();
    m_secrets.reads = 0;

    HistoryOptions options;
    m_historyPath = m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_historyFiles));
    options.path = m_historyPath;
    m_store = std::make_unique<HistoryStore>(options);
    QVERIFY(m_store->open());
    QVERIFY(!m_store->isDegraded());
    m_client = std::make_unique<AdminClient>();
    m_client->setHistoryStore(m_store.get());
    m_client->setSecretStore(&m_secrets);
    useConfig(configYaml());
}

void TestAdminClient::cleanup()
{
    m_client.reset();
    if (m_store)
        m_store->close();
    m_store.reset();
}

QByteArray TestAdminClient::configYaml(const QByteArray& tradingTimeout, bool readOnly) const
{
    const QByteArray url = m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8();
    return "version: 1\n"
           "services:\n"
           "  - name: trading-api\n"
           "    checks:\n"
           "      - { name: live, http: { url: \""
        + url
        + "/health/live\" } }\n"
          "admin:\n"
        + (readOnly ? QByteArray("  read_only: true\n") : QByteArray())
        + "  trading-api:\n"
          "    preset: trading-system\n"
          "    timeout: "
        + tradingTimeout
        + "\n"
          "    auth:\n"
          "      login: { url: /login, username: admin, password: \"${HD_TEST_ADMIN_PASS}\" }\n"
          "    actions:\n"
          "      - { name: exchange-metadata, method: GET, path: /api/system/exchange-metadata }\n"
          "  trading-bearer:\n"
          "    base_url: \""
        + url
        + "\"\n"
          "    preset: trading-system\n"
          "    auth: { bearer: \"${HD_TEST_ADMIN_TOKEN}\" }\n"
          "  trading-basic:\n"
          "    base_url: \""
        + url
        + "\"\n"
          "    preset: trading-system\n"
          "    auth: { basic: { username: admin, password: \"${HD_TEST_ADMIN_PASS}\" } }\n"
          "  trading-keychain:\n"
          "    base_url: \""
        + url
        + "\"\n"
          "    preset: trading-system\n"
          "    auth:\n"
          "      login: { url: /login, username: admin }\n";
}

void TestAdminClient::useConfig(const QByteArray& yaml)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HD_TEST_ADMIN_PASS"), kPassword);
    env.insert(QStringLiteral("HD_TEST_ADMIN_TOKEN"), kToken);
    const ConfigLoadResult loaded = loadConfigString(yaml, QStringLiteral("admin.yaml"), env);
    QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));
    m_client->setConfig(*loaded.config);
}

AdminResult TestAdminClient::waitForResult(QSignalSpy& spy)
{
    if (spy.isEmpty() && !spy.wait(20'000))
        qWarning("no result");
    return spy.isEmpty() ? AdminResult() : spy.takeFirst().first().value<AdminResult>();
}

AdminResult TestAdminClient::run(
    const QString& service, const QString& action, const AdminParams& params, AdminConfirmation confirmation)
{
    QSignalSpy spy(m_client.get(), &AdminClient::finished);
    const quint64 id = m_client->run(service, action, params, confirmation);
    const AdminResult r = waitForResult(spy);
    if (r.requestId != id)
        qWarning("result of another request");
    return r;
}

void TestAdminClient::schedulerStopStopsTheScheduler()
{
    QVERIFY(trading()->isSchedulerRunning());
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.message, QStringLiteral("스케줄러가 중지되었습니다"));
    QCOMPARE(r.httpStatus, 200);
    QVERIFY(r.sent);
    QVERIFY(r.audited);
    QCOMPARE(r.response.toObject().value(u"data").toObject().value(u"running").toBool(true), false);

    QVERIFY(!trading()->isSchedulerRunning());
    QVERIFY(!trading()->nextRunTime(QStringLiteral("calculate_pnl")).isValid());
    const QList<DemoRequest> sent = trading()->requests(kSchedulerControl);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.first().method, QByteArray("POST"));
    QCOMPARE(QJsonDocument::fromJson(sent.first().body).object(),
        QJsonObject({ { QStringLiteral("action"), QStringLiteral("stop") } }));
    QCOMPARE(sent.first().credential, QStringLiteral("session"));
    QCOMPARE(ran(kSchedulerControl), 1);
    QCOMPARE(logins(), 1);
}

void TestAdminClient::schedulerStartStartsIt()
{
    trading()->stopScheduler();
    const int starts = trading()->schedulerStartCount();
    const AdminResult r
        = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-start"), {}, AdminConfirmation::NotConfirmed);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.message, QStringLiteral("스케줄러가 시작되었습니다"));
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->schedulerStartCount(), starts + 1);
    QVERIFY(trading()->nextRunTime(QStringLiteral("update_orders")).isValid());
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
}

void TestAdminClient::schedulerRestartRestartsIt()
{
    const int starts = trading()->schedulerStartCount();
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-restart"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.message, QStringLiteral("스케줄러가 재시작되었습니다"));
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->schedulerStartCount(), starts + 1);
    const QList<DemoRequest> sent = trading()->requests(kSchedulerControl);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(
        QJsonDocument::fromJson(sent.first().body).object().value(u"action").toString(), QStringLiteral("restart"));
}

void TestAdminClient::triggerJobRunsTheJob_data()
{
    QTest::addColumn<QString>("job");
    for (const QString& job : DemoTradingApi::jobTypes())
        QTest::newRow(qPrintable(job)) << job;
}

void TestAdminClient::triggerJobRunsTheJob()
{
    QFETCH(QString, job);
    QHash<QString, int> before;
    for (const QString& j : DemoTradingApi::jobTypes())
        before.insert(j, trading()->manualRunCount(j));
    const AdminResult r
        = run(QStringLiteral("trading-api"), QStringLiteral("trigger-job"), params({ u"job_type=" + job }));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY2(r.message.endsWith(u"작업이 실행되었습니다"), qPrintable(r.message));
    for (const QString& j : DemoTradingApi::jobTypes())
        QCOMPARE(trading()->manualRunCount(j), before.value(j) + (j == job ? 1 : 0));
    const QList<DemoRequest> sent = trading()->requests(kTriggerJob);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(QJsonDocument::fromJson(sent.first().body).object(), QJsonObject({ { QStringLiteral("job_type"), job } }));
}

void TestAdminClient::cacheClearEmptiesWhatItNames_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("exchange");
    QTest::addColumn<QString>("market");

    QTest::newRow("everything") << "all"
                                << ""
                                << "";
    QTest::newRow("price, every exchange") << "price"
                                           << ""
                                           << "";
    QTest::newRow("price of binance") << "price"
                                      << "binance"
                                      << "";
    QTest::newRow("exchange clients of spot markets") << "exchange"
                                                      << ""
                                                      << "spot";
    QTest::newRow("price of bybit futures") << "price"
                                            << "bybit"
                                            << "futures";
    QTest::newRow("all of upbit") << "all"
                                  << "upbit"
                                  << "";
}

void TestAdminClient::cacheClearEmptiesWhatItNames()
{
    QFETCH(QString, type);
    QFETCH(QString, exchange);
    QFETCH(QString, market);
    const QStringList types { QStringLiteral("price"), QStringLiteral("exchange") };
    const QStringList exchanges { QStringLiteral("binance"), QStringLiteral("bybit"), QStringLiteral("upbit"),
        QStringLiteral("bithumb") };
    const QStringList markets { QStringLiteral("spot"), QStringLiteral("futures") };
    QHash<QString, int> before;
    for (const QString& t : types)
        for (const QString& e : exchanges)
            for (const QString& m : markets)
                before.insert(t + e + m, trading()->cacheEntryCount(t, e, m));
    QVERIFY(trading()->cacheEntryCount(QStringLiteral("price")) > 0);

    QStringList given { u"type=" + type };
    if (!exchange.isEmpty())
        given += u"exchange=" + exchange;
    if (!market.isEmpty())
        given += u"market_type=" + market;
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("cache-clear"), params(given));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY2(r.message.contains(u"초기화되었습니다"), qPrintable(r.message));

    for (const QString& t : types) {
        for (const QString& e : exchanges) {
            for (const QString& m : markets) {
                const bool named = (type == u"all" || type == t) && (exchange.isEmpty() || exchange == e)
                    && (market.isEmpty() || market == m);
                QCOMPARE(trading()->cacheEntryCount(t, e, m), named ? 0 : before.value(t + e + m));
            }
        }
    }
    const QList<DemoRequest> sent = trading()->requests(kCacheClear);
    QCOMPARE(sent.size(), 1);
    const QJsonObject body = QJsonDocument::fromJson(sent.first().body).object();
    QCOMPARE(body.value(u"type").toString(), type);
    QCOMPARE(body.contains(u"exchange"), !exchange.isEmpty()); // optional parameters are left out, not sent empty
    QCOMPARE(body.contains(u"market_type"), !market.isEmpty());
}

void TestAdminClient::readActionsReportBackendState()
{
    trading()->stopScheduler();
    AdminResult r
        = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-status"), {}, AdminConfirmation::NotConfirmed);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.message, QStringLiteral("스케줄러가 중지되어 있습니다"));
    QJsonObject data = r.response.toObject().value(u"data").toObject();
    QCOMPARE(data.value(u"running").toBool(true), false);
    QCOMPARE(data.value(u"jobs").toArray().size(), 4);
    QCOMPARE(ran(QStringLiteral("/api/system/scheduler-status")), 1);

    trading()->startScheduler();
    r = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-status"));
    QCOMPARE(r.response.toObject().value(u"data").toObject().value(u"running").toBool(false), true);

    r = run(QStringLiteral("trading-api"), QStringLiteral("cache-stats"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    data = r.response.toObject().value(u"data").toObject();
    QCOMPARE(
        data.value(u"entries").toObject().value(u"price").toInt(), trading()->cacheEntryCount(QStringLiteral("price")));
    QCOMPARE(data.value(u"total_clients").toInt(), trading()->cacheEntryCount(QStringLiteral("exchange")));
    QCOMPARE(data.value(u"expired_clients").toInt(), 1);
    QCOMPARE(logins(), 1); // the session is kept between actions
}

void TestAdminClient::testTelegramSendsOneMessage()
{
    const int before = trading()->telegramTestCount();
    const AdminResult r
        = run(QStringLiteral("trading-api"), QStringLiteral("test-telegram"), {}, AdminConfirmation::NotConfirmed);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.message, QStringLiteral("텔레그램 테스트 메시지가 전송되었습니다"));
    QCOMPARE(trading()->telegramTestCount(), before + 1);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/test-telegram")).size(), 1);
}

void TestAdminClient::backendFailureIsFailure()
{
    trading()->setTelegramFailing(true);
    const int before = trading()->telegramTestCount();
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("test-telegram"));
    QCOMPARE(r.outcome, AdminOutcome::Failure);
    QCOMPARE(r.httpStatus, 500);
    QCOMPARE(r.message, QStringLiteral("HTTP 500: 텔레그램 메시지 전송에 실패했습니다"));
    QCOMPARE(trading()->telegramTestCount(), before);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/test-telegram")).size(), 1);
    QCOMPARE(auditRows().first().result, QStringLiteral("failure"));
}

void TestAdminClient::customActionFromConfig()
{
    QVERIFY(m_client->action(QStringLiteral("trading-api"), QStringLiteral("exchange-metadata")).has_value());
    const AdminResult r
        = run(QStringLiteral("trading-api"), QStringLiteral("exchange-metadata"), {}, AdminConfirmation::NotConfirmed);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.message, QStringLiteral("거래소 메타데이터를 조회했습니다"));
    QCOMPARE(r.response.toObject().value(u"data").toObject().value(u"exchanges").toArray().size(), 4);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/exchange-metadata")).size(), 1);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/exchange-metadata")).first().method, QByteArray("GET"));
}

void TestAdminClient::refusedConfirmationSendsNothing_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QString>("question");
    QTest::addColumn<bool>("explicitRefusal"); // refuse() as a cancelled dialog calls it, or run() without confirming

    QTest::newRow("stop, not confirmed") << "scheduler-stop" << QStringList() << "Stop the scheduler on trading-api?"
                                         << false;
    QTest::newRow("stop, dialog cancelled") << "scheduler-stop" << QStringList() << "" << true;
    QTest::newRow("restart, not confirmed")
        << "scheduler-restart" << QStringList() << "Restart the scheduler on trading-api?" << false;
    QTest::newRow("trigger-job, not confirmed")
        << "trigger-job" << QStringList { QStringLiteral("job_type=calculate_pnl") }
        << "Run the job calculate_pnl on trading-api now?" << false;
    QTest::newRow("cache-clear, not confirmed")
        << "cache-clear" << QStringList { QStringLiteral("type=all") } << "Clear every cache on trading-api?" << false;
}

void TestAdminClient::refusedConfirmationSendsNothing()
{
    QFETCH(QString, action);
    QFETCH(QStringList, given);
    QFETCH(QString, question);
    QFETCH(bool, explicitRefusal);
    QVERIFY(m_client->needsConfirmation(QStringLiteral("trading-api"), action));
    const int priceEntries = trading()->cacheEntryCount(QStringLiteral("price"));
    const int pnlRuns = trading()->manualRunCount(QStringLiteral("calculate_pnl"));
    const int starts = trading()->schedulerStartCount();

    QSignalSpy spy(m_client.get(), &AdminClient::finished);
    if (explicitRefusal)
        m_client->refuse(
            QStringLiteral("trading-api"), action, params(given), QStringLiteral("cancelled in the dialog"));
    else
        m_client->run(QStringLiteral("trading-api"), action, params(given), AdminConfirmation::NotConfirmed);
    const AdminResult r = waitForResult(spy);
    QCOMPARE(r.outcome, AdminOutcome::Refused);
    QVERIFY(!r.sent);
    if (!question.isEmpty())
        QVERIFY2(r.message.contains(question), qPrintable(r.message));

    QVERIFY(trading()->requests().isEmpty()); // not even a login
    QCOMPARE(logins(), 0);
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->schedulerStartCount(), starts);
    QCOMPARE(trading()->manualRunCount(QStringLiteral("calculate_pnl")), pnlRuns);
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price")), priceEntries);

    const QList<AuditEntry> rows = auditRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().result, QStringLiteral("refused"));
    QCOMPARE(rows.first().action, action);
    QCOMPARE(rows.first().httpStatus, 0);
}

void TestAdminClient::readOnlyRefusesEverything_data()
{
    QTest::addColumn<bool>("fromConfig");
    QTest::newRow("--read-only") << false;
    QTest::newRow("admin: read_only: true") << true;
}

void TestAdminClient::readOnlyRefusesEverything()
{
    QFETCH(bool, fromConfig);
    if (fromConfig)
        useConfig(configYaml("5s", true));
    else
        m_client->setReadOnly(true);
    QVERIFY(m_client->isReadOnly());
    const QList<AdminAction> actions = m_client->actions(QStringLiteral("trading-api"));
    QCOMPARE(actions.size(), 9);
    for (const AdminAction& a : actions) {
        AdminParams p;
        if (a.name == u"trigger-job")
            p = params({ QStringLiteral("job_type=update_orders") });
        else if (a.name == u"cache-clear")
            p = params({ QStringLiteral("type=all") });
        const AdminResult r = run(QStringLiteral("trading-api"), a.name, p);
        QCOMPARE(r.outcome, AdminOutcome::Refused);
        QVERIFY2(r.message.contains(u"read-only"), qPrintable(r.message));
    }
    QVERIFY(trading()->requests().isEmpty());
    QVERIFY(trading()->isSchedulerRunning());
    const QList<AuditEntry> rows = auditRows();
    QCOMPARE(rows.size(), actions.size());
    for (const AuditEntry& row : rows)
        QCOMPARE(row.result, QStringLiteral("refused"));
}

void TestAdminClient::timeoutIsUnknownAndSentOnce()
{
    useConfig(configYaml("300ms"));
    trading()->setAdminDelay(1500); // the backend acts at once and answers late
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"));
    QCOMPARE(r.outcome, AdminOutcome::Unknown);
    QVERIFY2(r.message.startsWith(u"unknown — check before repeating: "), qPrintable(r.message));
    QVERIFY2(r.message.contains(u"300ms"), qPrintable(r.message));
    QVERIFY(r.sent);
    QCOMPARE(r.httpStatus, 0);
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);

    // Let the late answer go out: still the one request, and the action did run, which is why
    // the result could only be "unknown".
    QTRY_COMPARE_WITH_TIMEOUT(trading()->pendingResponses(), 0, 5000);
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QCOMPARE(ran(kSchedulerControl), 1);
    QVERIFY(!trading()->isSchedulerRunning());
    QCOMPARE(auditRows().first().result, QStringLiteral("unknown"));
    QVERIFY(!m_client->isBusy(QStringLiteral("trading-api")));
}

void TestAdminClient::droppedConnectionIsUnknownAndNotResent()
{
    HostileServer server(HostileServer::Mode::Reset);
    QVERIFY(server.listen());
    AdminServiceConfig s;
    s.service = QStringLiteral("fragile");
    s.baseUrl = server.url(QStringLiteral("/"));
    s.preset = QStringLiteral("trading-system");
    m_client->setServices({ { s.service, s } });
    const AdminResult r = run(QStringLiteral("fragile"), QStringLiteral("scheduler-restart"));
    QCOMPARE(r.outcome, AdminOutcome::Unknown);
    QVERIFY2(r.message.startsWith(adminUnknownPrefix()), qPrintable(r.message));
    QVERIFY(r.sent);
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.connectionsAccepted(), 1);
}

void TestAdminClient::expiredSessionLogsInAgain()
{
    QVERIFY(run(QStringLiteral("trading-api"), QStringLiteral("cache-stats")).ok());
    QVERIFY(run(QStringLiteral("trading-api"), QStringLiteral("cache-stats")).ok());
    QCOMPARE(logins(), 1);

    trading()->expireSessions();
    const int before = trading()->manualRunCount(QStringLiteral("daily_summary"));
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("trigger-job"),
        params({ QStringLiteral("job_type=daily_summary") }));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(logins(), 2);
    // The rejected request and the one after the new login reached the backend; only the second ran.
    const QList<DemoRequest> sent = trading()->requests(kTriggerJob);
    QCOMPARE(sent.size(), 2);
    QCOMPARE(ran(kTriggerJob), 1);
    QCOMPARE(trading()->manualRunCount(QStringLiteral("daily_summary")), before + 1);
    QCOMPARE(trading()->requests(QStringLiteral("/login")).size(), 2);
}

void TestAdminClient::wrongPasswordIsAuthFailedAndNothingSent()
{
    trading()->setCredentials(QStringLiteral("admin"), QStringLiteral("a-different-password"));
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"));
    QCOMPARE(r.outcome, AdminOutcome::AuthFailed);
    QVERIFY(!r.sent);
    QVERIFY2(r.message.contains(u"아이디 또는 비밀번호가 올바르지 않습니다"), qPrintable(r.message));
    QVERIFY2(!r.message.contains(kPassword), qPrintable(r.message));
    QCOMPARE(failedLogins(), 1);
    QVERIFY(trading()->requests(kSchedulerControl).isEmpty());
    QCOMPARE(trading()->requests().size(), 1); // the login, nothing else
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(auditRows().first().result, QStringLiteral("auth-failed"));
}

void TestAdminClient::bearerAndBasic_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("credential");
    QTest::newRow("bearer") << "trading-bearer"
                            << "bearer";
    QTest::newRow("basic") << "trading-basic"
                           << "basic";
}

void TestAdminClient::bearerAndBasic()
{
    QFETCH(QString, service);
    QFETCH(QString, credential);
    const AdminResult r = run(service, QStringLiteral("scheduler-stop"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY(!trading()->isSchedulerRunning());
    const QList<DemoRequest> sent = trading()->requests(kSchedulerControl);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.first().credential, credential);
    QVERIFY(trading()->requests(QStringLiteral("/login")).isEmpty());
    QCOMPARE(logins(), 0);
}

void TestAdminClient::rejectedBearerIsAuthFailed()
{
    trading()->setBearerToken(QStringLiteral("another-token"));
    const AdminResult r = run(QStringLiteral("trading-bearer"), QStringLiteral("scheduler-stop"));
    QCOMPARE(r.outcome, AdminOutcome::AuthFailed);
    QVERIFY2(r.message.contains(u"HTTP 401: 로그인이 필요합니다"), qPrintable(r.message));
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1); // rejected, never run, never sent again
    QCOMPARE(ran(kSchedulerControl), 0);
    QVERIFY(trading()->isSchedulerRunning());
}

void TestAdminClient::passwordFromSecretStore()
{
    QVERIFY(m_client->usesStoredSecret(QStringLiteral("trading-keychain")));
    QVERIFY(!m_client->usesStoredSecret(QStringLiteral("trading-api")));
    m_secrets.secrets.insert(QStringLiteral("trading-keychain/password"), kPassword);
    AdminResult r = run(QStringLiteral("trading-keychain"), QStringLiteral("scheduler-stop"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY(!trading()->isSchedulerRunning());
    QCOMPARE(m_secrets.reads, 1);
    // With a live session the store is not asked again.
    r = run(QStringLiteral("trading-keychain"), QStringLiteral("scheduler-start"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(m_secrets.reads, 1);
    QCOMPARE(logins(), 1);
    // A stored password is kept out of the audit like a configured one.
    r = run(QStringLiteral("trading-keychain"), QStringLiteral("cache-clear"),
        params({ QStringLiteral("type=price"), u"exchange=" + kPassword }));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.params.value(u"exchange").toString(), QStringLiteral("[redacted]"));
    QVERIFY(!r.message.contains(kPassword));
    QCOMPARE(auditRows().first().params.value(u"exchange").toString(), QStringLiteral("[redacted]"));
}

void TestAdminClient::missingPasswordSendsNothing()
{
    const AdminResult r = run(QStringLiteral("trading-keychain"), QStringLiteral("scheduler-stop"));
    QCOMPARE(r.outcome, AdminOutcome::AuthFailed);
    QVERIFY2(r.message.contains(u"trading-keychain/password"), qPrintable(r.message));
    QVERIFY(trading()->requests().isEmpty());
    QVERIFY(trading()->isSchedulerRunning());
}

void TestAdminClient::storeSecret()
{
    QSignalSpy stored(m_client.get(), &AdminClient::secretStored);
    m_client->storeSecret(QStringLiteral("trading-keychain"), kPassword);
    QVERIFY(stored.wait());
    QCOMPARE(stored.first().at(0).toString(), QStringLiteral("trading-keychain"));
    QCOMPARE(stored.first().at(1).toBool(), true);
    QCOMPARE(m_secrets.secrets.value(adminSecretKey(QStringLiteral("trading-keychain"))), kPassword);
    QVERIFY(run(QStringLiteral("trading-keychain"), QStringLiteral("cache-stats")).ok());

    m_client->forgetSecret(QStringLiteral("trading-keychain"));
    QVERIFY(stored.wait());
    QVERIFY(m_secrets.secrets.isEmpty());
}

void TestAdminClient::auditRowsHoldNoSecret()
{
    QVERIFY(run(QStringLiteral("trading-api"), QStringLiteral("scheduler-stop")).ok());
    QVERIFY(run(QStringLiteral("trading-basic"), QStringLiteral("cache-stats")).ok());
    QVERIFY(run(QStringLiteral("trading-bearer"), QStringLiteral("trigger-job"),
        params({ QStringLiteral("job_type=update_orders") }))
                .ok());
    // A parameter that happens to carry the password is masked too.
    const AdminResult carried = run(QStringLiteral("trading-api"), QStringLiteral("cache-clear"),
        params({ QStringLiteral("type=price"), u"exchange=" + kPassword }));
    QVERIFY2(carried.ok(), qPrintable(carried.message));
    QCOMPARE(carried.params.value(u"exchange").toString(), QStringLiteral("[redacted]"));
    trading()->setCredentials(QStringLiteral("admin"), QStringLiteral("changed"));
    m_client->forgetSession(QStringLiteral("trading-api"));
    QCOMPARE(run(QStringLiteral("trading-api"), QStringLiteral("scheduler-start")).outcome, AdminOutcome::AuthFailed);
    QCOMPARE(
        run(QStringLiteral("trading-api"), QStringLiteral("scheduler-restart"), {}, AdminConfirmation::NotConfirmed)
            .outcome,
        AdminOutcome::Refused);

    const QList<AuditEntry> rows = auditRows(); // newest first
    QCOMPARE(rows.size(), 6);
    const QStringList results { QStringLiteral("refused"), QStringLiteral("auth-failed"), QStringLiteral("success"),
        QStringLiteral("success"), QStringLiteral("success"), QStringLiteral("success") };
    const QStringList actions { QStringLiteral("scheduler-restart"), QStringLiteral("scheduler-start"),
        QStringLiteral("cache-clear"), QStringLiteral("trigger-job"), QStringLiteral("cache-stats"),
        QStringLiteral("scheduler-stop") };
    for (int i = 0; i < rows.size(); ++i) {
        const AuditEntry& row = rows.at(i);
        QCOMPARE(row.result, results.at(i));
        QCOMPARE(row.action, actions.at(i));
        QCOMPARE(row.osUser, AdminClient::osUser());
        QVERIFY(!row.osUser.isEmpty());
        QVERIFY(row.timeMs > 0);
        QVERIFY(!row.message.isEmpty());
    }
    QCOMPARE(rows.at(5).service, QStringLiteral("trading-api"));
    QCOMPARE(rows.at(5).httpStatus, 200);
    QCOMPARE(rows.at(5).message, QStringLiteral("스케줄러가 중지되었습니다"));
    QCOMPARE(rows.at(4).service, QStringLiteral("trading-basic"));
    QCOMPARE(rows.at(3).params.value(u"job_type").toString(), QStringLiteral("update_orders"));
    QCOMPARE(rows.at(2).params.value(u"type").toString(), QStringLiteral("price"));
    QCOMPARE(rows.at(1).httpStatus, 0);

    // The database file and its WAL, while the store is open and after the checkpoint at close.
    const QByteArray basic = (u"admin:" + kPassword).toUtf8().toBase64();
    const auto grepFiles = [&] {
        QByteArray bytes;
        for (const QString& suffix : { QString(), QStringLiteral("-wal") }) {
            QFile f(m_historyPath + suffix);
            if (f.open(QIODevice::ReadOnly))
                bytes += f.readAll();
        }
        return bytes;
    };
    for (int pass = 0; pass < 2; ++pass) {
        const QByteArray raw = grepFiles();
        QVERIFY(raw.contains("scheduler-stop")); // the rows are in these bytes, so the grep can fail
        QVERIFY(raw.contains(QStringLiteral("스케줄러가 중지되었습니다").toUtf8()));
        QVERIFY2(!raw.contains(kPassword.toUtf8()), "the password is in the history file");
        QVERIFY2(!raw.contains(kToken.toUtf8()), "the bearer token is in the history file");
        QVERIFY2(!raw.contains(basic), "the basic credentials are in the history file");
        m_store->close();
    }
}

void TestAdminClient::badBackendAnswers_data()
{
    QTest::addColumn<int>("badBody");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("HTML page") << int(DemoTradingApi::BadBody::Html) << int(AdminOutcome::Unknown)
                               << "HTML page (\"502 Bad Gateway\")";
    QTest::newRow("empty body") << int(DemoTradingApi::BadBody::Empty) << int(AdminOutcome::Unknown) << "empty body";
    QTest::newRow("invalid JSON") << int(DemoTradingApi::BadBody::InvalidJson) << int(AdminOutcome::Unknown)
                                  << "not valid JSON";
    QTest::newRow("500 with a stack trace") << int(DemoTradingApi::BadBody::StackTrace) << int(AdminOutcome::Failure)
                                            << "HTTP 500: the backend failed with a stack trace, not JSON: apscheduler";
}

void TestAdminClient::badBackendAnswers()
{
    QFETCH(int, badBody);
    QFETCH(int, outcome);
    QFETCH(QString, phrase);
    trading()->setAdminBadBody(DemoTradingApi::BadBody(badBody));
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"));
    QVERIFY(!r.ok());
    QCOMPARE(adminOutcomeName(r.outcome), adminOutcomeName(AdminOutcome(outcome)));
    QVERIFY2(r.message.contains(phrase), qPrintable(r.message));
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QVERIFY(trading()->isSchedulerRunning()); // the broken route did not run the action
    QCOMPARE(auditRows().first().result, adminOutcomeName(AdminOutcome(outcome)));
}

void TestAdminClient::hostileBackends_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QByteArray>("canned");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("phrase");

    const int canned = int(HostileServer::Mode::Canned);
    QTest::newRow("HTML with 200") << canned
                                   << QByteArray(
                                          "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
                                          "<html><head><title>Sign in</title></head><body><form></form></body></html>")
                                   << int(AdminOutcome::Unknown) << "HTML page (\"Sign in\")";
    QTest::newRow("empty 200") << canned << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                               << int(AdminOutcome::Unknown) << "empty body";
    QTest::newRow("500 with a traceback")
        << canned
        << QByteArray("HTTP/1.1 500 INTERNAL SERVER ERROR\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                      "Traceback (most recent call last):\n  File \"app.py\", line 3, in x\nKeyError: 'job_type'\n")
        << int(AdminOutcome::Failure) << "KeyError: 'job_type'";
    QTest::newRow("invalid JSON") << int(HostileServer::Mode::InvalidJson) << QByteArray() << int(AdminOutcome::Unknown)
                                  << "not valid JSON";
    QTest::newRow("hang") << int(HostileServer::Mode::Hang) << QByteArray() << int(AdminOutcome::Unknown)
                          << "did not answer within 400ms";
}

void TestAdminClient::hostileBackends()
{
    QFETCH(int, mode);
    QFETCH(QByteArray, canned);
    QFETCH(int, outcome);
    QFETCH(QString, phrase);
    HostileServer server { HostileServer::Mode(mode) };
    if (!canned.isEmpty())
        server.setCannedResponse(canned);
    QVERIFY(server.listen());
    AdminServiceConfig s;
    s.service = QStringLiteral("hostile");
    s.baseUrl = server.url(QStringLiteral("/"));
    s.preset = QStringLiteral("trading-system");
    s.timeoutMs = 400;
    m_client->setServices({ { s.service, s } });
    const AdminResult r = run(
        QStringLiteral("hostile"), QStringLiteral("trigger-job"), params({ QStringLiteral("job_type=calculate_pnl") }));
    QVERIFY(!r.ok());
    QCOMPARE(adminOutcomeName(r.outcome), adminOutcomeName(AdminOutcome(outcome)));
    QVERIFY2(r.message.contains(phrase), qPrintable(r.message));
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests().first().path, QByteArray("/api/system/trigger-job"));
}

void TestAdminClient::oneActionInFlightPerService()
{
    trading()->setAdminDelay(600);
    QSignalSpy busy(m_client.get(), &AdminClient::busyChanged);
    QSignalSpy done(m_client.get(), &AdminClient::finished);
    const quint64 first = m_client->run(
        QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"), {}, AdminConfirmation::Confirmed);
    QVERIFY(m_client->isBusy(QStringLiteral("trading-api")));
    QVERIFY(!m_client->isBusy(QStringLiteral("trading-basic")));
    QCOMPARE(busy.size(), 1);
    QCOMPARE(busy.first().at(1).toBool(), true);
    const quint64 second = m_client->run(
        QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"), {}, AdminConfirmation::Confirmed);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 10'000);
    const AdminResult a = done.at(0).first().value<AdminResult>();
    const AdminResult b = done.at(1).first().value<AdminResult>();
    QCOMPARE(a.requestId, second); // the refusal is audited and reported while the first waits
    QCOMPARE(a.outcome, AdminOutcome::Refused);
    QVERIFY2(a.message.contains(u"still waiting"), qPrintable(a.message));
    QCOMPARE(b.requestId, first);
    QVERIFY2(b.ok(), qPrintable(b.message));
    QCOMPARE(busy.size(), 2);
    QCOMPARE(busy.last().at(1).toBool(), false);
    QVERIFY(!m_client->isBusy(QStringLiteral("trading-api")));
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
}

void TestAdminClient::invalidCallsAreAuditedAndNotSent_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("unknown service") << "trading"
                                     << "scheduler-stop" << QStringList()
                                     << QStringList { QStringLiteral("no admin service 'trading'"),
                                            QStringLiteral("trading-api, trading-basic") };
    QTest::newRow("unknown action") << "trading-api"
                                    << "scheduler-pause" << QStringList()
                                    << QStringList { QStringLiteral("unknown action 'scheduler-pause'"),
                                           QStringLiteral("scheduler-status, scheduler-start, scheduler-stop"),
                                           QStringLiteral("exchange-metadata") };
    QTest::newRow("bad job type")
        << "trading-api"
        << "trigger-job" << QStringList { QStringLiteral("job_type=rebalance") }
        << QStringList { QStringLiteral(
               "valid values: update_orders, calculate_pnl, daily_summary, calculate_performance") };
    QTest::newRow("bad cache type") << "trading-api"
                                    << "cache-clear" << QStringList { QStringLiteral("type=disk") }
                                    << QStringList { QStringLiteral("valid values: price, exchange, all") };
    QTest::newRow("unknown parameter") << "trading-api"
                                       << "cache-stats" << QStringList { QStringLiteral("verbose=1") }
                                       << QStringList { QStringLiteral("unknown parameter 'verbose'") };
}

void TestAdminClient::invalidCallsAreAuditedAndNotSent()
{
    QFETCH(QString, service);
    QFETCH(QString, action);
    QFETCH(QStringList, given);
    QFETCH(QStringList, mentions);
    const AdminResult r = run(service, action, params(given));
    QCOMPARE(r.outcome, AdminOutcome::Invalid);
    for (const QString& m : std::as_const(mentions))
        QVERIFY2(r.message.contains(m), qPrintable(r.message + u" lacks " + m));
    QVERIFY(trading()->requests().isEmpty());
    const QList<AuditEntry> rows = auditRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().result, QStringLiteral("invalid"));
    QCOMPARE(rows.first().service, service);
    QCOMPARE(rows.first().action, action);
}

void TestAdminClient::finishedNeverComesFromInsideRun()
{
    QSignalSpy spy(m_client.get(), &AdminClient::finished);
    m_client->run(QStringLiteral("nowhere"), QStringLiteral("x"), {});
    m_client->refuse(QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"), {}, QStringLiteral("cancelled"));
    QCOMPARE(spy.size(), 0);
    QTRY_COMPARE(spy.size(), 2);

    // Without a history store the result says it was not audited.
    m_client->setHistoryStore(nullptr);
    const AdminResult r = run(QStringLiteral("trading-api"), QStringLiteral("cache-stats"));
    QVERIFY(r.ok());
    QVERIFY(!r.audited);
    QVERIFY(!r.auditError.isEmpty());
}

QTEST_GUILESS_MAIN(TestAdminClient)
#include "tst_adminclient.moc"
