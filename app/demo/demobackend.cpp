#include "demo/demobackend.h"

namespace hd {

namespace {

// YAML double-quoted scalar: only backslash and quote need escaping for the values used here.
QString quoted(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + escaped + u'"';
}

QString url(const QHash<QString, QUrl>& baseUrls, const QString& service, const QString& path)
{
    return quoted(baseUrls.value(service).resolved(QUrl(path)).toString());
}

} // namespace

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

QByteArray DemoBackend::configYaml(const QString& redisUrl) const
{
    return configYaml(baseUrls(), redisUrl, m_tradingApi->username(), m_tradingApi->password());
}

QByteArray DemoBackend::configYaml(const QHash<QString, QUrl>& baseUrls, const QString& redisUrl,
    const QString& adminUser, const QString& adminPassword)
{
    const QString trading = QStringLiteral("trading-api");
    const QString portal = QStringLiteral("portal");
    const QString analytics = QStringLiteral("analytics");
    QString yaml = QStringLiteral("# healthdeck demo: the simulated trading backend started by `healthdeck demo`\n"
                                  "version: 1\n"
                                  "defaults:\n"
                                  "  interval: 5s\n"
                                  "  timeout: 2s\n"
                                  "  failure_threshold: 2\n"
                                  "  success_threshold: 1\n"
                                  "  severity: critical\n");
    if (!redisUrl.isEmpty())
        yaml += QStringLiteral("redis:\n  main:\n    url: %1\n").arg(quoted(redisUrl));
    yaml += QStringLiteral("services:\n");
    // The database has no endpoint of its own; the trading API's detailed health reports on it.
    yaml += QStringLiteral("  - name: database\n"
                           "    group: data\n"
                           "    checks:\n"
                           "      - name: connection\n"
                           "        http: { url: %1 }\n"
                           "        conditions:\n"
                           "          - \"[BODY].checks.database.status == healthy\"\n")
                .arg(url(baseUrls, trading, QStringLiteral("/api/system/health")));
    yaml += QStringLiteral("  - name: trading-api\n"
                           "    group: core\n"
                           "    depends_on: [database]\n"
                           "    checks:\n"
                           "      - { name: live, tags: [liveness], http: { url: %1 } }\n"
                           "      - { name: ready, tags: [readiness], http: { url: %2 } }\n"
                           "      - { name: health, http: { url: %3 } }\n"
                           "      - name: latency\n"
                           "        http: { url: %4 }\n"
                           "        conditions:\n"
                           "          - \"[STATUS] == 200\"\n"
                           "          - \"[RESPONSE_TIME] < 1000\"\n"
                           "          - warn: \"[RESPONSE_TIME] < 300\"\n")
                .arg(url(baseUrls, trading, QStringLiteral("/health/live")),
                    url(baseUrls, trading, QStringLiteral("/health/ready")),
                    url(baseUrls, trading, QStringLiteral("/health")),
                    url(baseUrls, trading, QStringLiteral("/api/system/health")));
    yaml += QStringLiteral("  - name: portal\n"
                           "    group: web\n"
                           "    depends_on: [database]\n"
                           "    checks:\n"
                           "      - { name: ping, tags: [liveness], http: { url: %1 } }\n"
                           "      - { name: live, tags: [liveness], http: { url: %2 } }\n"
                           "      - { name: ready, tags: [readiness], http: { url: %3 } }\n"
                           "      - { name: startup, tags: [startup], http: { url: %4 } }\n")
                .arg(url(baseUrls, portal, QStringLiteral("/health/ping")),
                    url(baseUrls, portal, QStringLiteral("/health/live")),
                    url(baseUrls, portal, QStringLiteral("/health/ready")),
                    url(baseUrls, portal, QStringLiteral("/health/startup")));
    yaml += QStringLiteral("  - name: analytics\n"
                           "    group: analytics\n"
                           "    depends_on: [database]\n"
                           "    checks:\n"
                           "      - { name: health, http: { url: %1 } }\n"
                           "      - { name: detailed, http: { url: %2 } }\n")
                .arg(url(baseUrls, analytics, QStringLiteral("/healthcheck/")),
                    url(baseUrls, analytics, QStringLiteral("/healthcheck/detailed")));
    if (!redisUrl.isEmpty()) {
        yaml += QStringLiteral("  - name: heartbeats\n"
                               "    group: workers\n"
                               "    checks:\n"
                               "      - name: heartbeat\n"
                               "        redis: { server: main, pattern: \"health:*\" }\n"
                               "        conditions: [\"[BODY].status == healthy\"]\n");
    }
    yaml += QStringLiteral("admin:\n"
                           "  trading-api:\n"
                           "    base_url: %1\n"
                           "    preset: trading-system\n"
                           "    auth:\n"
                           "      login: { url: /login, username: %2, password: %3 }\n"
                           "    actions:\n"
                           "      - { name: exchange-metadata, method: GET, path: /api/system/exchange-metadata }\n")
                .arg(quoted(baseUrls.value(trading).toString()), quoted(adminUser), quoted(adminPassword));
    return yaml.toUtf8();
}

} // namespace hd
