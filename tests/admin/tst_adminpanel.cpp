// The admin panel against the in-process demo trading backend, offscreen, driven through its widgets by
// objectName. What the panel sent is checked in the backend's request log and state, never in the panel.
#include "admin/adminclient.h"
#include "admin/adminservice.h"
#include "config/configloader.h"
#include "demo/demobackend.h"
#include "store/historystore.h"
#include "ui/adminpanel.h"
#include "ui/prompts.h"

#include <QComboBox>
#include <QGroupBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace hd;

namespace {

const QString kPassword = QStringLiteral("Panel-adm1n-pw");
const QString kService = QStringLiteral("trading-api");
const QString kSchedulerControl = QStringLiteral("/api/system/scheduler-control");
const QString kTriggerJob = QStringLiteral("/api/system/trigger-job");
const QString kCacheClear = QStringLiteral("/api/system/cache-clear");
const QString kTelegram = QStringLiteral("/api/system/test-telegram");
constexpr int kJobInColumn = 4;

// Stands in for the system keychain. It is called on the admin thread and read by the test's.
class MemorySecretStore final : public SecretStore {
public:
    QString value(const QString& key) const
    {
        const QMutexLocker lock(&m_mutex);
        return m_secrets.value(key);
    }
    void clear()
    {
        const QMutexLocker lock(&m_mutex);
        m_secrets.clear();
    }

    QString name() const override { return QStringLiteral("the test secret store"); }
    void readSecret(const QString& key, QObject* context, ReadDone done) override
    {
        QTimer::singleShot(0, context, [this, key, done] {
            const QString found = value(key);
            done(found, found.isEmpty() ? u"no entry " + key : QString());
        });
    }
    void writeSecret(const QString& key, const QString& secret, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [this, key, secret, done] {
            {
                const QMutexLocker lock(&m_mutex);
                m_secrets.insert(key, secret);
            }
            done({});
        });
    }
    void deleteSecret(const QString& key, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [this, key, done] {
            {
                const QMutexLocker lock(&m_mutex);
                m_secrets.remove(key);
            }
            done({});
        });
    }

private:
    mutable QMutex m_mutex;
    QHash<QString, QString> m_secrets;
};

} // namespace

class TestAdminPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void showsSchedulerJobsAndCacheStats();
    void confirmSendsExactlyOneRequest_data();
    void confirmSendsExactlyOneRequest();
    void cancelSendsNothing_data();
    void cancelSendsNothing();
    void startAndTelegramNeedNoConfirmation();
    void controlsAreDisabledWhileInFlight();
    void timeoutShowsUnknownAndIsNotResent();
    void countdownTicks();
    void customActionWithParameterForm();
    void auditLogShowsTheServicesAttempts();
    void readOnlyHidesAndRefusesEverything();
    void serviceWithoutAdminSection();
    void hiddenPanelReadsOnlyOnceShown();
    void storePasswordInKeychain();

private:
    QByteArray configYaml(const QByteArray& timeout = "5s") const;
    void useConfig(const QByteArray& yaml);
    template <typename T> T* find(const QString& name) const
    {
        return m_panel ? m_panel->findChild<T*>(name) : nullptr;
    }
    QPushButton* button(const QString& name) const { return find<QPushButton>(name); }
    bool waitIdle(int timeoutMs = 10'000);
    QString auditCell(int row, int column) const
    {
        const QTableWidgetItem* item = find<QTableWidget>(QStringLiteral("adminAuditTable"))->item(row, column);
        return item ? item->text() : QString();
    }
    QString message() const { return find<QLabel>(QStringLiteral("adminMessage"))->text(); }
    DemoTradingApi* trading() const { return m_demo.tradingApi(); }

    DemoBackend m_demo;
    QTemporaryDir m_dir;
    int m_files = 0;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<AdminService> m_client;
    std::unique_ptr<AdminPanel> m_panel;
    MemorySecretStore m_secrets;
};

void TestAdminPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
}

void TestAdminPanel::init()
{
    Prompts::setNextConfirmation(std::nullopt);
    m_demo.resetFaults();
    trading()->setAdminDelay(0);
    trading()->setCredentials(QStringLiteral("admin"), kPassword);
    trading()->expireSessions();
    trading()->startScheduler();
    trading()->resetCaches();

    HistoryOptions options;
    options.path = m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_files));
    m_store = std::make_unique<HistoryStore>(options);
    QVERIFY(m_store->open());
    m_client = std::make_unique<AdminService>();
    m_client->setHistoryStore(m_store.get());
    m_secrets.clear();
    m_client->setSecretStore(&m_secrets);
    useConfig(configYaml());
    m_panel = std::make_unique<AdminPanel>(m_client.get(), m_store.get());
    m_panel->resize(1200, 1400);
    m_panel->show();
    m_panel->setService(kService);
    // The panel reads the scheduler status and the cache statistics by itself.
    QVERIFY(waitIdle());
    QCOMPARE(find<QTableWidget>(QStringLiteral("adminJobTable"))->rowCount(), 4);
    trading()->clearRequests();
}

void TestAdminPanel::cleanup()
{
    Prompts::setNextConfirmation(std::nullopt);
    m_panel.reset();
    m_client.reset();
    if (m_store)
        m_store->close();
    m_store.reset();
}

QByteArray TestAdminPanel::configYaml(const QByteArray& timeout) const
{
    const QByteArray url = m_demo.baseUrl(kService).toString().toUtf8();
    return "version: 1\n"
           "services:\n"
           "  - name: trading-api\n"
           "    checks:\n"
           "      - { name: live, http: { url: \""
        + url
        + "/health/live\" } }\n"
          "admin:\n"
          "  trading-api:\n"
          "    preset: trading-system\n"
          "    timeout: "
        + timeout
        + "\n"
          "    auth:\n"
          "      login: { url: /login, username: admin, password: \"${HD_TEST_ADMIN_PASS}\" }\n"
          "    actions:\n"
          "      - { name: exchange-metadata, method: GET, path: /api/system/exchange-metadata }\n"
          "      - name: drop-exchange-clients\n"
          "        method: POST\n"
          "        path: /api/system/cache-clear\n"
          "        body: { type: exchange, exchange: \"{exchange}\", market_type: \"{market}\" }\n"
          "        params: { market: [spot, futures] }\n"
          "        required: [exchange]\n"
          "        confirm: true\n"
          "  trading-keychain:\n"
          "    base_url: \""
        + url
        + "\"\n"
          "    preset: trading-system\n"
          "    auth:\n"
          "      login: { url: /login, username: admin }\n";
}

void TestAdminPanel::useConfig(const QByteArray& yaml)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HD_TEST_ADMIN_PASS"), kPassword);
    const ConfigLoadResult loaded = loadConfigString(yaml, QStringLiteral("admin.yaml"), env);
    QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));
    m_client->setConfig(*loaded.config);
}

bool TestAdminPanel::waitIdle(int timeoutMs)
{
    return QTest::qWaitFor([this] { return !m_panel->isBusy(); }, timeoutMs);
}

void TestAdminPanel::showsSchedulerJobsAndCacheStats()
{
    const auto* state = find<QLabel>(QStringLiteral("adminSchedulerState"));
    QVERIFY2(state->text().contains(u"running"), qPrintable(state->text()));
    const auto* jobs = find<QTableWidget>(QStringLiteral("adminJobTable"));
    QStringList names;
    for (int row = 0; row < jobs->rowCount(); ++row) {
        names += jobs->item(row, 1)->text();
        QVERIFY(!jobs->item(row, 0)->text().isEmpty()); // id
        QVERIFY(!jobs->item(row, 2)->text().isEmpty()); // trigger
        QVERIFY(jobs->item(row, kJobInColumn)->text().startsWith(u"in ")
            || jobs->item(row, kJobInColumn)->text() == u"due");
    }
    QVERIFY2(names.contains(u"미체결 주문 업데이트"), qPrintable(names.join(u", ")));

    // The chooser offers the preset's job types and names them as the backend does.
    const auto* jobType = find<QComboBox>(QStringLiteral("adminJobType"));
    QCOMPARE(jobType->count(), 4);
    QCOMPARE(jobType->itemData(0).toString(), QStringLiteral("update_orders"));
    QVERIFY2(jobType->itemText(0).contains(u"미체결 주문 업데이트"), qPrintable(jobType->itemText(0)));

    QCOMPARE(find<QLabel>(QStringLiteral("adminCacheTotalClients"))->text(),
        QString::number(trading()->cacheEntryCount(QStringLiteral("exchange"))));
    QCOMPARE(find<QLabel>(QStringLiteral("adminCacheExpiredClients"))->text(), QStringLiteral("1"));
    QVERIFY(find<QLabel>(QStringLiteral("adminCacheTtl"))->text().endsWith(u" s"));
    QVERIFY(find<QLabel>(QStringLiteral("adminCacheEntries"))
                ->text()
                .contains(u"price " + QString::number(trading()->cacheEntryCount(QStringLiteral("price")))));
    QVERIFY(find<QLabel>(QStringLiteral("adminCacheMaxSize"))->text().toInt() > 0);
    QVERIFY(find<QLabel>(QStringLiteral("adminCacheActiveClients"))->text().toInt() > 0);
    const auto* type = find<QComboBox>(QStringLiteral("adminCacheType"));
    QCOMPARE(type->count(), 3);
    QVERIFY(find<QComboBox>(QStringLiteral("adminCacheExchange"))->findText(QStringLiteral("upbit")) >= 0);
}

void TestAdminPanel::confirmSendsExactlyOneRequest_data()
{
    QTest::addColumn<QString>("control");
    QTest::addColumn<QString>("route");
    QTest::addColumn<QString>("question");
    QTest::addColumn<QString>("backendMessage");

    QTest::newRow("stop") << "adminSchedulerStop" << kSchedulerControl << "Stop the scheduler on trading-api?"
                          << "스케줄러가 중지되었습니다";
    QTest::newRow("restart") << "adminSchedulerRestart" << kSchedulerControl << "Restart the scheduler on trading-api?"
                             << "스케줄러가 재시작되었습니다";
    QTest::newRow("trigger calculate_pnl")
        << "adminTriggerJob" << kTriggerJob << "Run the job calculate_pnl on trading-api now?"
        << "작업이 실행되었습니다";
    QTest::newRow("clear the price cache of upbit")
        << "adminCacheClear" << kCacheClear << "Clear the price cache of exchange upbit on trading-api?"
        << "초기화되었습니다";
}

void TestAdminPanel::confirmSendsExactlyOneRequest()
{
    QFETCH(QString, control);
    QFETCH(QString, route);
    QFETCH(QString, question);
    QFETCH(QString, backendMessage);
    auto* jobType = find<QComboBox>(QStringLiteral("adminJobType"));
    jobType->setCurrentIndex(jobType->findData(QStringLiteral("calculate_pnl")));
    auto* type = find<QComboBox>(QStringLiteral("adminCacheType"));
    type->setCurrentIndex(type->findData(QStringLiteral("price")));
    find<QComboBox>(QStringLiteral("adminCacheExchange"))->setCurrentText(QStringLiteral("upbit"));
    const int starts = trading()->schedulerStartCount();
    const int pnlRuns = trading()->manualRunCount(QStringLiteral("calculate_pnl"));
    const int binancePrices = trading()->cacheEntryCount(QStringLiteral("price"), QStringLiteral("binance"));
    QVERIFY(trading()->cacheEntryCount(QStringLiteral("price"), QStringLiteral("upbit")) > 0);

    Prompts::setNextConfirmation(true);
    QSignalSpy finished(m_panel.get(), &AdminPanel::actionFinished);
    QVERIFY(button(control)->isEnabled());
    button(control)->click();
    QVERIFY(waitIdle());
    QVERIFY2(Prompts::lastText().startsWith(question), qPrintable(Prompts::lastText()));

    QCOMPARE(trading()->requests(route).size(), 1);
    if (control == u"adminSchedulerStop") {
        QVERIFY(!trading()->isSchedulerRunning());
        QVERIFY2(find<QLabel>(QStringLiteral("adminSchedulerState"))->text().contains(u"stopped"),
            qPrintable(find<QLabel>(QStringLiteral("adminSchedulerState"))->text()));
    } else if (control == u"adminSchedulerRestart") {
        QCOMPARE(trading()->schedulerStartCount(), starts + 1);
    } else if (control == u"adminTriggerJob") {
        QCOMPARE(trading()->manualRunCount(QStringLiteral("calculate_pnl")), pnlRuns + 1);
        // The confirmation names the job as the backend does, too.
        QVERIFY2(Prompts::lastText().contains(u"미실현 손익"), qPrintable(Prompts::lastText()));
    } else {
        QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price"), QStringLiteral("upbit")), 0);
        QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price"), QStringLiteral("binance")), binancePrices);
        const QJsonObject body = QJsonDocument::fromJson(trading()->requests(route).first().body).object();
        QCOMPARE(body,
            QJsonObject({ { QStringLiteral("type"), QStringLiteral("price") },
                { QStringLiteral("exchange"), QStringLiteral("upbit") } }));
    }
    // The backend's own message, in Korean.
    QVERIFY2(message().contains(backendMessage), qPrintable(message()));
    QCOMPARE(find<QLabel>(QStringLiteral("adminMessage"))->property("outcome").toString(), QStringLiteral("success"));
    QVERIFY(!finished.isEmpty());
}

void TestAdminPanel::cancelSendsNothing_data()
{
    QTest::addColumn<QString>("control");
    QTest::newRow("stop") << "adminSchedulerStop";
    QTest::newRow("restart") << "adminSchedulerRestart";
    QTest::newRow("trigger") << "adminTriggerJob";
    QTest::newRow("cache clear") << "adminCacheClear";
    QTest::newRow("custom action with confirm") << "adminCustomRun_drop-exchange-clients";
}

void TestAdminPanel::cancelSendsNothing()
{
    QFETCH(QString, control);
    find<QLineEdit>(QStringLiteral("adminCustomParam_drop-exchange-clients_exchange"))
        ->setText(QStringLiteral("bybit"));
    const int starts = trading()->schedulerStartCount();
    const int prices = trading()->cacheEntryCount(QStringLiteral("price"));
    const int clients = trading()->cacheEntryCount(QStringLiteral("exchange"));

    Prompts::setNextConfirmation(false);
    button(control)->click();
    QVERIFY(waitIdle());
    QVERIFY(!Prompts::lastText().isEmpty());

    QVERIFY(trading()->requests().isEmpty()); // not even a status read
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->schedulerStartCount(), starts);
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price")), prices);
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("exchange")), clients);
    QCOMPARE(find<QLabel>(QStringLiteral("adminMessage"))->property("outcome").toString(), QStringLiteral("refused"));
    // The cancelled attempt is in the audit log.
    QTRY_COMPARE_WITH_TIMEOUT(auditCell(0, 5), QStringLiteral("refused"), 5000);
}

void TestAdminPanel::startAndTelegramNeedNoConfirmation()
{
    trading()->stopScheduler();
    const int telegrams = trading()->telegramTestCount();
    // Had the panel asked, this answer would cancel and nothing would be sent.
    Prompts::setNextConfirmation(false);
    const QString asked = Prompts::lastText();
    button(QStringLiteral("adminSchedulerStart"))->click();
    QVERIFY(waitIdle());
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QVERIFY2(message().contains(u"스케줄러가 시작되었습니다"), qPrintable(message()));

    button(QStringLiteral("adminTestTelegram"))->click();
    QVERIFY(waitIdle());
    QCOMPARE(trading()->telegramTestCount(), telegrams + 1);
    QCOMPARE(trading()->requests(kTelegram).size(), 1);
    QVERIFY2(message().contains(u"텔레그램 테스트 메시지가 전송되었습니다"), qPrintable(message()));
    QCOMPARE(Prompts::lastText(), asked);
}

void TestAdminPanel::controlsAreDisabledWhileInFlight()
{
    trading()->setAdminDelay(800);
    QSignalSpy busy(m_panel.get(), &AdminPanel::busyChanged);
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminSchedulerStop"))->click();
    // Disabled before control returns to the event loop, so a second click cannot send a second request.
    QVERIFY(m_panel->isBusy());
    const QStringList controls { QStringLiteral("adminSchedulerStop"), QStringLiteral("adminSchedulerStart"),
        QStringLiteral("adminSchedulerRestart"), QStringLiteral("adminSchedulerRefresh"),
        QStringLiteral("adminTriggerJob"), QStringLiteral("adminCacheClear"), QStringLiteral("adminCacheRefresh"),
        QStringLiteral("adminTestTelegram"), QStringLiteral("adminCustomRun_exchange-metadata") };
    for (const QString& name : controls)
        QVERIFY2(!button(name)->isEnabled(), qPrintable(name));
    QVERIFY(!find<QComboBox>(QStringLiteral("adminJobType"))->isEnabled());
    QVERIFY(find<QLabel>(QStringLiteral("adminInFlight"))->isVisible());
    QCOMPARE(busy.size(), 1);
    QCOMPARE(busy.first().first().toBool(), true);

    Prompts::setNextConfirmation(true);
    QTest::mouseClick(button(QStringLiteral("adminSchedulerStop")), Qt::LeftButton);
    QTest::mouseClick(button(QStringLiteral("adminSchedulerRestart")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(trading()->requests(kSchedulerControl).size(), 1, 5000);
    QVERIFY(m_panel->isBusy()); // the answer is still 800 ms away

    QVERIFY(waitIdle());
    for (const QString& name : controls)
        QVERIFY2(button(name)->isEnabled(), qPrintable(name));
    QVERIFY(!find<QLabel>(QStringLiteral("adminInFlight"))->isVisible());
    QCOMPARE(busy.last().first().toBool(), false);
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QVERIFY(!trading()->isSchedulerRunning());
    Prompts::setNextConfirmation(std::nullopt);
}

void TestAdminPanel::timeoutShowsUnknownAndIsNotResent()
{
    useConfig(configYaml("300ms"));
    m_panel->reloadActions();
    QVERIFY(waitIdle());
    trading()->clearRequests();
    trading()->setAdminDelay(1500);
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminSchedulerRestart"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(message().contains(u"unknown — check before repeating"), 10'000);
    QCOMPARE(find<QLabel>(QStringLiteral("adminMessage"))->property("outcome").toString(), QStringLiteral("unknown"));
    QTRY_COMPARE_WITH_TIMEOUT(trading()->pendingResponses(), 0, 10'000);
    QVERIFY(waitIdle(15'000));
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
}

void TestAdminPanel::countdownTicks()
{
    const auto* jobs = find<QTableWidget>(QStringLiteral("adminJobTable"));
    // A daily job: hours away, so it cannot fall due (and stop counting) during the test.
    int row = -1;
    for (int r = 0; r < jobs->rowCount(); ++r) {
        if (jobs->item(r, 2)->text().startsWith(u"cron"))
            row = r;
    }
    QVERIFY(row >= 0);
    const QString first = jobs->item(row, kJobInColumn)->text();
    QTRY_VERIFY_WITH_TIMEOUT(jobs->item(row, kJobInColumn)->text() != first, 3000);
    const QString second = jobs->item(row, kJobInColumn)->text();
    QTRY_VERIFY_WITH_TIMEOUT(jobs->item(row, kJobInColumn)->text() != second, 3000);
    QVERIFY(trading()->requests().isEmpty()); // the countdown is local: it does not poll the backend

    // A stopped scheduler has no next runs to count down to.
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminSchedulerStop"))->click();
    QVERIFY(waitIdle());
    for (int r = 0; r < jobs->rowCount(); ++r)
        QCOMPARE(jobs->item(r, kJobInColumn)->text(), QStringLiteral("—"));
}

void TestAdminPanel::customActionWithParameterForm()
{
    QVERIFY(find<QGroupBox>(QStringLiteral("adminCustomGroup"))->isVisible());
    auto* exchange = find<QLineEdit>(QStringLiteral("adminCustomParam_drop-exchange-clients_exchange"));
    auto* market = find<QComboBox>(QStringLiteral("adminCustomParam_drop-exchange-clients_market"));
    QVERIFY(exchange);
    QVERIFY(market);
    QCOMPARE(market->count(), 3); // optional: empty, spot, futures

    // A required parameter left empty: refused by validation, nothing sent.
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminCustomRun_drop-exchange-clients"))->click();
    QVERIFY(waitIdle());
    QCOMPARE(find<QLabel>(QStringLiteral("adminMessage"))->property("outcome").toString(), QStringLiteral("invalid"));
    QVERIFY2(message().contains(u"exchange"), qPrintable(message()));
    QVERIFY(trading()->requests().isEmpty());

    exchange->setText(QStringLiteral("binance"));
    market->setCurrentIndex(market->findData(QStringLiteral("futures")));
    const int spot
        = trading()->cacheEntryCount(QStringLiteral("exchange"), QStringLiteral("binance"), QStringLiteral("spot"));
    QVERIFY(trading()->cacheEntryCount(QStringLiteral("exchange"), QStringLiteral("binance"), QStringLiteral("futures"))
        > 0);
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminCustomRun_drop-exchange-clients"))->click();
    QVERIFY(waitIdle());
    QVERIFY2(Prompts::lastText().contains(u"drop-exchange-clients"), qPrintable(Prompts::lastText()));
    QCOMPARE(trading()->requests(kCacheClear).size(), 1);
    QCOMPARE(QJsonDocument::fromJson(trading()->requests(kCacheClear).first().body).object(),
        QJsonObject({ { QStringLiteral("type"), QStringLiteral("exchange") },
            { QStringLiteral("exchange"), QStringLiteral("binance") },
            { QStringLiteral("market_type"), QStringLiteral("futures") } }));
    QCOMPARE(
        trading()->cacheEntryCount(QStringLiteral("exchange"), QStringLiteral("binance"), QStringLiteral("futures")),
        0);
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("exchange"), QStringLiteral("binance"), QStringLiteral("spot")),
        spot);

    // A custom action without parameters and without confirm runs at once.
    Prompts::setNextConfirmation(std::nullopt);
    button(QStringLiteral("adminCustomRun_exchange-metadata"))->click();
    QVERIFY(waitIdle());
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/exchange-metadata")).size(), 1);
    QVERIFY2(message().contains(u"거래소 메타데이터를 조회했습니다"), qPrintable(message()));
}

void TestAdminPanel::auditLogShowsTheServicesAttempts()
{
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminSchedulerStop"))->click();
    QVERIFY(waitIdle());
    const auto* table = find<QTableWidget>(QStringLiteral("adminAuditTable"));
    // Newest first: the status read after the stop, the stop, then the two reads made on opening.
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 4, 5000);
    QStringList actions;
    for (int row = 0; row < table->rowCount(); ++row)
        actions += table->item(row, 2)->text();
    QCOMPARE(actions,
        QStringList({ QStringLiteral("scheduler-status"), QStringLiteral("scheduler-stop"),
            QStringLiteral("cache-stats"), QStringLiteral("scheduler-status") }));
    QCOMPARE(table->item(1, 1)->text(), AdminClient::osUser());
    QCOMPARE(table->item(1, 4)->text(), QStringLiteral("200"));
    QCOMPARE(table->item(1, 5)->text(), QStringLiteral("success"));
    QCOMPARE(table->item(1, 6)->text(), QStringLiteral("스케줄러가 중지되었습니다"));
    QCOMPARE(m_store->audit({}).size(), 4); // the table is the store's
}

void TestAdminPanel::readOnlyHidesAndRefusesEverything()
{
    m_client->setReadOnly(true);
    m_panel->reloadActions();
    QVERIFY(waitIdle());
    QVERIFY(!find<QWidget>(QStringLiteral("adminActions"))->isVisible());
    const auto* notice = find<QLabel>(QStringLiteral("adminNotice"));
    QVERIFY(notice->isVisible());
    QVERIFY2(notice->text().contains(u"Read-only"), qPrintable(notice->text()));
    for (QPushButton* b : m_panel->findChildren<QPushButton*>()) {
        if (b->objectName() != u"adminAuditRefresh")
            QVERIFY2(!b->isVisible(), qPrintable(b->objectName()));
    }
    QVERIFY(find<QWidget>(QStringLiteral("adminAuditTable"))->isVisible());
    // Even a click that reaches a hidden control sends nothing: the client refuses it and audits the refusal.
    Prompts::setNextConfirmation(true);
    button(QStringLiteral("adminSchedulerStop"))->click();
    QVERIFY(waitIdle());
    QCOMPARE(find<QLabel>(QStringLiteral("adminMessage"))->property("outcome").toString(), QStringLiteral("refused"));
    QVERIFY(trading()->requests().isEmpty());
    QVERIFY(trading()->isSchedulerRunning());
}

void TestAdminPanel::serviceWithoutAdminSection()
{
    m_panel->setService(QStringLiteral("portal"));
    QVERIFY(!m_panel->isBusy());
    QVERIFY(!find<QWidget>(QStringLiteral("adminActions"))->isVisible());
    QVERIFY(find<QLabel>(QStringLiteral("adminNotice"))->text().contains(u"portal"));
    m_panel->setService(kService);
    QVERIFY(find<QWidget>(QStringLiteral("adminActions"))->isVisible());
    QVERIFY(waitIdle());
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/scheduler-status")).size(), 1);
}

void TestAdminPanel::hiddenPanelReadsOnlyOnceShown()
{
    AdminPanel hidden(m_client.get(), m_store.get());
    hidden.setService(kService);
    // A read would have been started (and the panel be busy) before setService returned.
    QVERIFY(!hidden.isBusy());
    hidden.show();
    QTRY_COMPARE_WITH_TIMEOUT(trading()->requests(QStringLiteral("/api/system/cache-stats")).size(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!hidden.isBusy(), 5000);
    QCOMPARE(trading()->requests(QStringLiteral("/api/system/scheduler-status")).size(), 1);
}

void TestAdminPanel::storePasswordInKeychain()
{
    const QString service = QStringLiteral("trading-keychain");
    m_panel->setService(service);
    QVERIFY(waitIdle());
    // No password anywhere: the reads fail before anything is sent, and the panel says where to put one.
    QCOMPARE(
        find<QLabel>(QStringLiteral("adminMessage"))->property("outcome").toString(), QStringLiteral("auth-failed"));
    QVERIFY(trading()->requests().isEmpty());
    auto* store = button(QStringLiteral("adminStorePassword"));
    QVERIFY(store->isVisible());

    Prompts::setNextPassword(kPassword);
    store->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_secrets.value(adminSecretKey(service)), kPassword, 5000);
    // Stored, the panel reads again and the backend lets it in.
    QTRY_COMPARE_WITH_TIMEOUT(trading()->requests(QStringLiteral("/api/system/cache-stats")).size(), 1, 5000);
    QVERIFY(waitIdle());
    QVERIFY2(find<QLabel>(QStringLiteral("adminSchedulerState"))->text().contains(u"running"),
        qPrintable(find<QLabel>(QStringLiteral("adminSchedulerState"))->text()));
    QCOMPARE(trading()->requests(QStringLiteral("/login")).size(), 1);
    // The preset service's store button stays hidden: its password is in the config.
    m_panel->setService(kService);
    QVERIFY(store->isHidden());
}

QTEST_MAIN(TestAdminPanel)
#include "tst_adminpanel.moc"
