#pragma once

#include "monitor/rowstate.h"

#include <QHash>
#include <QSet>

namespace hd {

// Something worth a desktop notification: a service that went down or stale on
// its own (a root cause), or its recovery.
struct AlertNotice {
    enum class Kind { Failing, Recovered };
    Kind kind = Kind::Failing;
    QString service;
    QDateTime time;
    Status status = Status::Down;
    QStringList checks; // "ready", "heartbeat > health:worker1"
    QString detail;

    QString title() const; // "database is DOWN", "database recovered"
    QString body() const; // the checks and the first detail
};

// Decides which state changes deserve a notification. One notice per root-cause
// service, however many of its checks fail; none for a check that is impacted by
// a dependency, acknowledged or silenced; a recovery notice once every failing
// check of a notified service is fine again.
class AlertPolicy final {
public:
    QList<AlertNotice> process(const QList<StateChange>& changes);
    void reset();
    // Drops a service's notice after the fact (it turned out to be impacted): its recovery is not announced.
    void forget(const QString& service) { m_notified.remove(service); }
    bool isNotified(const QString& service) const { return m_notified.contains(service); }

private:
    QHash<QString, QSet<QString>> m_failing; // service -> keys of its failing, notified checks
    QSet<QString> m_notified;
};

} // namespace hd

Q_DECLARE_METATYPE(hd::AlertNotice)
