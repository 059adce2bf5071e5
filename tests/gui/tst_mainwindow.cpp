// The real main window against the real simulated backend (DemoBackend on its
// own thread, real HTTP on 127.0.0.1), driven through QTest like a user would.
#include "dashboard/demomenu.h"
#include "dashboardfixture.h"
#include "demo/demosession.h"
#include "models/historymodel.h"
#include "models/matrixfilterproxy.h"
#include "models/matrixmodel.h"
#include "models/statusroles.h"
#include "runtime/monitorruntime.h"
#include "store/historystore.h"
#include "ui/detailpane.h"
#include "ui/historypanel.h"
#include "ui/mainwindow.h"
#include "ui/prompts.h"
#include "ui/summarystrip.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <memory>

using namespace hd;

namespace {

// Fast polling so that a fault shows within a second; the database is last in
// the file, so "root cause first" cannot come from the config order.
QByteArray configFor(const DemoSession& demo)
{
    const QString trading = demo.baseUrl(QStringLiteral("trading-api")).toString();
    const QString portal = demo.baseUrl(QStringLiteral("portal")).toString();
    return QStringLiteral("version: 1\n"
                          "defaults:\n"
                          "  interval: 250ms\n"
                          "  timeout: 1s\n"
                          "  failure_threshold: 1\n"
                          "  success_threshold: 1\n"
                          "services:\n"
                          "  - name: portal\n"
                          "    group: web\n"
                          "    depends_on: [trading-api]\n"
                          "    checks:\n"
                          "      - { name: ping, tags: [liveness], http: { url: \"%2/health/ping\" } }\n"
                          "  - name: trading-api\n"
                          "    group: core\n"
                          "    depends_on: [database]\n"
                          "    checks:\n"
                          "      - { name: live, tags: [liveness], http: { url: \"%1/health/live\" } }\n"
                          "      - name: ready\n"
                          "        tags: [readiness]\n"
                          "        http: { url: \"%1/health/ready\" }\n"
                          "        conditions: [\"[STATUS] == 200\"]\n"
                          "  - name: database\n"
                          "    group: data\n"
                          "    checks:\n"
                          "      - name: primary\n"
                          "        http: { url: \"%1/health\" }\n"
                          "        conditions: [\"[BODY].database == healthy\"]\n")
        .arg(trading, portal)
        .toUtf8();
}

QStringList topLevelOrder(const QAbstractItemModel& model)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.index(r, 0).data().toString();
    return out;
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void allChecksComeUp();
    void failureShowsRootCauseFirstAndImpact();
    void selectingACheckShowsResolvedConditions();
    void enterOpensTheDetail();
    void acknowledgeFromTheKeyboard();
    void filterFromTheKeyboard();
    void historyFilterWorks();
    void csvExportContainsTheEvents();
    void configErrorShowsBannerAndKeepsOldConfig();
    void recoveryClearsTheRootCause();
    void missedWhileAwayIsListed();
    void adminTabFollowsTheSelection();
    void statusBarTellsTheSchedule();

private:
    QModelIndex proxyIndex(const QString& key) const;

    QTemporaryDir m_dir;
    QString m_configPath;
    std::unique_ptr<DemoSession> m_demo;
    HistoryStore* m_store = nullptr; // the runtime's
    std::unique_ptr<MonitorRuntime> m_runtime;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QSignalSpy> m_notified;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8()); // QSettings stay in the sandbox
    QCoreApplication::setOrganizationName(QStringLiteral("healthdeck-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));

    m_demo = std::make_unique<DemoSession>();
    QSignalSpy started(m_demo.get(), &DemoSession::started);
    m_demo->start(); // returns at once; the demo's services start on its thread
    QVERIFY(started.wait(30'000));
    QVERIFY2(started.first().at(0).toBool(), qPrintable(started.first().at(1).toString()));
    m_configPath = m_dir.filePath(QStringLiteral("healthdeck.yaml"));
    QVERIFY(writeFile(m_configPath, configFor(*m_demo)));

    m_runtime = hdtest::startDashboardRuntime(m_dir.filePath(QStringLiteral("history.sqlite")));
    QVERIFY(m_runtime);
    m_store = m_runtime->store();
    m_window = std::make_unique<MainWindow>(m_runtime.get(), m_store);
    m_window->setNotificationDelay(1500);
    m_notified = std::make_unique<QSignalSpy>(m_window.get(), &MainWindow::notified);
    m_window->setConfigPath(m_configPath);
    m_window->setDemoMenu(addDemoMenu(m_window->menuBar(), m_demo.get()));
    m_runtime->watchConfig(m_configPath);
    m_window->show();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestMainWindow::cleanupTestCase()
{
    m_notified.reset();
    m_window.reset();
    m_runtime.reset();
    m_demo.reset();
}

QModelIndex TestMainWindow::proxyIndex(const QString& key) const
{
    return m_window->matrixProxy()->mapFromSource(m_window->matrixModel()->indexOfKey(key));
}

void TestMainWindow::allChecksComeUp()
{
    MatrixModel* model = m_window->matrixModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->summary().count(Status::Ok), 4, 15000);
    QCOMPARE(model->summary().worst, Status::Ok);
    // Calm: config order, and the strip says so.
    QCOMPARE(topLevelOrder(*m_window->matrixProxy()),
        (QStringList { QStringLiteral("web"), QStringLiteral("core"), QStringLiteral("data") }));
    auto* headline = m_window->findChild<QLabel*>(QStringLiteral("worstStatusLabel"));
    QVERIFY(headline);
    QVERIFY2(headline->text().startsWith(QStringLiteral("ALL OK")), qPrintable(headline->text()));
    QVERIFY(
        m_window->findChild<QLabel*>(QStringLiteral("lastPollLabel"))->text().startsWith(QStringLiteral("Last poll")));
    QVERIFY(m_window->findChild<QLabel*>(QStringLiteral("configPathLabel"))
                ->text()
                .contains(QStringLiteral("healthdeck.yaml")));
}

void TestMainWindow::failureShowsRootCauseFirstAndImpact()
{
    m_notified->clear();
    m_demo->setFault(DemoSession::Fault::DatabaseDown, true);
    MatrixModel* model = m_window->matrixModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->summary().rootCauses, QStringList { QStringLiteral("database") }, 15000);
    QTRY_VERIFY(model->rowState(QStringLiteral("trading-api/ready"))
        && model->rowState(QStringLiteral("trading-api/ready"))->status == Status::Down);

    // The root cause's section and service come first on screen.
    const QAbstractItemModel* proxy = m_window->matrixProxy();
    QTRY_COMPARE(topLevelOrder(*proxy).first(), QStringLiteral("data"));
    const QModelIndex data = proxy->index(0, 0);
    QCOMPARE(proxy->index(0, 0, data).data().toString(), QStringLiteral("database"));
    QVERIFY(proxy->index(0, 0, data).data(OverlaysRole).toStringList().contains(QStringLiteral("root-cause")));

    // Its dependants are impacted, greyed, and say by what.
    const QModelIndex ready = proxyIndex(QStringLiteral("trading-api/ready"));
    QVERIFY(ready.data(OverlaysRole).toStringList().contains(QStringLiteral("impacted")));
    QVERIFY(ready.data(Qt::ToolTipRole).toString().contains(QStringLiteral("impacted by database")));
    QTRY_COMPARE(proxyIndex(QStringLiteral("portal/ping")).data(ImpactedByRole).toString(), QStringLiteral("database"));
    QCOMPARE(model->impactedServices(QStringLiteral("database")),
        (QStringList { QStringLiteral("portal"), QStringLiteral("trading-api") }));

    auto* headline = m_window->findChild<QLabel*>(QStringLiteral("worstStatusLabel"));
    QTRY_VERIFY2(headline->text().startsWith(QStringLiteral("DOWN: database")), qPrintable(headline->text()));
    QVERIFY(headline->text().contains(QStringLiteral("also affects portal, trading-api")));

    // One notification, for the root cause only.
    QTRY_COMPARE_WITH_TIMEOUT(m_notified->count(), 1, 10000);
    QCOMPARE(m_notified->first().at(0).value<AlertNotice>().service, QStringLiteral("database"));
    QVERIFY2(!m_notified->wait(2000), "nothing more may follow for the impacted services");
    QCOMPARE(m_notified->count(), 1);
}

void TestMainWindow::selectingACheckShowsResolvedConditions()
{
    QTreeView* view = m_window->matrixView();
    const QModelIndex ready = proxyIndex(QStringLiteral("trading-api/ready"));
    QVERIFY(ready.isValid());
    view->scrollTo(ready);
    const QRect rect = view->visualRect(ready);
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(m_window->currentKey(), QStringLiteral("trading-api/ready"));
    auto* detail = m_window->findChild<QTextBrowser*>(QStringLiteral("detailText"));
    QVERIFY(detail);
    QTRY_VERIFY2(detail->toPlainText().contains(QStringLiteral("[STATUS] (503) == 200")),
        qPrintable(detail->toPlainText().left(2000)));
    QVERIFY(detail->toPlainText().contains(QStringLiteral("impacted by database")));
    QVERIFY(detail->toPlainText().contains(QStringLiteral("Status code")));
    QCOMPARE(
        m_window->findChild<QLabel*>(QStringLiteral("detailTitle"))->text(), QStringLiteral("trading-api / ready"));
}

void TestMainWindow::enterOpensTheDetail()
{
    QTreeView* view = m_window->matrixView();
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_VERIFY(m_window->findChild<QTextBrowser*>(QStringLiteral("detailText"))->hasFocus());
}

void TestMainWindow::acknowledgeFromTheKeyboard()
{
    QTreeView* view = m_window->matrixView();
    view->setFocus();
    // Arrows: from the "data" section down to database, then to its primary check.
    view->setCurrentIndex(m_window->matrixProxy()->index(0, 0));
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Down);
    QCOMPARE(m_window->currentKey(), QStringLiteral("database/primary"));

    Prompts::setNextAcknowledge(AckAnswer { QStringLiteral("failing over to the replica"), 0 });
    QTest::keyClick(view, Qt::Key_K, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->matrixModel()->rowState(QStringLiteral("database/primary"))->acknowledged, 10000);
    QTRY_VERIFY(proxyIndex(QStringLiteral("database/primary"))
                    .data(OverlaysRole)
                    .toStringList()
                    .contains(QStringLiteral("acknowledged")));
    // It is recorded, with its author and comment.
    AckQuery acks;
    acks.checkKey = QStringLiteral("database/primary");
    QTRY_COMPARE(m_store->acks(acks).size(), 1);
    QCOMPARE(m_store->acks(acks).first().comment, QStringLiteral("failing over to the replica"));

    // A healthy check has nothing to acknowledge: no dialog is even asked for.
    QVERIFY(m_window->selectKey(QStringLiteral("trading-api/live")));
    Prompts::setNextAcknowledge(AckAnswer { QStringLiteral("must not be used"), 0 });
    QTest::keyClick(view, Qt::Key_K, Qt::ControlModifier);
    QVERIFY(!m_window->matrixModel()->rowState(QStringLiteral("trading-api/live"))->acknowledged);
    Prompts::setNextAcknowledge(std::nullopt); // leave no answer behind for a later dialog
    Prompts::acknowledge(nullptr, QString());
}

void TestMainWindow::filterFromTheKeyboard()
{
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    auto* filter = m_window->findChild<QLineEdit*>(QStringLiteral("matrixFilter"));
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClicks(filter, QStringLiteral("ready"));
    const QAbstractItemModel* proxy = m_window->matrixProxy();
    QTRY_COMPARE(topLevelOrder(*proxy), QStringList { QStringLiteral("core") });
    const QModelIndex service = proxy->index(0, 0, proxy->index(0, 0));
    QCOMPARE(proxy->rowCount(service), 1);
    QCOMPARE(proxy->index(0, 0, service).data(CheckKeyRole).toString(), QStringLiteral("trading-api/ready"));
    QTest::keyClick(filter, Qt::Key_Escape);
    QTRY_COMPARE(topLevelOrder(*proxy).size(), 3);
}

void TestMainWindow::historyFilterWorks()
{
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("mainTabs"));
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("historyPanel"));
    HistoryPanel* panel = m_window->historyPanel();
    HistoryModel* model = panel->model();
    auto* service = panel->findChild<QComboBox*>(QStringLiteral("historyService"));
    QVERIFY(service);
    QTRY_VERIFY(service->findData(QStringLiteral("database")) > 0);
    service->setCurrentIndex(service->findData(QStringLiteral("database")));
    // The database went down (recorded) and was acknowledged (recorded): both are in its timeline.
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading() && model->eventCount() >= 1, 10000);
    QTRY_VERIFY(model->rowCount() >= 2 && model->isRowLoaded(model->rowCount() - 1) && model->isRowLoaded(0));
    bool sawDown = false, sawAck = false;
    for (int r = 0; r < model->rowCount(); ++r) {
        QTRY_VERIFY(model->isRowLoaded(r));
        const TimelineEntry e = *model->entry(r);
        QCOMPARE(e.service, QStringLiteral("database"));
        sawDown = sawDown || (e.kind == TimelineEntry::Kind::StateChange && e.to == Status::Down);
        sawAck = sawAck || e.kind == TimelineEntry::Kind::Acknowledgement;
    }
    QVERIFY(sawDown);
    QVERIFY(sawAck);

    // Free text narrows it down to nothing, and back.
    auto* search = panel->findChild<QLineEdit*>(QStringLiteral("historySearch"));
    QTest::keyClicks(search, QStringLiteral("no-such-words"));
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_VERIFY(!model->isLoading() && model->rowCount() == 0);
    search->clear();
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_VERIFY(!model->isLoading() && model->rowCount() >= 2);
}

void TestMainWindow::csvExportContainsTheEvents()
{
    HistoryPanel* panel = m_window->historyPanel();
    const QString path = m_dir.filePath(QStringLiteral("export.csv"));
    Prompts::setNextSavePath(path);
    QSignalSpy exported(panel, &HistoryPanel::exported);
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("exportCsvButton")), Qt::LeftButton);
    QVERIFY(exported.wait(15000));
    const auto result = exported.first().at(0).value<CsvExportResult>();
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.rows >= 2);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray csv = file.readAll();
    QVERIFY(csv.startsWith("time,kind,service,check,item,from,to,severity,result,detail,impacted_by,who\r\n"));
    QVERIFY(csv.contains(",state,database,primary,,ok,down,critical,"));
    QVERIFY(csv.contains(",ack,database,primary,,,,,,failing over to the replica,,"));
    QVERIFY2(!csv.contains(",portal,"), "the export follows the service filter");
}

void TestMainWindow::configErrorShowsBannerAndKeepsOldConfig()
{
    auto* banner = m_window->findChild<QLabel*>(QStringLiteral("configErrorBanner"));
    QVERIFY(banner && !banner->isVisible());
    QVERIFY(writeFile(m_configPath, "version: 1\nservices:\n  - name: broken\n    checks: [ {name: x, http: {}} ]\n"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY2(banner->text().contains(QStringLiteral("healthdeck.yaml:")), qPrintable(banner->text()));
    QVERIFY(banner->text().contains(QStringLiteral("previous config stays in force")));
    // The old config keeps polling: results keep arriving.
    const QDateTime before = m_window->matrixModel()->summary().lastPoll;
    QTRY_VERIFY_WITH_TIMEOUT(m_window->matrixModel()->summary().lastPoll > before, 10000);
    QVERIFY(m_window->matrixModel()->rowState(QStringLiteral("database/primary")));

    QVERIFY(writeFile(m_configPath, configFor(*m_demo)));
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 10000);
}

void TestMainWindow::recoveryClearsTheRootCause()
{
    m_demo->healAll();
    MatrixModel* model = m_window->matrixModel();
    QTRY_VERIFY_WITH_TIMEOUT(model->summary().rootCauses.isEmpty(), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(model->summary().count(Status::Ok), 4, 15000);
    QTRY_COMPARE(topLevelOrder(*m_window->matrixProxy()).first(), QStringLiteral("web"));
    // The acknowledgement ends with the recovery.
    QTRY_VERIFY(!model->rowState(QStringLiteral("database/primary"))->acknowledged);
    QTRY_VERIFY(
        m_window->findChild<QLabel*>(QStringLiteral("worstStatusLabel"))->text().startsWith(QStringLiteral("ALL OK")));
}

void TestMainWindow::missedWhileAwayIsListed()
{
    QWidget elsewhere; // the user switches to another window
    elsewhere.setWindowTitle(QStringLiteral("another application"));
    elsewhere.show();
    elsewhere.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&elsewhere));
    QTRY_VERIFY(!m_window->isActiveWindow());
    m_notified->clear();
    m_demo->setFault(DemoSession::Fault::PortalDown, true);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->missedWhileAway().isEmpty(), 15000);
    QVERIFY2(m_window->missedWhileAway().last().contains(QStringLiteral("portal is DOWN")),
        qPrintable(m_window->missedWhileAway().last()));
    auto* banner = m_window->findChild<QWidget*>(QStringLiteral("missedBanner"));
    QVERIFY(!banner->isVisible());

    m_window->activateWindow(); // back at the desk
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTRY_VERIFY(banner->isVisible());
    QTest::mouseClick(m_window->findChild<QPushButton*>(QStringLiteral("missedShow")), Qt::LeftButton);
    QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("missedDock"))->isVisible());
    QVERIFY(!banner->isVisible());

    m_demo->setFault(DemoSession::Fault::PortalDown, false);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->matrixModel()->summary().count(Status::Ok), 4, 15000);
}

void TestMainWindow::adminTabFollowsTheSelection()
{
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("mainTabs"));
    auto* button = m_window->findChild<QPushButton*>(QStringLiteral("adminActionsButton"));
    QVERIFY(button);
    QVERIFY2(button->isHidden(), "no admin panel, no button");
    const int tabCount = tabs->count();

    auto* panel = new QWidget;
    panel->setObjectName(QStringLiteral("testAdminPanel"));
    m_window->setAdminPanel(panel);
    QCOMPARE(tabs->count(), tabCount + 1);
    QCOMPARE(tabs->tabText(tabs->indexOf(panel)), QStringLiteral("&Admin"));
    QVERIFY(!button->isHidden());

    // Only a move to another service is announced, with that service's name.
    QVERIFY(m_window->selectKey(QStringLiteral("database/primary")));
    QSignalSpy selected(m_window.get(), &MainWindow::serviceSelected);
    QVERIFY(m_window->selectKey(QStringLiteral("trading-api/live")));
    QVERIFY(m_window->selectKey(QStringLiteral("trading-api/ready")));
    QVERIFY(m_window->selectKey(QStringLiteral("portal/ping")));
    QCOMPARE(selected.count(), 2);
    QCOMPARE(selected.at(0).at(0).toString(), QStringLiteral("trading-api"));
    QCOMPARE(selected.at(1).at(0).toString(), QStringLiteral("portal"));
    QCOMPARE(m_window->currentService(), QStringLiteral("portal"));

    tabs->setCurrentIndex(0);
    QTRY_VERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(tabs->currentWidget(), panel);
    tabs->setCurrentIndex(0);
    QTest::keyClick(m_window.get(), Qt::Key_4, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget(), panel);

    // Unplugged again: the tab and the button go.
    const QPointer<QWidget> watch(panel);
    m_window->setAdminPanel(nullptr);
    QCOMPARE(tabs->count(), tabCount);
    QVERIFY(button->isHidden());
    QTRY_VERIFY(watch.isNull());
}

// The engine's word on its schedule: "On schedule" from the runtime's reports, and red when it falls behind.
void TestMainWindow::statusBarTellsTheSchedule()
{
    auto* label = m_window->findChild<QLabel*>(QStringLiteral("schedulingLagStatus"));
    QVERIFY(label);
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("On schedule"), 15000);
    SchedulingLag late;
    late.starts = 400;
    late.p50Ms = 700;
    late.p99Ms = 1800;
    late.maxMs = 2500;
    m_window->showSchedulingLag(late);
    QVERIFY2(
        label->text().startsWith(QStringLiteral("Behind schedule: probes start up to")), qPrintable(label->text()));
    QVERIFY(label->styleSheet().contains(statusColor(Status::Down).name()));
    QVERIFY(label->toolTip().contains(QStringLiteral("99th percentile 1800 ms")));
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("On schedule"), 15000); // the next report
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
