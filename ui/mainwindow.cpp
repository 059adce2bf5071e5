#include "mainwindow.h"

#include "awaylog.h"
#include "chartspanel.h"
#include "checkactions.h"
#include "detailpane.h"
#include "historypanel.h"
#include "matrixpane.h"
#include "models/alertnotifier.h"
#include "models/displaytext.h"
#include "models/historymodel.h"
#include "models/matrixfilterproxy.h"
#include "models/matrixmodel.h"
#include "models/statusroles.h"
#include "monitor/dependencygraph.h"
#include "prompts.h"
#include "remediation/remediationplanner.h"
#include "runtime/monitorruntime.h"
#include "shortcutsdialog.h"
#include "statustray.h"
#include "store/historystore.h"
#include "summarystrip.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>

namespace hd {

namespace {

enum Tab { StatusTab, ChartsTab, HistoryTab, AdminTab };

} // namespace

MainWindow::MainWindow(MonitorRuntime* runtime, HistoryStore* store, QWidget* parent)
    : QMainWindow(parent)
    , m_runtime(runtime)
    , m_store(store)
    , m_matrix(new MatrixModel(this))
    , m_proxy(new MatrixFilterProxy(this))
    , m_summary(new SummaryStrip(this))
    , m_configBanner(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_pane(new MatrixPane(m_matrix, m_proxy, this))
    , m_filter(m_pane->filter())
    , m_view(m_pane->view())
    , m_detail(new DetailPane(store, this))
    , m_charts(new ChartsPanel(store, this))
    , m_history(new HistoryPanel(store, this))
    , m_away(new AwayLog(this))
    , m_notifier(new AlertNotifier(
          [this](const QString& service) { return m_matrix->indexOfService(service).data(RootCauseRole).toBool(); },
          this))
    , m_historyStatus(new QLabel(this))
    , m_checkActions(new CheckActions(runtime, m_matrix, this))
    , m_tray(new StatusTray(this))
{
    qRegisterMetaType<hd::AlertNotice>();
    qRegisterMetaType<hd::CsvExportResult>();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("healthdeck"));
    m_configBanner->setObjectName(QStringLiteral("configErrorBanner"));
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_splitter->setObjectName(QStringLiteral("statusSplitter"));
    m_historyStatus->setObjectName(QStringLiteral("historyStatus"));

    // Config errors: a red banner over everything, the old config stays in force.
    m_configBanner->setWordWrap(true);
    m_configBanner->setTextFormat(Qt::PlainText);
    m_configBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_configBanner->setMargin(8);
    m_configBanner->setAutoFillBackground(true);
    QPalette bannerPalette = m_configBanner->palette();
    bannerPalette.setColor(QPalette::Window, statusColor(Status::Down));
    bannerPalette.setColor(QPalette::WindowText, Qt::white);
    m_configBanner->setPalette(bannerPalette);
    m_configBanner->hide();

    // The matrix.
    m_splitter->addWidget(m_pane);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({ 900, 560 });

    m_tabs->addTab(m_splitter, tr("&Status"));
    m_tabs->addTab(m_charts, tr("&Charts"));
    m_tabs->addTab(m_history, tr("Alert &history"));

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_configBanner);
    layout->addWidget(m_away->banner());
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    addDockWidget(Qt::BottomDockWidgetArea, m_away->dock());
    m_away->dock()->hide();

    m_lagStatus = new QLabel(this);
    m_lagStatus->setObjectName(QStringLiteral("schedulingLagStatus"));
    statusBar()->addPermanentWidget(m_lagStatus);
    connect(m_runtime, &MonitorRuntime::schedulingLagMeasured, this, &MainWindow::showSchedulingLag);
    statusBar()->addPermanentWidget(m_historyStatus);
    const auto showStore = [this] {
        if (m_store->isDegraded()) {
            m_historyStatus->setText(tr("History in memory only: %1").arg(m_store->degradedReason()));
            m_historyStatus->setStyleSheet(QStringLiteral("color:%1").arg(statusColor(Status::Down).name()));
        } else {
            m_historyStatus->setText(tr("History: %1").arg(m_store->path()));
            m_historyStatus->setStyleSheet(QString());
        }
    };
    showStore();
    connect(m_store, &HistoryStore::opened, this, showStore);
    connect(m_store, &HistoryStore::degraded, this, showStore);

    connect(m_tray, &StatusTray::messageClicked, this, [this] { openNotice(m_lastNotice); });

    buildMenus();

    connect(m_runtime, &MonitorRuntime::rowsUpdated, this, &MainWindow::onRowsUpdated);
    connect(m_runtime, &MonitorRuntime::rowsRemoved, m_matrix, &MatrixModel::removeKeys);
    connect(m_runtime, &MonitorRuntime::configLoaded, this, &MainWindow::onConfigLoaded);
    connect(m_runtime, &MonitorRuntime::configFailed, this, &MainWindow::onConfigFailed);
    connect(m_runtime, &MonitorRuntime::stateChanged, m_notifier, &AlertNotifier::addChange);
    connect(m_notifier, &AlertNotifier::noticeRaised, this, &MainWindow::raiseNotice);
    m_checkActions->setHistory(m_history->model());
    connect(m_checkActions, &CheckActions::message, statusBar(), &QStatusBar::showMessage);
    connect(m_store, &HistoryStore::eventCommitted, this, [this](const StateEvent& event, bool) {
        if (event.checkKey() == m_detail->currentKey())
            m_detail->refreshHistory();
    });
    connect(m_matrix, &MatrixModel::summaryChanged, this, &MainWindow::onSummaryChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_pane, &MatrixPane::detailRequested, this, &MainWindow::openDetail);
    connect(m_detail, &DetailPane::acknowledgeRequested, this, &MainWindow::acknowledgeCurrent);
    connect(m_detail, &DetailPane::silenceRequested, this, &MainWindow::silenceCurrent);
    connect(m_detail, &DetailPane::runNowRequested, this, &MainWindow::runNowCurrent);
    connect(m_detail, &DetailPane::adminRequested, this, &MainWindow::showAdminPanel);

    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* reload = file->addAction(tr("&Reload config"), m_runtime, &MonitorRuntime::reloadConfig);
    reload->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    QAction* exportCsv = file->addAction(tr("&Export alert history\u2026"), m_history, &HistoryPanel::exportCsv);
    exportCsv->setObjectName(QStringLiteral("exportCsvAction"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* check = menuBar()->addMenu(tr("&Check"));
    m_checkMenu = check;
    QAction* ack = check->addAction(tr("&Acknowledge\u2026"), this, &MainWindow::acknowledgeCurrent);
    ack->setObjectName(QStringLiteral("acknowledgeAction"));
    ack->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    QAction* silence = check->addAction(tr("&Silence service for\u2026"), this, &MainWindow::silenceCurrent);
    silence->setObjectName(QStringLiteral("silenceAction"));
    silence->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    QAction* run = check->addAction(tr("&Run now"), this, &MainWindow::runNowCurrent);
    run->setObjectName(QStringLiteral("runNowAction"));
    run->setShortcut(QKeySequence(Qt::Key_F5));
    QAction* detail = check->addAction(tr("Show &detail"), this, &MainWindow::openDetail);
    detail->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    check->addSeparator();
    QAction* filter = check->addAction(tr("&Filter\u2026"), this, [this] {
        m_tabs->setCurrentIndex(StatusTab);
        m_pane->focusFilter();
    });
    filter->setObjectName(QStringLiteral("filterAction"));
    filter->setShortcut(QKeySequence::Find);
    m_view->addActions({ ack, silence, run, detail });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_viewMenu = view;
    const QList<QPair<QString, int>> tabs { { tr("&Status"), StatusTab }, { tr("&Charts"), ChartsTab },
        { tr("Alert &history"), HistoryTab } };
    for (const auto& [label, index] : tabs) {
        QAction* a = view->addAction(label, this, [this, index = index] { m_tabs->setCurrentIndex(index); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
    }
    view->addSeparator();
    view->addAction(tr("E&xpand all"), m_view, &QTreeView::expandAll);
    view->addAction(tr("C&ollapse all"), m_view, &QTreeView::collapseAll);
    view->addAction(m_away->dock()->toggleViewAction());
    QMenu* theme = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    for (Theme t : { Theme::System, Theme::Light, Theme::Dark }) {
        QAction* a = theme->addAction(t == Theme::System ? tr("Follow the &system")
                : t == Theme::Light                      ? tr("&Light")
                                                         : tr("&Dark"));
        a->setCheckable(true);
        a->setData(int(t));
        m_themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, t] { setTheme(t); });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showKeyboardShortcuts);
    keys->setObjectName(QStringLiteral("keyboardShortcutsAction"));
    keys->setShortcut(QKeySequence::HelpContents);
}

QStringList MainWindow::keyboardShortcuts() const
{
    return keyboardShortcutsOf(menuBar());
}

void MainWindow::showKeyboardShortcuts()
{
    showKeyboardShortcutsDialog(this, keyboardShortcuts());
}

void MainWindow::openNotice(const AlertNotice& notice)
{
    showNormal();
    raise();
    activateWindow();
    if (notice.service.isEmpty())
        return;
    // The notice names the root cause's failing checks; the first one's own row ("heartbeat › health:worker1"
    // names a row under it: that one when the check has no row of its own, as a Redis pattern's keys).
    const QString first = notice.checks.value(0);
    const QString separator = QStringLiteral(" \u203a ");
    const QString check = notice.service + u'/' + first.section(separator, 0, 0);
    const QString item = first.contains(separator) ? check + u'/' + first.section(separator, 1) : QString();
    m_tabs->setCurrentIndex(StatusTab);
    m_filter->clear();
    if (first.isEmpty() || (!selectKey(check) && (item.isEmpty() || !selectKey(item))))
        selectKey(notice.service);
    openDetail();
}

void MainWindow::setDemoMenu(QMenu* menu)
{
    if (m_demoMenu || !menu)
        return;
    m_demoMenu = menu;
    const auto actions = menu->actions();
    const int faults = int(std::count_if(actions.begin(), actions.end(), [](QAction* a) { return a->isCheckable(); }));
    statusBar()->showMessage(
        tr("Demo: break and heal the simulated services from the Demo menu (Alt+1 \u2026 Alt+%1, Alt+0 heals).")
            .arg(qMin(9, faults)));
}

// An engine that falls behind says so, in red, rather than reading as all green: its checks are not running
// when they should.
void MainWindow::showSchedulingLag(const SchedulingLag& lag)
{
    if (lag.starts == 0) {
        m_lagStatus->clear();
        return;
    }
    const bool behind = lag.p99Ms >= kBehindScheduleMs;
    m_lagStatus->setText(
        behind ? tr("Behind schedule: probes start up to %1 late").arg(formatDuration(lag.maxMs)) : tr("On schedule"));
    m_lagStatus->setToolTip(tr("How late the %n probe(s) of the last few seconds started against their schedule: "
                               "median %1 ms, 99th percentile %2 ms, latest %3 ms",
        nullptr, int(qMin<qint64>(lag.starts, INT_MAX)))
                                .arg(lag.p50Ms)
                                .arg(lag.p99Ms)
                                .arg(lag.maxMs));
    m_lagStatus->setStyleSheet(
        behind ? QStringLiteral("color:%1; font-weight:bold").arg(statusColor(Status::Down).name()) : QString());
}

void MainWindow::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_checkActions->setReadOnly(readOnly);
    m_detail->setReadOnly(readOnly);
    m_runtime->setReadOnly(readOnly);
}

void MainWindow::setAdminPanel(QWidget* panel)
{
    if (m_adminPanel == panel)
        return;
    if (m_adminPanel) {
        m_tabs->removeTab(m_tabs->indexOf(m_adminPanel));
        m_adminPanel->deleteLater();
    }
    m_adminPanel = panel;
    m_detail->setAdminAvailable(panel);
    if (!m_adminAction) {
        m_adminAction = new QAction(tr("&Admin"), this);
        m_adminAction->setObjectName(QStringLiteral("adminTabAction"));
        m_adminAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
        connect(m_adminAction, &QAction::triggered, this, &MainWindow::showAdminPanel);
        // The View menu lists the tabs first.
        m_viewMenu->insertAction(m_viewMenu->actions().value(HistoryTab + 1), m_adminAction);
    }
    m_adminAction->setVisible(panel);
    if (!panel)
        return;
    if (panel->objectName().isEmpty())
        panel->setObjectName(QStringLiteral("adminPanel"));
    m_tabs->insertTab(AdminTab, panel, tr("&Admin"));
    if (m_savedTab == AdminTab)
        m_tabs->setCurrentIndex(AdminTab);
}

void MainWindow::setRemediation(RemediationPlanner* planner)
{
    if (m_planner)
        m_planner->disconnect(this);
    m_planner = planner;
    if (!m_autoHealAction) {
        m_checkMenu->addSeparator();
        m_autoHealAction = m_checkMenu->addAction(tr("Auto-&heal"));
        m_autoHealAction->setObjectName(QStringLiteral("autoHealAction"));
        m_autoHealAction->setCheckable(true);
        m_autoHealAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
        m_autoHealAction->setToolTip(tr("Run the config's remediate: actions when a check stays down"));
        connect(m_autoHealAction, &QAction::toggled, this, [this](bool on) {
            if (m_planner)
                m_planner->setEnabled(on);
            statusBar()->showMessage(on ? tr("Auto-heal is on") : tr("Auto-heal is off"), 3000);
        });
        connect(m_detail, &DetailPane::healCancelRequested, this, [this](const QString& target) {
            if (m_planner && m_planner->cancel(target))
                statusBar()->showMessage(tr("Auto-heal of %1 cancelled until it recovers").arg(target), 5000);
        });
        connect(m_detail, &DetailPane::healRunNowRequested, this, [this](const QString& target) {
            if (m_planner && m_planner->runNow(target))
                statusBar()->showMessage(tr("Auto-heal of %1: attempt sent").arg(target), 5000);
        });
    }
    m_autoHealAction->setVisible(planner);
    if (!planner)
        return;
    {
        const QSignalBlocker block(m_autoHealAction);
        m_autoHealAction->setChecked(planner->isEnabled());
    }
    connect(planner, &RemediationPlanner::planChanged, this, &MainWindow::onRemediationChanged);
    connect(planner, &RemediationPlanner::gaveUp, this, &MainWindow::onGaveUp);
    connect(planner, &RemediationPlanner::attemptFinished, this, [this](const RemediationEvent& e) {
        statusBar()->showMessage(e.detail, 10000);
        m_history->model()->reload();
    });
    onRemediationChanged();
}

void MainWindow::onRemediationChanged()
{
    m_matrix->setHealing(m_planner ? m_planner->healingRows() : QSet<QString>());
    m_detail->setRemediationPlan(m_planner ? m_planner->planForRow(m_currentKey) : std::nullopt);
}

void MainWindow::onGaveUp(const RemediationEvent& e)
{
    const QString title = tr("auto-heal gave up: %1/%2").arg(e.service, e.check);
    m_tray->notify(title, e.detail);
    statusBar()->showMessage(e.detail, 15000);
    if (isAway())
        m_away->record(formatClock(e.time) + u"  " + title, Status::Down);
}

void MainWindow::showAdminPanel()
{
    if (m_adminPanel)
        m_tabs->setCurrentWidget(m_adminPanel);
}

void MainWindow::setConfigPath(const QString& path)
{
    m_configPath = path;
    m_summary->setConfigPath(path);
    setWindowTitle(QStringLiteral("healthdeck \u2014 %1").arg(path));
}

void MainWindow::onConfigLoaded(const Config& config)
{
    m_haveConfig = true;
    m_configBanner->hide();
    m_matrix->setConfig(config);
    QStringList keys, services;
    for (const ServiceConfig& s : config.services) {
        services << s.name;
        for (const CheckConfig& c : s.checks)
            keys << c.key();
    }
    m_charts->setChecks(keys);
    m_history->setServices(services);
}

void MainWindow::onConfigFailed(const QStringList& errors)
{
    m_configBanner->setText(
        (m_haveConfig ? tr("The config file has errors; the previous config stays in force until they are fixed:")
                      : tr("The config file has errors; nothing is monitored until they are fixed:"))
        + u'\n' + errors.join(u'\n'));
    m_configBanner->show();
}

void MainWindow::onRowsUpdated(const QList<RowState>& rows)
{
    m_matrix->updateRows(rows);
    if (!m_expandedOnce && m_matrix->rowCount() > 0) {
        m_view->expandToDepth(1); // sections and services
        m_expandedOnce = true;
    }
    if (!m_view->currentIndex().isValid() && m_proxy->rowCount() > 0) {
        // Start on the most important row: the first check of the first section.
        const QModelIndex group = m_proxy->index(0, 0);
        const QModelIndex service = m_proxy->index(0, 0, group);
        const QModelIndex first = m_proxy->index(0, 0, service);
        if (first.isValid())
            m_view->setCurrentIndex(first);
    }
    for (const RowState& r : rows) {
        if (r.key == m_currentKey
            || (m_currentKey.startsWith(r.service + u'/') && r.check == m_currentKey.section(u'/', 1, 1))) {
            refreshDetail();
            break;
        }
    }
}

QString MainWindow::currentKey() const
{
    return m_currentKey;
}

bool MainWindow::selectKey(const QString& key)
{
    QModelIndex source = m_matrix->indexOfKey(key);
    if (!source.isValid())
        source = m_matrix->indexOfService(key);
    const QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

void MainWindow::onCurrentChanged()
{
    const QModelIndex index = m_view->currentIndex();
    QString key = index.data(CheckKeyRole).toString();
    if (MatrixModel::NodeKind(index.data(NodeKindRole).toInt()) == MatrixModel::NodeKind::Service) {
        // A service stands for its most important check: the first one in display order.
        const QModelIndex first = m_proxy->index(0, 0, index.sibling(index.row(), 0));
        key = first.isValid() ? first.data(CheckKeyRole).toString() : QString();
    }
    m_currentKey = key;
    refreshDetail();
    const QString service = index.data(ServiceRole).toString();
    if (service != m_currentService) {
        m_currentService = service;
        Q_EMIT serviceSelected(service);
    }
    if (const auto row = m_matrix->rowState(key))
        m_charts->setCurrentCheck(row->service + u'/' + row->check);
}

void MainWindow::refreshDetail()
{
    const auto row = m_matrix->rowState(m_currentKey);
    if (!row) {
        m_detail->showRows(QString(), {});
        return;
    }
    m_detail->showRows(m_currentKey, m_matrix->rowsOfCheck(row->service, row->check));
    m_detail->setRemediationPlan(m_planner ? m_planner->planForRow(m_currentKey) : std::nullopt);
}

void MainWindow::onSummaryChanged()
{
    const MatrixModel::Summary& s = m_matrix->summary();
    m_summary->setSummary(s, *m_matrix);
    m_charts->setFailingNow(s.count(Status::Down) + s.count(Status::Stale) + s.count(Status::Unknown));
    updateTrayIcon();
}

void MainWindow::updateTrayIcon()
{
    const MatrixModel::Summary& s = m_matrix->summary();
    m_tray->setStatus(s.total == 0 ? Status::Starting : s.worst, m_summary->headline());
}

void MainWindow::raiseNotice(const AlertNotice& n)
{
    if (n.kind == AlertNotice::Kind::Failing) {
        const QStringList impacted = m_matrix->impactedServices(n.service);
        QString body = n.body();
        if (!impacted.isEmpty())
            body += u'\n' + tr("Also affects: %1").arg(impacted.join(QStringLiteral(", ")));
        m_tray->notify(n.title(), body);
    }
    if (n.kind == AlertNotice::Kind::Failing)
        m_lastNotice = n;
    Q_EMIT notified(n);
    if (isAway()) {
        m_away->record(
            formatClock(n.time) + u"  " + n.title() + (n.body().isEmpty() ? QString() : u" \u2014 " + n.body()),
            n.kind == AlertNotice::Kind::Failing ? n.status : Status::Ok);
    }
}

bool MainWindow::isAway() const
{
    return !isActiveWindow() || isMinimized() || !isVisible();
}

QStringList MainWindow::missedWhileAway() const
{
    return m_away->lines();
}

void MainWindow::setNotificationDelay(int ms)
{
    m_notifier->setSettleMs(ms);
}

void MainWindow::acknowledgeCurrent()
{
    m_checkActions->acknowledge(m_currentKey);
}

void MainWindow::silenceCurrent()
{
    m_checkActions->silence(m_currentKey);
}

void MainWindow::runNowCurrent()
{
    m_checkActions->runNow(m_currentKey);
}

void MainWindow::openDetail()
{
    m_tabs->setCurrentIndex(StatusTab);
    QList<int> sizes = m_splitter->sizes();
    if (sizes.value(1) < 200) {
        const int total = sizes.value(0) + sizes.value(1);
        m_splitter->setSizes({ total * 3 / 5, total * 2 / 5 });
    }
    m_detail->setFocus(Qt::OtherFocusReason);
    if (QWidget* text = m_detail->findChild<QWidget*>(QStringLiteral("detailText")))
        text->setFocus(Qt::OtherFocusReason);
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        m_away->showUnseen();
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    QApplication::setPalette(themePalette(theme));
    for (QAction* a : m_themeGroup->actions())
        a->setChecked(a->data().toInt() == int(theme));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/statusSplitter"), m_splitter->saveState());
    s.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    s.setValue(QStringLiteral("matrix/header"), m_view->header()->saveState());
    s.setValue(QStringLiteral("history/header"), m_history->view()->horizontalHeader()->saveState());
    s.setValue(QStringLiteral("view/theme"), themeName(m_theme));
}

void MainWindow::restoreSettings()
{
    QSettings s;
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1500, 900);
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_away->dock()->hide();
    m_splitter->restoreState(s.value(QStringLiteral("window/statusSplitter")).toByteArray());
    m_savedTab = s.value(QStringLiteral("window/tab"), int(StatusTab)).toInt();
    m_tabs->setCurrentIndex(m_savedTab < m_tabs->count() ? m_savedTab : int(StatusTab));
    m_view->header()->restoreState(s.value(QStringLiteral("matrix/header")).toByteArray());
    m_history->view()->horizontalHeader()->restoreState(s.value(QStringLiteral("history/header")).toByteArray());
    // The matrix always opens in attention order, whatever column was sorted last.
    m_view->sortByColumn(MatrixModel::ColName, Qt::AscendingOrder);
    setTheme(themeFromName(s.value(QStringLiteral("view/theme")).toString()));
}

} // namespace hd
