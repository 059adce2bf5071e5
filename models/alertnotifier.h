#pragma once

#include "alertpolicy.h"

#include <QObject>
#include <QTimer>
#include <functional>

namespace hd {

// When state changes become desktop notices. The changes of one poll cycle go through the AlertPolicy together;
// a failure notice then waits the settle time and is raised only if its service is still a root cause, as the
// engine decided it (RowState::rootCause, read through isRootCause); a failure and its recovery inside the settle
// time were a blip, and neither is raised.
class AlertNotifier final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertNotifier)
public:
    explicit AlertNotifier(std::function<bool(const QString& service)> isRootCause, QObject* parent = nullptr);

    void addChange(const StateChange& change);
    void setSettleMs(int ms) { m_settle.setInterval(ms); }

Q_SIGNALS:
    void noticeRaised(const hd::AlertNotice& notice);

private:
    void flush();
    void fireSettled();

    std::function<bool(const QString&)> m_isRootCause;
    AlertPolicy m_policy;
    QList<StateChange> m_pending;
    QTimer m_batch;
    QTimer m_settle;
    QList<AlertNotice> m_held; // failure notices waiting for m_settle
};

} // namespace hd
