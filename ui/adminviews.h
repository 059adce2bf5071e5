#pragma once

#include "admin/adminpreset.h"

#include <QColor>
#include <QGroupBox>
#include <QPointer>
#include <QTableWidget>
#include <QTimer>

class QPushButton;

namespace hd {

class HistoryStore;
struct AuditEntry;

// The colour an outcome ("success", "unknown", "failure", ...) is shown in.
QColor adminOutcomeColor(const QString& outcome);

// The scheduler's jobs (objectName adminJobTable) with a live countdown to each next run, ticked locally: it never
// polls the backend.
class SchedulerJobTable final : public QTableWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SchedulerJobTable)

public:
    explicit SchedulerJobTable(QWidget* parent = nullptr);

    void setJobs(const QList<SchedulerJob>& jobs);
    void clearJobs() { setJobs({}); }

    // "in 1h 02m 03s", "in 2m 05s", "in 45s"; "due" once the time has come.
    static QString countdownText(qint64 ms);

private:
    void tick();

    QList<SchedulerJob> m_jobs;
    QTimer m_countdown;
};

// A service's audit log (objectName adminAuditGroup), newest first, read from the history store. It shows in
// read-only mode too.
class AdminAuditLog final : public QGroupBox {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminAuditLog)

public:
    // Not owned; without a store the log stays empty.
    explicit AdminAuditLog(HistoryStore* store, QWidget* parent = nullptr);

    void setService(const QString& service); // empties the table; reload() fills it
    void reload();

Q_SIGNALS:
    void loaded(int rows);

private:
    void onAuditReady(quint64 requestId, const QList<hd::AuditEntry>& entries);

    QPointer<HistoryStore> m_store;
    QString m_service;
    quint64 m_request = 0;
    QTableWidget* m_table = nullptr;
    QPushButton* m_reload = nullptr;
};

} // namespace hd
