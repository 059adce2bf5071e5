#include "hostslots.h"

namespace hd {

QString HostSlots::keyOf(const CheckConfig& check)
{
    switch (check.kind) {
    case ProbeKind::Http:
    case ProbeKind::Prometheus:
    case ProbeKind::Alertmanager: {
        const QUrl& url = check.http.url;
        return u"http " + url.host() + u':' + QString::number(url.port(url.scheme() == u"https" ? 443 : 80));
    }
    case ProbeKind::Tcp:
        return u"tcp " + check.tcp().host + u':' + QString::number(check.tcp().port);
    case ProbeKind::Redis:
        return u"redis " + check.redis().server;
    case ProbeKind::File:
    case ProbeKind::Exec:
        break;
    }
    return QStringLiteral("local");
}

int HostSlots::limitOf(const CheckConfig& check, int ceiling)
{
    const bool connects = check.kind != ProbeKind::File && check.kind != ProbeKind::Exec;
    return connects ? qMin(ceiling, check.maxConnectionsPerHost) : ceiling;
}

void HostSlots::give(const QString& key)
{
    const auto it = m_running.find(key);
    if (it != m_running.end() && --*it <= 0)
        m_running.erase(it);
}

} // namespace hd
