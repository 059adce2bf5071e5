#include "alertpolicy.h"

namespace hd {

namespace {

bool alarming(Status s)
{
    return s == Status::Down || s == Status::Stale;
}

QString checkLabel(const StateChange& c)
{
    return c.item.isEmpty() ? c.check : c.check + u" \u203a " + c.item;
}

} // namespace

QString AlertNotice::title() const
{
    if (kind == Kind::Recovered)
        return QStringLiteral("%1 recovered").arg(service);
    return QStringLiteral("%1 is %2").arg(service, statusName(status).toUpper());
}

QString AlertNotice::body() const
{
    QString out = checks.join(QStringLiteral(", "));
    if (!detail.isEmpty())
        out += (out.isEmpty() ? QString() : QStringLiteral(": ")) + detail;
    return out;
}

QList<AlertNotice> AlertPolicy::process(const QList<StateChange>& changes)
{
    QList<AlertNotice> out;
    QHash<QString, qsizetype> fresh; // service -> its notice in `out`, this batch
    for (const StateChange& c : changes) {
        const QString key = c.key();
        if (alarming(c.to)) {
            if (!c.impactedBy.isEmpty() || c.acknowledged || c.silenced)
                continue;
            m_failing[c.service].insert(key);
            if (const auto it = fresh.constFind(c.service); it != fresh.constEnd()) {
                AlertNotice& n = out[*it];
                n.checks << checkLabel(c);
                n.status = worst(n.status, c.to);
                continue;
            }
            if (m_notified.contains(c.service))
                continue;
            m_notified.insert(c.service);
            fresh.insert(c.service, out.size());
            out << AlertNotice { AlertNotice::Kind::Failing, c.service, c.time, c.to, { checkLabel(c) }, c.detail };
            continue;
        }
        auto failing = m_failing.find(c.service);
        if (failing == m_failing.end() || !failing->remove(key))
            continue;
        if (failing->isEmpty()) {
            m_failing.erase(failing);
            if (m_notified.remove(c.service))
                out << AlertNotice { AlertNotice::Kind::Recovered, c.service, c.time, c.to, { checkLabel(c) },
                    c.detail };
        }
    }
    return out;
}

void AlertPolicy::reset()
{
    m_failing.clear();
    m_notified.clear();
}

} // namespace hd
