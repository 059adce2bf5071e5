#include "demoenvironment.h"

#include "demobackend.h"
#include "demofleet.h"
#include "heartbeatsimulator.h"
#include "redis/redisserverprocess.h"
#include "sources/alertmanagerprocess.h"

#include <QFile>

static void initDemoResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace hd {

DemoEnvironment::DemoEnvironment(QObject* parent)
    : QObject(parent)
{
}

DemoEnvironment::~DemoEnvironment()
{
    if (m_heartbeats)
        m_heartbeats->stop();
    m_heartbeats.reset();
    m_fleet.reset();
    m_alertmanager.reset(); // stops the private Alertmanager
    m_redis.reset(); // stops the private redis-server
}

bool DemoEnvironment::start()
{
    initDemoResources();
    m_backend = std::make_unique<DemoBackend>();
    if (!m_backend->start()) {
        m_error = u"the demo backend did not start: " + m_backend->errorString();
        return false;
    }
    // The trading API's /metrics reports its Redis as the private redis-server is: up, killed, or never started.
    m_backend->tradingApi()->setRedisProbe([this] { return m_redis && m_redis->isRunning(); });
    qputenv("DEMO_TRADING_API", m_backend->baseUrl(QStringLiteral("trading-api")).toString().toUtf8());
    qputenv("DEMO_PORTAL", m_backend->baseUrl(QStringLiteral("portal")).toString().toUtf8());
    qputenv("DEMO_ANALYTICS", m_backend->baseUrl(QStringLiteral("analytics")).toString().toUtf8());

    if (RedisServerProcess::available()) {
        m_redis = std::make_unique<RedisServerProcess>();
        if (m_redis->start()) {
            qputenv("DEMO_REDIS_URL", QByteArray("redis://127.0.0.1:") + QByteArray::number(m_redis->port()) + "/0");
            m_heartbeats = std::make_unique<HeartbeatSimulator>(m_redis->serverConfig(QStringLiteral("main")));
            m_heartbeats->start();
        } else {
            m_notes << u"redis-server did not start (" + m_redis->errorString()
                    + u"): the demo runs without its Redis heartbeats";
            m_redis.reset();
        }
    } else {
        m_notes << QStringLiteral("redis-server is not installed: the demo runs without its Redis heartbeats "
                                  "(apt-get install redis-server)");
    }
    if (!m_redis) // nothing listens here: the Redis checks show what a lost Redis looks like
        qputenv("DEMO_REDIS_URL", "redis://127.0.0.1:1/0");

    QFile bundled(QStringLiteral(":/healthdeck/demo/healthdeck-demo.yaml"));
    if (!m_dir.isValid() || !bundled.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot prepare the demo config");
        return false;
    }
    m_configPath = m_dir.filePath(QStringLiteral("healthdeck-demo.yaml"));
    const QByteArray config = bundled.readAll() + startAlertmanager();
    QFile out(m_configPath);
    if (!out.open(QIODevice::WriteOnly) || out.write(config) < 0) {
        m_error = u"cannot write " + m_configPath;
        return false;
    }
    return true;
}

// The private Alertmanager and its fleet alerts; the config's `sources:` section that reads it, or nothing.
QByteArray DemoEnvironment::startAlertmanager()
{
    if (AlertmanagerProcess::executable().isEmpty()) {
        m_notes << QStringLiteral("prometheus-alertmanager is not installed: the demo runs without its fleet alerts "
                                  "(apt-get install prometheus-alertmanager)");
        return {};
    }
    m_alertmanager = std::make_unique<AlertmanagerProcess>();
    const QByteArray routeToNobody
        = "route: { receiver: nobody, group_wait: 0s, group_interval: 5s, repeat_interval: 1h }\n"
          "receivers: [{ name: nobody }]\n";
    if (!m_alertmanager->start(routeToNobody)) {
        m_notes << u"prometheus-alertmanager did not start (" + m_alertmanager->errorString()
                + u"): the demo runs without its fleet alerts";
        m_alertmanager.reset();
        return {};
    }
    m_fleet = std::make_unique<DemoFleet>(QUrl(m_alertmanager->url()));
    m_fleet->start();
    return "\n# Written by `healthdeck demo`: its private Alertmanager, fed the simulated fleet's alerts.\n"
           "sources:\n"
           "  - alertmanager:\n"
           "      name: fleet\n"
           "      url: \""
        + m_alertmanager->url().toUtf8()
        + "\"\n"
          "      interval: 5s\n"
          "      watchdog: Watchdog\n"
          "      ack: { expiry: 2h }\n";
}

QString DemoEnvironment::summary() const
{
    QString s;
    for (const QString& name : DemoBackend::serviceNames())
        s += QStringLiteral("  %1  %2\n").arg(name, -12).arg(m_backend->baseUrl(name).toString());
    if (m_redis)
        s += QStringLiteral("  %1  redis://127.0.0.1:%2/0\n").arg(QStringLiteral("redis"), -12).arg(m_redis->port());
    if (m_alertmanager)
        s += QStringLiteral("  %1  %2\n").arg(QStringLiteral("alertmanager"), -12).arg(m_alertmanager->url());
    s += u"  config        " + m_configPath + u'\n';
    return s;
}

} // namespace hd
