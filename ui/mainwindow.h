#pragma once

#include "models/alertpolicy.h"
#include "monitor/rowstate.h"
#include "monitor/schedulinglag.h"
#include "statuspalette.h"

#include <QMainWindow>
#include <QPointer>
#include <QTimer>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QLineEdit;
class QListWidget;
class QMenu;
class QSplitter;
class QSystemTrayIcon;
class QTabWidget;
class QToolButton;
class QTreeView;

namespace hd {

class AlertNotifier;
class AwayLog;
class ChartsPanel;
class CheckActions;
class DetailPane;
class HistoryPanel;
class HistoryStore;
class MatrixFilterProxy;
class MatrixPane;
class MatrixModel;
class MonitorRuntime;
class RemediationPlanner;
struct RemediationEvent;
class StatusTray;
class SummaryStrip;

// The dashboard: summary strip, status matrix with the selected check's detail,
// charts, alert history; config-error banner, tray icon, notifications per root
// cause, and what happened while the user was away. It talks to the engine only
// through the MonitorRuntime (queued) and to the history only asynchronously.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    MainWindow(MonitorRuntime* runtime, HistoryStore* store, QWidget* parent = nullptr);
    ~MainWindow() override;

    void setConfigPath(const QString& path);
    // Takes the Demo menu that breaks and heals the simulated services (made by the dashboard front end, which runs
    // the demo: addDemoMenu in dashboard/demomenu.h) and says in the status bar how to use it.
    void setDemoMenu(QMenu* menu);
    // Puts a service's admin actions in an "Admin" tab (the window takes
    // ownership; a second call replaces the first panel) and shows the detail
    // pane's "Admin actions…" button, which opens that tab. Keep the panel in
    // step with serviceSelected() and currentService().
    void setAdminPanel(QWidget* panel);
    // --read-only: besides the admin actions, no silence is written to or expired in Alertmanager.
    void setReadOnly(bool readOnly);
    // The status bar's word on the engine's schedule (MonitorRuntime::schedulingLagMeasured).
    void showSchedulingLag(const hd::SchedulingLag& lag);
    static constexpr qint64 kBehindScheduleMs = 1000; // p99 this late or later: behind schedule
    QWidget* adminPanel() const { return m_adminPanel; }
    void showAdminPanel();
    // Auto-heal: the Check menu's toggle, the plan in the detail pane (Cancel, Run now), the HEALING badge, and a
    // notification when it gives up. The planner is not owned.
    void setRemediation(RemediationPlanner* planner);
    QAction* autoHealAction() const { return m_autoHealAction; }

    MatrixModel* matrixModel() const { return m_matrix; }
    MatrixFilterProxy* matrixProxy() const { return m_proxy; }
    QTreeView* matrixView() const { return m_view; }
    DetailPane* detailPane() const { return m_detail; }
    HistoryPanel* historyPanel() const { return m_history; }
    ChartsPanel* chartsPanel() const { return m_charts; }
    SummaryStrip* summaryStrip() const { return m_summary; }
    QStringList missedWhileAway() const;
    QString currentKey() const;
    QString currentService() const { return m_currentService; } // the selected row's service; empty when none
    // Selects a row of the matrix by key ("service/check[/item]" or a service name).
    bool selectKey(const QString& key);

    // What a click on a desktop notification does: brings the window up on the root cause's failing check, with
    // its detail shown.
    void openNotice(const hd::AlertNotice& notice);
    // Every keyboard shortcut, one "keys<TAB>what" per line, as Help -> Keyboard shortcuts lists them.
    QStringList keyboardShortcuts() const;
    void showKeyboardShortcuts();

    void acknowledgeCurrent();
    void silenceCurrent();
    void runNowCurrent();
    void openDetail();
    // How long a failure notice waits for the dependency picture to settle: a
    // service whose dependency fails a moment later is impacted, not a root cause.
    void setNotificationDelay(int ms);

Q_SIGNALS:
    void notified(const hd::AlertNotice& notice); // a desktop notification was raised
    // The selection moved to a row of another service (empty: a section or nothing is selected).
    void serviceSelected(const QString& service);

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildMenus();
    void onRowsUpdated(const QList<hd::RowState>& rows);
    void onConfigLoaded(const hd::Config& config);
    void onConfigFailed(const QStringList& errors);
    void onCurrentChanged();
    void refreshDetail();
    void onSummaryChanged();
    void raiseNotice(const AlertNotice& notice);
    void setTheme(Theme theme);
    void updateTrayIcon();
    void onRemediationChanged();
    void onGaveUp(const hd::RemediationEvent& event);
    void saveSettings() const;
    void restoreSettings();
    bool isAway() const;

    MonitorRuntime* m_runtime;
    HistoryStore* m_store;
    MatrixModel* m_matrix;
    MatrixFilterProxy* m_proxy;
    SummaryStrip* m_summary;
    QLabel* m_configBanner;
    QTabWidget* m_tabs;
    QSplitter* m_splitter;
    MatrixPane* m_pane;
    QLineEdit* m_filter; // the pane's
    QTreeView* m_view; // the pane's
    DetailPane* m_detail;
    ChartsPanel* m_charts;
    HistoryPanel* m_history;
    AwayLog* m_away;
    AlertNotifier* m_notifier;
    QLabel* m_historyStatus;
    CheckActions* m_checkActions;
    StatusTray* m_tray;
    QLabel* m_lagStatus = nullptr;
    QMenu* m_demoMenu = nullptr;
    QActionGroup* m_themeGroup = nullptr;
    QMenu* m_viewMenu = nullptr;
    QAction* m_adminAction = nullptr;
    QMenu* m_checkMenu = nullptr;
    AlertNotice m_lastNotice; // the newest failure notice, for a click on it
    QAction* m_autoHealAction = nullptr;
    QPointer<RemediationPlanner> m_planner;
    QPointer<QWidget> m_adminPanel;

    QString m_configPath;
    bool m_haveConfig = false;
    bool m_readOnly = false;
    bool m_expandedOnce = false;
    QString m_currentKey;
    QString m_currentService;
    int m_savedTab = 0; // restored once the tab exists (the Admin tab comes later)
    Theme m_theme = Theme::System;
};

} // namespace hd
