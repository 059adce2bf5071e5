#include "alertnotifier.h"

#include <algorithm>

namespace hd {

AlertNotifier::AlertNotifier(std::function<bool(const QString&)> isRootCause, QObject* parent)
    : QObject(parent)
    , m_isRootCause(std::move(isRootCause))
{
    m_batch.setSingleShot(true);
    m_batch.setInterval(0); // the changes of one poll cycle arrive together
    connect(&m_batch, &QTimer::timeout, this, &AlertNotifier::flush);
    m_settle.setSingleShot(true);
    m_settle.setInterval(5000);
    connect(&m_settle, &QTimer::timeout, this, &AlertNotifier::fireSettled);
}

void AlertNotifier::addChange(const StateChange& change)
{
    m_pending << change;
    m_batch.start();
}

void AlertNotifier::flush()
{
    const QList<AlertNotice> notices = m_policy.process(m_pending);
    m_pending.clear();
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
        Q_EMIT noticeRaised(n);
    }
}

void AlertNotifier::fireSettled()
{
    const QList<AlertNotice> held = std::exchange(m_held, {});
    for (const AlertNotice& n : held) {
        if (m_isRootCause(n.service))
            Q_EMIT noticeRaised(n);
        else
            m_policy.forget(n.service);
    }
}

} // namespace hd
