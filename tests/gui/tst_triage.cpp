// The dashboard from alert to fix: a notification opens the root cause's detail, the detail reaches the Admin
// tab on that service, a confirmed action fixes it (four actions); auto-heal shows its plan with Cancel and
// Run now and the HEALING badge; the Admin tab's service picker; Help -> Keyboard shortcuts; the charts' range
// for a young history. The real main window, offscreen, against the demo backend in this process.
#include "admin/adminservice.h"
#include "dashboardfixture.h"
#include "demo/demobackend.h"
#include "models/alertpolicy.h"
#include "models/matrixmodel.h"
#include "models/statusroles.h"
#include "remediation/remediationplanner.h"
#include "runtime/monitorruntime.h"
#include "store/historystore.h"
#include "ui/adminpanel.h"
#include "ui/chartspanel.h"
#include "ui/detailpane.h"
#include "ui/mainwindow.h"
#include "ui/prompts.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace hd;

namespace {

const QString kScheduler = QStringLiteral("trading-api/scheduler");

} // namespace

class TestTriage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void adminTabOpensOnAServiceWithActions();
    void autoHealPlanCancelAndRunNow();
    void menuTogglesAutoHeal();
    void notificationToConfirmedFixInFourActions();
    void keyboardShortcutsAreListed();
    void chartsFitAYoungHistory();

private:
    QStringList overlays(const QString& key) const
    {
        return m_window->matrixModel()->indexOfKey(key).data(OverlaysRole).toStringList();
    }
    Status status(const QString& key) const
    {
        const auto row = m_window->matrixModel()->rowState(key);
        return row ? row->status : Status::Starting;
    }
    QString planText() const { return m_window->findChild<QLabel*>(QStringLiteral("healPlanText"))->text(); }

    QTemporaryDir m_dir;
    DemoBackend m_demo;
    HistoryStore* m_store = nullptr; // the runtime's
    std::unique_ptr<MonitorRuntime> m_runtime;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<AdminService> m_admin;
    std::unique_ptr<RemediationPlanner> m_planner;
    AdminPanel* m_panel = nullptr;
};

void TestTriage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("healthdeck-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_triage"));
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    m_demo.tradingApi()->setCredentials(QStringLiteral("admin"), QStringLiteral("demo-password"));
    const QByteArray api = m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8();
    const QByteArray yaml = "version: 1\ndefaults: { interval: 200ms, failure_threshold: 1 }\nservices:\n"
                            "  - name: database\n    group: infrastructure\n    checks:\n"
                            "      - { name: primary, http: { url: \""
        + api
        + "/health\" }, conditions: [\"[BODY].database == healthy\"] }\n"
          "  - name: trading-api\n    group: core\n    depends_on: [database]\n    checks:\n"
          "      - { name: live, http: { url: \""
        + api
        + "/health/live\" } }\n"
          "      - name: scheduler\n        http: { url: \""
        + api
        + "/metrics\" }\n"
          "        conditions: ['[METRIC].messenger_health_check_status{check=\"scheduler\"} == 1']\n"
          "        remediate: { action: scheduler-start, after: 4s, backoff: 2s, window: 2s }\n"
          "admin:\n  trading-api:\n    base_url: \""
        + api
        + "\"\n    preset: trading-system\n"
          "    auth: { login: { url: /login, username: admin, password: demo-password } }\n";
    const QString path = m_dir.filePath(QStringLiteral("healthdeck.yaml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(yaml);
    f.close();

    m_runtime = hdtest::startDashboardRuntime(m_dir.filePath(QStringLiteral("history.sqlite")));
    QVERIFY(m_runtime);
    m_store = m_runtime->store();
    m_window = std::make_unique<MainWindow>(m_runtime.get(), m_store);
    m_window->setNotificationDelay(300);
    m_window->setConfigPath(path);
    // Wired as the dashboard wires them (ui/dashboardapp.cpp).
    m_admin = std::make_unique<AdminService>();
    m_admin->setHistoryStore(m_store);
    m_panel = new AdminPanel(m_admin.get(), m_store);
    m_window->setAdminPanel(m_panel);
    m_planner = std::make_unique<RemediationPlanner>(m_admin.get(), m_store);
    connect(m_runtime.get(), &MonitorRuntime::rowsUpdated, m_planner.get(), &RemediationPlanner::updateRows);
    connect(m_runtime.get(), &MonitorRuntime::rowsRemoved, m_planner.get(), &RemediationPlanner::removeRows);
    connect(m_runtime.get(), &MonitorRuntime::configLoaded, m_panel, [this](const Config& config) {
        m_admin->setConfig(config);
        m_panel->reloadActions();
        m_panel->followSelection(m_panel->service());
        m_planner->setConfig(config);
    });
    connect(m_window.get(), &MainWindow::serviceSelected, m_panel, [this](const QString& service) {
        if (!service.isEmpty())
            m_panel->followSelection(service);
    });
    m_window->setRemediation(m_planner.get());
    m_runtime->watchConfig(path);
    m_window->show();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(status(kScheduler), Status::Ok, 10'000);
}

void TestTriage::cleanupTestCase()
{
    m_window.reset();
    m_planner.reset();
    m_admin.reset(); // before the runtime's history store, which its audit rows go to
    m_runtime.reset();
}

void TestTriage::init()
{
    m_demo.resetFaults();
    m_demo.tradingApi()->startScheduler();
    m_window->autoHealAction()->setChecked(true);
    QTRY_COMPARE_WITH_TIMEOUT(status(kScheduler), Status::Ok, 10'000);
    QTRY_COMPARE(status(QStringLiteral("database/primary")), Status::Ok);
    // Healthy for `window`: the attempt budget is whole again.
    QTRY_COMPARE_WITH_TIMEOUT(m_planner->plan(kScheduler)->attempts, 0, 5000);
}

void TestTriage::adminTabOpensOnAServiceWithActions()
{
    auto* picker = m_panel->findChild<QComboBox*>(QStringLiteral("adminServicePicker"));
    QVERIFY(picker);
    // The first row (database, which has no admin: entry) is selected at start: the tab opens on trading-api.
    QVERIFY(m_window->selectKey(QStringLiteral("database/primary")));
    QCOMPARE(m_panel->service(), QStringLiteral("trading-api"));
    QCOMPARE(picker->count(), 1);
    QCOMPARE(picker->itemData(0).toString(), QStringLiteral("trading-api"));
    QVERIFY(!m_panel->findChild<QLabel*>(QStringLiteral("adminNotice"))->text().contains(u"no admin actions"));
    // Selecting a service with admin actions opens it; one without leaves the tab where it is.
    QVERIFY(m_window->selectKey(QStringLiteral("trading-api/live")));
    QCOMPARE(m_panel->service(), QStringLiteral("trading-api"));
    QVERIFY(m_window->selectKey(QStringLiteral("database/primary")));
    QCOMPARE(m_panel->service(), QStringLiteral("trading-api"));
}

void TestTriage::autoHealPlanCancelAndRunNow()
{
    const int before = m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control"));
    m_demo.tradingApi()->stopScheduler();
    QTRY_COMPARE_WITH_TIMEOUT(status(kScheduler), Status::Down, 5000);
    QVERIFY(m_window->selectKey(kScheduler));
    auto* plan = m_window->findChild<QWidget*>(QStringLiteral("healPlan"));
    QTRY_VERIFY(plan->isVisible());
    static const QRegularExpression text(
        QStringLiteral("^auto-heal: start the scheduler in [1-4] s \\(attempt 1/3\\)$"));
    QVERIFY2(text.match(planText()).hasMatch(), qPrintable(planText()));
    QTRY_VERIFY(overlays(kScheduler).contains(QStringLiteral("healing")));

    // Cancel: no attempt while it stays down, and no HEALING badge.
    QTest::mouseClick(m_window->findChild<QPushButton*>(QStringLiteral("healCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(planText().contains(u"cancelled"));
    QTRY_VERIFY(!overlays(kScheduler).contains(QStringLiteral("healing")));
    QTest::qWait(4500);
    QVERIFY(!m_demo.tradingApi()->isSchedulerRunning());
    QCOMPARE(m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control")), before);

    // Run now: one attempt, sent once, and the check recovers.
    QTest::mouseClick(m_window->findChild<QPushButton*>(QStringLiteral("healRunNowButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_demo.tradingApi()->isSchedulerRunning(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(status(kScheduler), Status::Ok, 5000);
    QTRY_VERIFY(!overlays(kScheduler).contains(QStringLiteral("healing")));
    QCOMPARE(m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control")), before + 1);
    QTRY_VERIFY(planText().contains(u"1/3 attempts used"));
    // In the audit log (the alert history's timeline) as an auto-heal attempt.
    bool audited = false;
    for (const AuditEntry& a : m_store->audit({}))
        audited = audited || a.message.startsWith(u"auto-heal attempt 1/3: start the scheduler \u2192 200");
    QVERIFY(audited);
}

void TestTriage::menuTogglesAutoHeal()
{
    QAction* toggle = m_window->autoHealAction();
    QVERIFY(toggle);
    QVERIFY(toggle->isChecked());
    toggle->trigger(); // off
    QVERIFY(!m_planner->isEnabled());
    const int before = m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control"));
    m_demo.tradingApi()->stopScheduler();
    QTRY_COMPARE_WITH_TIMEOUT(status(kScheduler), Status::Down, 5000);
    QVERIFY(m_window->selectKey(kScheduler));
    QTRY_VERIFY(planText().contains(u"off: auto-heal is switched off"));
    QVERIFY(!overlays(kScheduler).contains(QStringLiteral("healing")));
    QTest::qWait(4500);
    QCOMPARE(m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control")), before);
    toggle->trigger(); // on again: it has been down long enough, so the attempt follows at once
    QTRY_VERIFY_WITH_TIMEOUT(m_demo.tradingApi()->isSchedulerRunning(), 5000);
}

void TestTriage::notificationToConfirmedFixInFourActions()
{
    m_window->autoHealAction()->setChecked(false); // the operator fixes it this time
    QSignalSpy notified(m_window.get(), &MainWindow::notified);
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("mainTabs"));
    tabs->setCurrentIndex(2); // somewhere else
    QVERIFY(m_window->selectKey(QStringLiteral("database/primary")));
    m_demo.tradingApi()->stopScheduler();
    QTRY_VERIFY_WITH_TIMEOUT(!notified.isEmpty(), 8000);
    const auto notice = notified.last().first().value<AlertNotice>();
    QCOMPARE(notice.service, QStringLiteral("trading-api"));

    // 1. The notification: the window on the root cause's row, its detail shown.
    m_window->openNotice(notice);
    QCOMPARE(m_window->currentKey(), kScheduler);
    QCOMPARE(tabs->currentIndex(), 0);
    QVERIFY(m_window->detailPane()->isVisible());
    QCOMPARE(m_window->detailPane()->currentKey(), kScheduler);
    // 2. From the detail, the Admin tab on that service.
    auto* adminButton = m_window->findChild<QPushButton*>(QStringLiteral("adminActionsButton"));
    QTRY_VERIFY(adminButton->isVisible());
    QTest::mouseClick(adminButton, Qt::LeftButton);
    QCOMPARE(tabs->currentWidget(), m_panel);
    QCOMPARE(m_panel->service(), QStringLiteral("trading-api"));
    // 3. The fixing action, and 4. its confirmation.
    auto* restart = m_panel->findChild<QPushButton*>(QStringLiteral("adminSchedulerRestart"));
    QTRY_VERIFY(restart->isVisible() && restart->isEnabled());
    Prompts::setNextConfirmation(true);
    QTest::mouseClick(restart, Qt::LeftButton);
    QVERIFY2(Prompts::lastText().contains(u"scheduler"), qPrintable(Prompts::lastText()));
    QTRY_VERIFY_WITH_TIMEOUT(m_demo.tradingApi()->isSchedulerRunning(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(status(kScheduler), Status::Ok, 5000);
    Prompts::setNextConfirmation(std::nullopt);
    tabs->setCurrentIndex(0);
}

void TestTriage::keyboardShortcutsAreListed()
{
    const QStringList lines = m_window->keyboardShortcuts();
    const QString all = lines.join(u'\n');
    for (const char* keys : { "Ctrl+K", "Ctrl+Shift+S", "F5", "Ctrl+D", "Ctrl+F", "Ctrl+1", "Ctrl+2", "Ctrl+3",
             "Ctrl+4", "Ctrl+Shift+H", "Ctrl+Shift+R", "F1", "Enter" })
        QVERIFY2(all.contains(QLatin1StringView(keys)), keys);
    QVERIFY(all.contains(u"Auto-heal"));
    QAction* help = m_window->findChild<QAction*>(QStringLiteral("keyboardShortcutsAction"));
    QVERIFY(help);
    help->trigger();
    auto* dialog = m_window->findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"))->rowCount(), lines.size());
    dialog->close();
}

void TestTriage::chartsFitAYoungHistory()
{
    ChartsPanel* charts = m_window->chartsPanel();
    QVERIFY(charts->rangeFitsData());
    charts->setCurrentCheck(kScheduler);
    QSignalSpy refreshed(charts, &ChartsPanel::refreshed);
    charts->refresh();
    QTRY_VERIFY(!refreshed.isEmpty());
    QCOMPARE(charts->range(), ChartsPanel::Range::Minutes15);
    // No minute of this history is rolled up yet, and still the success rate shows: the unfinished bucket counts.
    static const QRegularExpression rate(QStringLiteral("^Success rate, last 24 h: \\d+\\.\\d\\d %$"));
    QVERIFY2(rate.match(charts->successSummary()).hasMatch(), qPrintable(charts->successSummary()));
    // A range chosen by the operator stays.
    charts->setRange(ChartsPanel::Range::Hour1);
    QVERIFY(!charts->rangeFitsData());
    QTRY_VERIFY(refreshed.size() >= 2);
    QCOMPARE(charts->range(), ChartsPanel::Range::Hour1);
}

QTEST_MAIN(TestTriage)
#include "tst_triage.moc"
