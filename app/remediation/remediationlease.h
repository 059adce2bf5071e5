#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

namespace hd {

class HistoryStore;

// The lease that makes one process the actor for everyone sharing a history file: a row in the history's
// `leases` table with this process's id and an expiry, renewed well before it runs out. A dashboard and a
// `monitor` on the same file thus never both run auto-heal actions; when the holder stops (or dies), another
// takes over once its lease has expired.
class RemediationLease final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemediationLease)

public:
    // store is not owned. `role` goes into the holder id ("monitor", "dashboard").
    RemediationLease(HistoryStore* store, const QString& role, QObject* parent = nullptr);
    ~RemediationLease() override; // releases the lease

    // Test seam: how long a lease lasts and how often it is renewed.
    void setTiming(qint64 ttlMs, qint64 renewMs);
    void start();
    void stop(); // stops renewing and releases the lease

    // Held, and renewed recently enough that it cannot have expired meanwhile.
    bool isHeld() const;
    QString holderId() const { return m_id; }
    // Why it is not held: the other holder's id, the history in memory, an error.
    QString reason() const { return m_reason; }

    static QString leaseName() { return QStringLiteral("remediation"); }

Q_SIGNALS:
    void heldChanged(bool held, const QString& reason);

private:
    void renew();
    void setHeld(bool held, const QString& reason);

    HistoryStore* m_store;
    QString m_id;
    qint64 m_ttlMs = 30'000;
    QTimer m_timer;
    QElapsedTimer m_sinceAcquired; // from the request that took or renewed it
    bool m_held = false;
    bool m_running = false;
    QString m_reason;
};

} // namespace hd
