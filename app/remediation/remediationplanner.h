#pragma once

#include "config/config.h"
#include "monitor/rowstate.h"
#include "remediationplan.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <functional>
#include <memory>

class QProcess;

namespace hd {

class AdminRunner;
class HistoryStore;
class MonitorEngine;
class RemediationLease;
struct AdminResult;
struct AuditEntry;

// Auto-healing (docs/contract.md §8): watches the rows of the checks and services that have `remediate:`, and when
// one has been down in its hard state for `after`, runs its admin action (through an AdminRunner, so it is sent
// exactly once and audited) or its `exec` command (audited here). The check's next results decide whether an
// attempt helped; without recovery the next attempt follows after `backoff`, doubling each time, up to
// `max_attempts`, then it gives up once. `window` healthy restores the budget.
//
// It never acts while the check is off-hours, acknowledged, silenced or impacted by another service's failure,
// while it is switched off (--no-remediate, the menu), in read-only mode, or while another process holds the
// history's lease.
//
// Why it is longer than 600 lines (about 720): one plan's guardrails, back-off, budget, lease and its two kinds of
// attempt (an admin action, an exec) read and write the same per-target state.
class RemediationPlanner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemediationPlanner)

public:
    using Clock = std::function<QDateTime()>;

    // admin (AdminClient in `monitor`, AdminService in the dashboard) and store are not owned; either may be null (no
    // admin actions; exec attempts not audited).
    RemediationPlanner(AdminRunner* admin, HistoryStore* store, QObject* parent = nullptr);
    ~RemediationPlanner() override;

    // Follows the engine's config and rows.
    void attach(MonitorEngine* engine);
    void setConfig(const Config& config);
    void updateRows(const QList<RowState>& rows);
    void removeRows(const QStringList& keys);

    void setEnabled(bool enabled); // --no-remediate and the menu toggle
    bool isEnabled() const { return m_enabled; }
    void setReadOnly(bool readOnly);
    // Only the lease's holder acts; without a lease this process always does. The planner takes the lease while
    // it may act (switched on, not read-only, a remediate: in the config) and gives it back otherwise, so a
    // process that will not act never keeps another from acting.
    void setLease(RemediationLease* lease);
    void setClock(Clock clock) { m_clock = std::move(clock); }

    // The operator's say over a pending attempt: cancel it (until the check recovers), or make it now.
    bool cancel(const QString& target);
    bool runNow(const QString& target);

    QList<RemediationPlan> plans() const;
    std::optional<RemediationPlan> plan(const QString& target) const;
    // The plan that covers a matrix row ("service/check[/item]"), if any.
    std::optional<RemediationPlan> planForRow(const QString& rowKey) const;
    bool isBusy() const; // an attempt is in flight
    // The down rows of plans with an attempt pending or in flight: the matrix's HEALING badge.
    QSet<QString> healingRows() const;
    // The config has a remediate: anywhere.
    static bool hasRemediation(const Config& config);

Q_SIGNALS:
    void planChanged(const hd::RemediationPlan& plan);
    void attemptStarted(const hd::RemediationPlan& plan);
    void attemptFinished(const hd::RemediationEvent& event); // after its audit row is written
    void gaveUp(const hd::RemediationEvent& event);

private:
    struct Target;
    struct Row {
        QString service;
        QString check;
        Status status = Status::Starting;
        QDateTime since;
        bool counts = true;
        bool offHours = false;
        bool acknowledged = false;
        bool silenced = false;
        QString impactedBy;
    };

    QDateTime now() const { return m_clock ? m_clock() : QDateTime::currentDateTimeUtc(); }
    bool covers(const Target& t, const QString& rowKey, const Row& row) const;
    void evaluateAll();
    void evaluate(Target& t, const QDateTime& at);
    QString globalBlock() const;
    void updateLease();
    void onLeaseHeld(bool held);
    void onAudit(quint64 requestId, const QList<hd::AuditEntry>& entries);
    void start(Target& t);
    void finish(const QString& target, const QString& result, const QString& detail);
    void onAdminFinished(const AdminResult& result);
    void arm();
    RemediationPlan planOf(const Target& t) const;
    void publish(Target& t);

    QPointer<AdminRunner> m_admin;
    QPointer<HistoryStore> m_store;
    QPointer<RemediationLease> m_lease;
    Clock m_clock;
    QString m_configDir;
    QHash<QString, Row> m_rows;
    std::vector<std::unique_ptr<Target>> m_targets; // config order
    QHash<quint64, QString> m_requests; // admin request id -> target
    QTimer m_timer;
    bool m_enabled = true;
    bool m_readOnly = false;
    bool m_hasRemediation = false;
    bool m_held = false;
    quint64 m_auditRequest = 0; // while set, the previous holder's attempts are being read: no new attempt
};

} // namespace hd
