#pragma once

#include "admin/adminpreset.h"
#include "admin/adminservice.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>
#include <optional>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QVBoxLayout;

namespace hd {

class AdminAuditLog;
class HistoryStore;
class SchedulerJobTable;

// The admin actions of one service (docs/contract.md §6) on top of AdminService: the scheduler with its jobs and a
// live countdown to each next run, job triggers, cache statistics and clearing, the Telegram test, the
// config's own actions with a form each, and the service's audit log.
//
// Every action that needs confirming asks first and names what will happen; a cancelled question is audited
// and sends nothing. While a request of the service is in flight every control is disabled, so nothing can be
// sent twice. In read-only mode the actions are hidden and refused; only the audit log shows. The questions go
// through Prompts (ui/prompts.h), whose seams answer them in tests.
class AdminPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminPanel)

public:
    // Neither is owned. Without a store the audit log stays empty.
    explicit AdminPanel(AdminService* client, HistoryStore* store = nullptr, QWidget* parent = nullptr);
    ~AdminPanel() override;

    // Shows the service's actions and reads its scheduler status, cache statistics and audit log; while the
    // panel is hidden the reads wait until it is shown, so that browsing services does not fill the audit log.
    void setService(const QString& service);
    QString service() const { return m_service; }
    // Follows the matrix's selection: the selected row's service when it has admin actions; otherwise the panel
    // stays on the service it shows, or opens on the first service that has some.
    void followSelection(const QString& service);
    // Reads the scheduler status and cache statistics again (each read is an audited action), and the audit log.
    void refresh();
    // Call after AdminService::setConfig: rebuilds the forms for the current service.
    void reloadActions();

    // True while a request of the service is in flight or queued.
    bool isBusy() const;

protected:
    void showEvent(QShowEvent* event) override;

Q_SIGNALS:
    void actionFinished(const hd::AdminResult& result); // a result for this panel's service
    void busyChanged(bool busy);
    void auditLoaded(int rows);

private:
    struct Pending {
        QString service;
        QString action;
        AdminParams params;
        bool confirmed = false;
        bool background = false; // a read the panel makes by itself: its message is not news
    };

    void buildUi();
    void rebuildCustomActions();
    void updateVisibility();
    void updateEnabled();
    bool hasAction(const QString& action) const;

    // Asks (unless the action needs no confirmation), then queues the action. Returns false if it was cancelled.
    bool requestAction(const QString& action, const AdminParams& params);
    void enqueue(const Pending& pending);
    void runNext();
    void onFinished(const AdminResult& result);
    void showResult(const AdminResult& result);
    void showMessage(const QString& text, const QString& outcome);

    void applySchedulerStatus(const SchedulerStatus& status);
    void applyCacheStats(const CacheStats& stats);
    void askForPassword();

    AdminParams cacheClearParams() const;
    AdminParams customParams(const QString& action) const;

    AdminService* m_client;
    QPointer<HistoryStore> m_store;
    QString m_service;
    QList<Pending> m_queue;
    QHash<quint64, Pending> m_mine; // requests this panel started and waits for
    bool m_wasBusy = false;
    bool m_refreshWhenShown = false;
    SchedulerStatus m_scheduler;

    QLabel* m_title = nullptr;
    QComboBox* m_picker = nullptr; // the services with admin: entries
    QLabel* m_notice = nullptr; // read-only mode, or no admin section for the service
    QLabel* m_message = nullptr;
    QLabel* m_inFlight = nullptr;
    QWidget* m_actionsArea = nullptr;
    QPushButton* m_storePassword = nullptr;

    QGroupBox* m_schedulerGroup = nullptr;
    QLabel* m_schedulerState = nullptr;
    SchedulerJobTable* m_jobTable = nullptr;
    QPushButton* m_schedulerRefresh = nullptr;
    QPushButton* m_schedulerStart = nullptr;
    QPushButton* m_schedulerStop = nullptr;
    QPushButton* m_schedulerRestart = nullptr;

    QGroupBox* m_triggerGroup = nullptr;
    QComboBox* m_jobType = nullptr;
    QPushButton* m_triggerJob = nullptr;

    QGroupBox* m_cacheGroup = nullptr;
    QHash<QString, QLabel*> m_cacheStats; // "total_clients", ... -> value label
    QPushButton* m_cacheRefresh = nullptr;
    QComboBox* m_cacheType = nullptr;
    QComboBox* m_cacheExchange = nullptr;
    QComboBox* m_cacheMarketType = nullptr;
    QPushButton* m_cacheClear = nullptr;

    QGroupBox* m_telegramGroup = nullptr;
    QPushButton* m_testTelegram = nullptr;

    QGroupBox* m_customGroup = nullptr;
    QVBoxLayout* m_customLayout = nullptr;
    QWidget* m_customForms = nullptr;
    QHash<QString, QList<QWidget*>> m_customInputs; // action -> its parameter widgets (objectName holds the param)

    AdminAuditLog* m_audit = nullptr;
};

} // namespace hd
