#include "demo/demobackend.h"

namespace hd {

DemoBackend::DemoBackend(QObject* parent)
    : QObject(parent)
    , m_tradingApi(new DemoTradingApi(this))
    , m_portal(new DemoPortal(this))
    , m_analytics(new DemoAnalytics(this))
{
}

DemoBackend::~DemoBackend() = default;

QStringList DemoBackend::serviceNames()
{
    return { QStringLiteral("trading-api"), QStringLiteral("portal"), QStringLiteral("analytics") };
}

bool DemoBackend::start(const QHash<QString, quint16>& ports)
{
    if (m_running) {
        m_error = QStringLiteral("the demo backend is already running");
        return false;
    }
    for (DemoService* s : services()) {
        if (!s->start(ports.value(s->name(), 0))) {
            m_error = s->errorString();
            return false;
        }
    }
    m_running = true;
    return true;
}

DemoService* DemoBackend::service(const QString& name) const
{
    const QList<DemoService*> all = services();
    const auto it = std::find_if(all.begin(), all.end(), [&](DemoService* s) { return s->name() == name; });
    return it == all.end() ? nullptr : *it;
}

QUrl DemoBackend::baseUrl(const QString& name) const
{
    const DemoService* s = service(name);
    return s && s->port() ? s->baseUrl() : QUrl();
}

QHash<QString, QUrl> DemoBackend::baseUrls() const
{
    QHash<QString, QUrl> urls;
    for (const DemoService* s : services())
        urls.insert(s->name(), baseUrl(s->name()));
    return urls;
}

void DemoBackend::resetFaults()
{
    for (DemoService* s : services())
        s->resetFaults();
}

} // namespace hd
