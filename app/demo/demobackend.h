#pragma once

#include "demo/demoanalytics.h"
#include "demo/demoportal.h"
#include "demo/demoservice.h"
#include "demo/demotradingapi.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QUrl>

namespace hd {

// The simulated trading backend of `healthdeck demo` and of the integration tests: a Flask-style
// trading API with the admin routes of docs/contract.md §6, a Django-style portal and a FastAPI-style
// analytics service, each a real HTTP server on its own 127.0.0.1 port.
class DemoBackend final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoBackend)

public:
    explicit DemoBackend(QObject* parent = nullptr);
    ~DemoBackend() override;

    static QStringList serviceNames(); // "trading-api", "portal", "analytics"

    // Starts every service. A service missing from ports, or given 0, gets a free port. On failure the
    // backend is unusable: errorString() says why, and the caller deletes it.
    bool start(const QHash<QString, quint16>& ports = {});
    bool isRunning() const { return m_running; }
    QString errorString() const { return m_error; }

    // The services exist from construction, so they can be configured before start().
    DemoService* service(const QString& name) const;
    QList<DemoService*> services() const { return { m_tradingApi, m_portal, m_analytics }; }
    DemoTradingApi* tradingApi() const { return m_tradingApi; }
    DemoPortal* portal() const { return m_portal; }
    DemoAnalytics* analytics() const { return m_analytics; }

    QUrl baseUrl(const QString& name) const; // empty for an unknown name
    QHash<QString, QUrl> baseUrls() const;

    void resetFaults();

private:
    DemoTradingApi* m_tradingApi;
    DemoPortal* m_portal;
    DemoAnalytics* m_analytics;
    bool m_running = false;
    QString m_error;
};

} // namespace hd
