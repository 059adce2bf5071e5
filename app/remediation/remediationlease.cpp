#include "remediationlease.h"

#include "store/historystore.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>

namespace hd {

RemediationLease::RemediationLease(HistoryStore* store, const QString& role, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_id(role + u'@' + QSysInfo::machineHostName() + u':' + QString::number(QCoreApplication::applicationPid()) + u':'
          + QString::number(QRandomGenerator::global()->generate(), 16))
    , m_reason(QStringLiteral("not acquired yet"))
{
    m_timer.setInterval(10'000);
    connect(&m_timer, &QTimer::timeout, this, &RemediationLease::renew);
}

RemediationLease::~RemediationLease()
{
    stop();
}

void RemediationLease::setTiming(qint64 ttlMs, qint64 renewMs)
{
    m_ttlMs = ttlMs;
    m_timer.setInterval(int(renewMs));
}

void RemediationLease::start()
{
    if (m_running)
        return;
    m_running = true;
    m_timer.start();
    renew();
}

void RemediationLease::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_timer.stop();
    // Queued on the store's worker, ahead of anything asked later (a new holder's acquire included); never waited
    // for, since the dashboard stops the lease on its window's thread.
    if (m_held && m_store && m_store->isOpen())
        m_store->releaseLease(leaseName(), m_id);
    setHeld(false, QStringLiteral("stopped"));
}

bool RemediationLease::isHeld() const
{
    // A renewal answered late must not let two processes act: past the ttl the lease may be someone else's.
    return m_held && m_sinceAcquired.isValid() && m_sinceAcquired.elapsed() < m_ttlMs;
}

void RemediationLease::renew()
{
    if (!m_store || !m_running)
        return;
    auto asked = std::make_shared<QElapsedTimer>();
    asked->start();
    m_store->acquireLease(leaseName(), m_id, m_ttlMs, this, [this, asked](const WriteResult& r) {
        if (!m_running)
            return;
        if (r.ok && r.persisted && r.rowsAffected == 1) {
            m_sinceAcquired = *asked; // counted from the request: the expiry was set no earlier than that
            setHeld(true, QString());
        } else if (r.ok && !r.persisted) {
            setHeld(false, QStringLiteral("the history runs in memory, so no other process can be told apart"));
        } else if (r.ok) {
            setHeld(false, u"another healthdeck acts for this history (" + r.error + u')');
        } else {
            setHeld(false, u"the history could not be asked: " + r.error);
        }
    });
}

void RemediationLease::setHeld(bool held, const QString& reason)
{
    const bool changed = held != m_held || reason != m_reason;
    m_held = held;
    m_reason = reason;
    if (changed)
        Q_EMIT heldChanged(held, reason);
}

} // namespace hd
