#include "demosession.h"

#include "demo/demobackend.h"
#include "demo/demoenvironment.h"
#include "demo/demofleet.h"
#include "demo/heartbeatsimulator.h"
#include "redis/redisserverprocess.h"

namespace hd {

namespace {

const QString kWorker = QStringLiteral("worker2");
const QString kIngestion = QStringLiteral("ingestion");
const QString kCollector = QStringLiteral("depth-collector");

} // namespace

DemoSession::DemoSession(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("healthdeck-demo"));
}

DemoSession::~DemoSession()
{
    if (m_anchor) {
        QMetaObject::invokeMethod(m_anchor, [this] {
            delete m_environment; // stops redis-server and the services
            delete m_anchor;
        }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

bool DemoSession::start(QString *error)
{
    m_thread.start();
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    bool ok = false;
    QString problem;
    QMetaObject::invokeMethod(m_anchor, [&] {
        m_environment = new DemoEnvironment;
        ok = m_environment->start();
        problem = m_environment->errorString();
        m_notes = m_environment->notes();
        m_configPath = m_environment->configPath();
        if (DemoBackend *backend = m_environment->backend())
            m_urls = backend->baseUrls();
        // Short TTLs so that a killed writer shows as stale within the demo's minute.
        if (HeartbeatSimulator *beats = m_environment->heartbeats())
            beats->setTtlSeconds(20);
    }, Qt::BlockingQueuedConnection);
    if (error)
        *error = problem;
    return ok;
}

QList<DemoSession::Fault> DemoSession::faults()
{
    return { Fault::DatabaseDown, Fault::SlowTradingApi, Fault::TradingApiHangs, Fault::PortalDown,
             Fault::IngestionKilled, Fault::WorkerFrozen, Fault::CollectorDegraded, Fault::RedisDown,
             Fault::FixSessionDown };
}

QString DemoSession::faultLabel(Fault fault)
{
    switch (fault) {
    case Fault::DatabaseDown:
        return tr("Database down");
    case Fault::SlowTradingApi:
        return tr("trading-api slow (1.5 s)");
    case Fault::TradingApiHangs:
        return tr("trading-api hangs");
    case Fault::PortalDown:
        return tr("portal down");
    case Fault::IngestionKilled:
        return tr("ingestion heartbeat writer killed");
    case Fault::WorkerFrozen:
        return tr("worker2 heartbeat frozen");
    case Fault::CollectorDegraded:
        return tr("depth-collector degraded");
    case Fault::RedisDown:
        return tr("Redis server killed");
    case Fault::FixSessionDown:
        return tr("FIX session down (an Alertmanager alert)");
    }
    return QString();
}

void DemoSession::post(std::function<void()> work)
{
    if (m_anchor)
        QMetaObject::invokeMethod(m_anchor, std::move(work), Qt::QueuedConnection);
}

void DemoSession::setFault(Fault fault, bool on)
{
    if (on == m_on.contains(int(fault)))
        return;
    if (on)
        m_on.insert(int(fault));
    else
        m_on.remove(int(fault));
    post([this, fault, on] {
        DemoBackend *backend = m_environment ? m_environment->backend() : nullptr;
        HeartbeatSimulator *beats = m_environment ? m_environment->heartbeats() : nullptr;
        RedisServerProcess *redis = m_environment ? m_environment->redis() : nullptr;
        if (!backend)
            return;
        switch (fault) {
        case Fault::DatabaseDown:
            for (DemoService *s : backend->services())
                s->setDatabaseDown(on);
            break;
        case Fault::SlowTradingApi:
            backend->tradingApi()->setLatency(on ? 1500 : 0);
            break;
        case Fault::TradingApiHangs:
            backend->tradingApi()->setHang(on);
            break;
        case Fault::PortalDown:
            backend->portal()->setDown(on);
            break;
        case Fault::IngestionKilled:
            if (beats)
                on ? beats->kill(kIngestion) : beats->heal(kIngestion);
            break;
        case Fault::WorkerFrozen:
            if (beats)
                on ? beats->freeze(kWorker) : beats->heal(kWorker);
            break;
        case Fault::CollectorDegraded:
            if (beats)
                on ? beats->degrade(kCollector) : beats->heal(kCollector);
            break;
        case Fault::RedisDown:
            if (redis && on)
                redis->kill();
            else if (redis)
                redis->restart();
            break;
        case Fault::FixSessionDown:
            if (DemoFleet *fleet = m_environment->fleet())
                fleet->setFixSessionDown(on);
            break;
        }
    });
    Q_EMIT faultsChanged();
}

void DemoSession::healAll()
{
    const QSet<int> on = m_on;
    for (int f : on)
        setFault(Fault(f), false);
}

} // namespace hd
