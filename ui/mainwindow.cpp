#include "mainwindow.h"

#include "chartspanel.h"
#include "demosession.h"
#include "detailpane.h"
#include "historypanel.h"
#include "matrixdelegate.h"
#include "models/displaytext.h"
#include "models/historymodel.h"
#include "models/matrixfilterproxy.h"
#include "models/matrixmodel.h"
#include "models/monitorbridge.h"
#include "models/statusroles.h"
#include "monitor/dependencygraph.h"
#include "prompts.h"
#include "remediation/remediationplanner.h"
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
#include <functional>

// The application icon lives in the resources library, linked statically.
static void initIconResources()
{
    static const bool done = [] {
        Q_INIT_RESOURCE(resources);
        return true;
    }();
    Q_UNUSED(done);
}

namespace hd {

namespace {

enum Tab { StatusTab, ChartsTab, HistoryTab, AdminTab };

// The application icon with the worst status as a badge in its corner, at each size a desktop asks for.
QIcon statusIcon(Status status)
{
    initIconResources();
    QIcon icon;
    for (const int size : { 16, 32, 64, 128 }) {
        QPixmap pixmap(QStringLiteral(":/healthdeck/icons/healthdeck-%1.png").arg(size));
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal badge = size * 0.46;
        p.setPen(QPen(QColor(255, 255, 255), qMax(1.0, size / 24.0)));
        p.setBrush(statusColor(status));
        p.drawEllipse(QRectF(size - badge - 0.5, size - badge - 0.5, badge, badge));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QString currentUser()
{
    const QByteArray user = qgetenv("USER");
    return user.isEmpty() ? QStringLiteral("operator") : QString::fromLocal8Bit(user);
}

} // namespace

MainWindow::MainWindow(MonitorBridge* bridge, HistoryStore* store, QWidget* parent)
    : QMainWindow(parent)
    , m_bridge(bridge)
    , m_store(store)
    , m_matrix(new MatrixModel(this))
    , m_proxy(new MatrixFilterProxy(this))
    , m_summary(new SummaryStrip(this))
    , m_configBanner(new QLabel(this))
    , m_missedBanner(new QWidget(this))
    , m_missedText(new QLabel(m_missedBanner))
    , m_tabs(new QTabWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_detail(new DetailPane(store, this))
    , m_charts(new ChartsPanel(store, this))
    , m_history(new HistoryPanel(store, this))
    , m_missedDock(new QDockWidget(tr("While you were away"), this))
    , m_missedList(new QListWidget(m_missedDock))
    , m_historyStatus(new QLabel(this))
{
    qRegisterMetaType<hd::AlertNotice>();
    qRegisterMetaType<hd::CsvExportResult>();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("healthdeck"));
    m_configBanner->setObjectName(QStringLiteral("configErrorBanner"));
    m_missedBanner->setObjectName(QStringLiteral("missedBanner"));
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_splitter->setObjectName(QStringLiteral("statusSplitter"));
    m_filter->setObjectName(QStringLiteral("matrixFilter"));
    m_view->setObjectName(QStringLiteral("matrixView"));
    m_missedDock->setObjectName(QStringLiteral("missedDock"));
    m_missedList->setObjectName(QStringLiteral("missedList"));
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

    auto* missedLayout = new QHBoxLayout(m_missedBanner);
    missedLayout->setContentsMargins(8, 4, 8, 4);
    auto* showMissed = new QPushButton(tr("Show"), m_missedBanner);
    auto* dismissMissed = new QPushButton(tr("Dismiss"), m_missedBanner);
    showMissed->setObjectName(QStringLiteral("missedShow"));
    dismissMissed->setObjectName(QStringLiteral("missedDismiss"));
    missedLayout->addWidget(m_missedText, 1);
    missedLayout->addWidget(showMissed);
    missedLayout->addWidget(dismissMissed);
    m_missedBanner->setAutoFillBackground(true);
    QPalette missedPalette = m_missedBanner->palette();
    missedPalette.setColor(QPalette::Window, statusColor(Status::Starting));
    missedPalette.setColor(QPalette::WindowText, Qt::white);
    m_missedBanner->setPalette(missedPalette);
    m_missedBanner->hide();
    connect(showMissed, &QPushButton::clicked, this, [this] {
        m_missedDock->show();
        m_missedBanner->hide();
        m_unseenMissed = 0;
    });
    connect(dismissMissed, &QPushButton::clicked, this, [this] {
        m_missedBanner->hide();
        m_unseenMissed = 0;
    });

    // The matrix.
    m_proxy->setSourceModel(m_matrix);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new MatrixDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(MatrixModel::ColName, Qt::AscendingOrder);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->setMouseTracking(true);
    m_view->installEventFilter(this);
    QHeaderView* header = m_view->header();
    header->setStretchLastSection(true);
    // Narrow status and trend columns leave the room to Detail, which says why.
    header->resizeSection(MatrixModel::ColName, 255);
    header->resizeSection(MatrixModel::ColStatus, 165);
    header->resizeSection(MatrixModel::ColLatency, 75);
    header->resizeSection(MatrixModel::ColTrend, 110);
    header->resizeSection(MatrixModel::ColSince, 75);
    m_filter->setPlaceholderText(tr("Filter by name, tag or status (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &MatrixFilterProxy::setFilterText);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!text.isEmpty())
            m_view->expandAll();
    });

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_view, 1);
    m_splitter->addWidget(left);
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
    layout->addWidget(m_missedBanner);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_missedDock->setWidget(m_missedList);
    addDockWidget(Qt::BottomDockWidgetArea, m_missedDock);
    m_missedDock->hide();

    m_lagStatus = new QLabel(this);
    m_lagStatus->setObjectName(QStringLiteral("schedulingLagStatus"));
    statusBar()->addPermanentWidget(m_lagStatus);
    connect(m_bridge, &MonitorBridge::schedulingLagMeasured, this, &MainWindow::showSchedulingLag);
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

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(statusIcon(Status::Starting), this);
        m_tray->setObjectName(QStringLiteral("trayIcon"));
        m_tray->setToolTip(QStringLiteral("healthdeck"));
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] { openNotice(m_lastNotice); });
        m_tray->show();
    }
    setWindowIcon(statusIcon(Status::Starting));

    buildMenus();

    connect(m_bridge, &MonitorBridge::rowsUpdated, this, &MainWindow::onRowsUpdated);
    connect(m_bridge, &MonitorBridge::rowsRemoved, m_matrix, &MatrixModel::removeKeys);
    connect(m_bridge, &MonitorBridge::configLoaded, this, &MainWindow::onConfigLoaded);
    connect(m_bridge, &MonitorBridge::configFailed, this, &MainWindow::onConfigFailed);
    connect(m_bridge, &MonitorBridge::stateChanged, this, [this](const StateChange& change) {
        m_pendingChanges << change;
        m_notifyTimer.start();
    });
    connect(m_bridge, &MonitorBridge::acknowledged, this, [this](const QString& key, bool accepted) {
        const auto row = m_matrix->rowState(key);
        const bool alert = row && row->result.alert;
        statusBar()->showMessage(accepted
                ? (alert ? tr("Alertmanager took the change to %1's silence").arg(key) : tr("Acknowledged %1").arg(key))
                : alert ? tr("Alertmanager refused the silence change for %1: see the audit log").arg(key)
                        : tr("Nothing to acknowledge: %1 is ok").arg(key),
            8000);
    });
    connect(m_bridge, &MonitorBridge::silenced, this, [this](const QString&, const OperatorSilence& s) {
        statusBar()->showMessage(
            tr("Silenced %1 until %2").arg(s.services.join(QStringLiteral(", ")), formatClock(s.end)), 8000);
    });
    connect(m_store, &HistoryStore::eventCommitted, this, [this](const StateEvent& event, bool) {
        if (event.checkKey() == m_detail->currentKey())
            m_detail->refreshHistory();
    });
    connect(m_matrix, &MatrixModel::summaryChanged, this, &MainWindow::onSummaryChanged);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex& parent, int first, int last) {
        // New sections and services open; sub-checks stay folded under their check, and
        // what the user folded stays folded.
        for (int r = first; r <= last; ++r) {
            const QModelIndex index = m_proxy->index(r, 0, parent);
            if (MatrixModel::NodeKind(index.data(NodeKindRole).toInt()) == MatrixModel::NodeKind::Check)
                continue;
            m_view->expand(index);
            for (int c = 0; c < m_proxy->rowCount(index); ++c)
                m_view->expand(m_proxy->index(c, 0, index));
        }
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_view, &QTreeView::doubleClicked, this, &MainWindow::openDetail);
    connect(m_detail, &DetailPane::acknowledgeRequested, this, &MainWindow::acknowledgeCurrent);
    connect(m_detail, &DetailPane::silenceRequested, this, &MainWindow::silenceCurrent);
    connect(m_detail, &DetailPane::runNowRequested, this, &MainWindow::runNowCurrent);
    connect(m_detail, &DetailPane::adminRequested, this, &MainWindow::showAdminPanel);

    m_notifyTimer.setSingleShot(true);
    m_notifyTimer.setInterval(0); // the changes of one poll cycle arrive together
    connect(&m_notifyTimer, &QTimer::timeout, this, &MainWindow::flushNotifications);
    m_settle.setSingleShot(true);
    m_settle.setInterval(5000);
    connect(&m_settle, &QTimer::timeout, this, &MainWindow::fireSettled);

    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* reload = file->addAction(tr("&Reload config"), m_bridge, &MonitorBridge::reloadConfig);
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
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
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
    view->addAction(m_missedDock->toggleViewAction());
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
    QStringList out;
    std::function<void(const QList<QAction*>&)> walk = [&](const QList<QAction*>& actions) {
        for (QAction* a : actions) {
            if (a->menu()) {
                walk(a->menu()->actions());
                continue;
            }
            if (a->shortcut().isEmpty() || !a->isVisible())
                continue;
            out << a->shortcut().toString(QKeySequence::NativeText) + u'\t' + QString(a->text()).remove(u'&');
        }
    };
    walk(menuBar()->actions());
    out << tr("Enter") + u'\t' + tr("Open the selected row's detail");
    out << tr("Tab / Shift+Tab") + u'\t' + tr("Move between the matrix, the detail pane and its buttons");
    out << tr("Esc") + u'\t' + tr("In the filter: clear it and go back to the matrix");
    out << tr("Down / Enter") + u'\t' + tr("In the filter: go to the matrix");
    return out;
}

void MainWindow::showKeyboardShortcuts()
{
    auto* dialog = findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
    if (!dialog) {
        dialog = new QDialog(this);
        dialog->setObjectName(QStringLiteral("shortcutsDialog"));
        dialog->setWindowTitle(tr("Keyboard shortcuts"));
        auto* table = new QTableWidget(dialog);
        table->setObjectName(QStringLiteral("shortcutsTable"));
        table->setColumnCount(2);
        table->setHorizontalHeaderLabels({ tr("Keys"), tr("Action") });
        table->horizontalHeader()->setStretchLastSection(true);
        table->verticalHeader()->hide();
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        const QStringList lines = keyboardShortcuts();
        table->setRowCount(int(lines.size()));
        for (int i = 0; i < lines.size(); ++i) {
            table->setItem(i, 0, new QTableWidgetItem(lines[i].section(u'\t', 0, 0)));
            table->setItem(i, 1, new QTableWidgetItem(lines[i].section(u'\t', 1)));
        }
        table->resizeColumnToContents(0);
        auto* close = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        connect(close, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        auto* layout = new QVBoxLayout(dialog);
        layout->addWidget(table);
        layout->addWidget(close);
        dialog->resize(520, 480);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
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

void MainWindow::setDemo(DemoSession* demo)
{
    m_demo = demo;
    if (m_demoMenu || !demo)
        return;
    m_demoMenu = menuBar()->addMenu(tr("&Demo"));
    m_demoMenu->setObjectName(QStringLiteral("demoMenu"));
    m_demoMenu->setToolTipsVisible(true);
    QList<QAction*> faults;
    int n = 0;
    for (DemoSession::Fault f : DemoSession::faults()) {
        QAction* a = m_demoMenu->addAction(DemoSession::faultLabel(f));
        a->setCheckable(true);
        a->setObjectName(u"demoFault" + QString::number(int(f)));
        if (++n <= 9)
            a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + n)));
        connect(a, &QAction::toggled, demo, [demo, f](bool on) { demo->setFault(f, on); });
        faults << a;
    }
    m_demoMenu->addSeparator();
    QAction* heal = m_demoMenu->addAction(tr("&Heal everything"), demo, &DemoSession::healAll);
    heal->setShortcut(QKeySequence(Qt::ALT | Qt::Key_0));
    connect(demo, &DemoSession::faultsChanged, this, [faults, demo] {
        const auto all = DemoSession::faults();
        for (qsizetype i = 0; i < faults.size(); ++i) {
            const QSignalBlocker block(faults.at(i));
            faults.at(i)->setChecked(demo->isFaultOn(all.at(i)));
        }
    });
    statusBar()->showMessage(
        tr("Demo: break and heal the simulated services from the Demo menu (Alt+1 \u2026 Alt+%1, Alt+0 heals).")
            .arg(qMin(9, int(DemoSession::faults().size()))));
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
    m_detail->setReadOnly(readOnly);
    m_bridge->setReadOnly(readOnly);
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
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, e.detail, QSystemTrayIcon::Critical, 15000);
    statusBar()->showMessage(e.detail, 15000);
    if (isAway()) {
        const QString line = formatClock(e.time) + u"  " + title;
        m_missed << line;
        auto* item = new QListWidgetItem(line, m_missedList);
        item->setForeground(statusColor(Status::Down));
        ++m_unseenMissed;
    }
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
    const Status worstStatus = s.total == 0 ? Status::Starting : s.worst;
    const QString tip = QStringLiteral("healthdeck: ") + m_summary->headline();
    if (m_tray)
        m_tray->setToolTip(tip);
    if (worstStatus == m_trayStatus)
        return;
    m_trayStatus = worstStatus;
    const QIcon icon = statusIcon(worstStatus);
    setWindowIcon(icon);
    if (m_tray)
        m_tray->setIcon(icon);
}

void MainWindow::flushNotifications()
{
    const QList<AlertNotice> notices = m_policy.process(m_pendingChanges);
    m_pendingChanges.clear();
    for (const AlertNotice& n : notices) {
        if (n.kind == AlertNotice::Kind::Failing) {
            m_held << n;
            if (!m_settle.isActive())
                m_settle.start();
            continue;
        }
        // A failure and its recovery inside the settle time were a blip: neither is raised.
        const auto held
            = std::find_if(m_held.begin(), m_held.end(), [&](const AlertNotice& h) { return h.service == n.service; });
        if (held != m_held.end()) {
            m_held.erase(held);
            continue;
        }
        raiseNotice(n);
    }
}

void MainWindow::fireSettled()
{
    const QList<AlertNotice> held = std::exchange(m_held, {});
    for (const AlertNotice& n : held) {
        const QModelIndex service = m_matrix->indexOfService(n.service);
        const bool stillRoot = service.isValid() && service.data(ImpactedByRole).toString().isEmpty()
            && isDependencyFailure(Status(service.data(StatusRole).toInt()));
        if (stillRoot)
            raiseNotice(n);
        else
            m_policy.forget(n.service);
    }
}

void MainWindow::raiseNotice(const AlertNotice& n)
{
    if (n.kind == AlertNotice::Kind::Failing) {
        const QStringList impacted = m_matrix->impactedServices(n.service);
        QString body = n.body();
        if (!impacted.isEmpty())
            body += u'\n' + tr("Also affects: %1").arg(impacted.join(QStringLiteral(", ")));
        if (m_tray && QSystemTrayIcon::supportsMessages())
            m_tray->showMessage(n.title(), body, QSystemTrayIcon::Critical, 15000);
    }
    if (n.kind == AlertNotice::Kind::Failing)
        m_lastNotice = n;
    Q_EMIT notified(n);
    if (isAway()) {
        const QString line
            = formatClock(n.time) + u"  " + n.title() + (n.body().isEmpty() ? QString() : u" \u2014 " + n.body());
        m_missed << line;
        auto* item = new QListWidgetItem(line, m_missedList);
        item->setForeground(statusColor(n.kind == AlertNotice::Kind::Failing ? n.status : Status::Ok));
        ++m_unseenMissed;
    }
}

bool MainWindow::isAway() const
{
    return !isActiveWindow() || isMinimized() || !isVisible();
}

QStringList MainWindow::missedWhileAway() const
{
    return m_missed;
}

void MainWindow::showMissed()
{
    if (m_unseenMissed == 0)
        return;
    m_missedText->setText(tr("While you were away: %n alert(s) and recoveries. Newest: %1", nullptr, m_unseenMissed)
                              .arg(m_missed.isEmpty() ? QString() : m_missed.last()));
    m_missedBanner->show();
}

void MainWindow::acknowledgeCurrent()
{
    const auto row = m_matrix->rowState(m_currentKey);
    if (!row) {
        statusBar()->showMessage(tr("Select a check to acknowledge"), 5000);
        return;
    }
    const bool alert = bool(row->result.alert);
    if (alert && m_readOnly) {
        statusBar()->showMessage(
            tr("Read-only mode: %1 is an Alertmanager alert, and acknowledging it would write a silence").arg(row->key),
            8000);
        return;
    }
    if (isAcknowledged(*row)) {
        m_bridge->unacknowledge(row->key);
        statusBar()->showMessage(alert ? tr("Expiring the Alertmanager silence of %1\u2026").arg(row->key)
                                       : tr("Acknowledgement of %1 removed").arg(row->key),
            8000);
        return;
    }
    if (row->status == Status::Ok) {
        statusBar()->showMessage(tr("Nothing to acknowledge: %1 is ok").arg(row->key), 5000);
        return;
    }
    const std::optional<AckAnswer> answer = Prompts::acknowledge(this, row->key);
    if (!answer)
        return;
    Acknowledgement ack;
    ack.checkKey = row->key;
    ack.author = currentUser();
    ack.comment = answer->comment;
    ack.created = QDateTime::currentDateTimeUtc();
    if (answer->expiresInMs > 0)
        ack.expires = ack.created.addMSecs(answer->expiresInMs);
    m_bridge->acknowledge(ack);
    TimelineEntry entry;
    entry.kind = TimelineEntry::Kind::Acknowledgement;
    entry.timeMs = ack.created.toMSecsSinceEpoch();
    entry.service = row->service;
    entry.check = row->check;
    entry.item = row->item;
    entry.who = ack.author;
    entry.detail = ack.comment;
    entry.expiresMs = ack.expires.isValid() ? ack.expires.toMSecsSinceEpoch() : 0;
    m_history->model()->addLive(entry);
}

void MainWindow::silenceCurrent()
{
    const auto row = m_matrix->rowState(m_currentKey);
    if (!row) {
        statusBar()->showMessage(tr("Select a check to silence its service"), 5000);
        return;
    }
    const std::optional<qint64> duration = Prompts::silenceFor(this, row->service);
    if (!duration)
        return;
    OperatorSilence s;
    s.services = { row->service };
    s.author = currentUser();
    s.comment = tr("silenced from the dashboard");
    s.created = QDateTime::currentDateTimeUtc();
    s.start = s.created;
    s.end = s.created.addMSecs(*duration);
    m_bridge->silence(s);
}

void MainWindow::runNowCurrent()
{
    if (m_currentKey.isEmpty())
        return;
    m_bridge->runNow(m_currentKey);
    statusBar()->showMessage(tr("Running %1 now\u2026").arg(m_currentKey), 3000);
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

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (watched == m_view && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
            openDetail();
            return true;
        }
        if (watched == m_filter && key->key() == Qt::Key_Escape) {
            m_filter->clear();
            m_view->setFocus();
            return true;
        }
        if (watched == m_filter && (key->key() == Qt::Key_Down || key->key() == Qt::Key_Return)) {
            m_view->setFocus();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        showMissed();
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
    m_missedDock->hide();
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
