#include "demofaults.h"

#include "demobackend.h"
#include "demoenvironment.h"
#include "demofleet.h"
#include "demoservice.h"
#include "heartbeatsimulator.h"
#include "redis/redisserverprocess.h"

namespace hd {

namespace {

const QString kIngestion = QStringLiteral("ingestion");
const QString kWorker = QStringLiteral("worker2");
const QString kCollector = QStringLiteral("depth-collector");

} // namespace

const QList<DemoFaultInfo>& demoFaults()
{
    static const QList<DemoFaultInfo> all {
        { DemoFault::DatabaseDown, QStringLiteral("Database down"), QStringLiteral("db-down"),
            QStringLiteral("db-up") },
        { DemoFault::SlowTradingApi, QStringLiteral("trading-api slow (1.5 s)"), QStringLiteral("slow"),
            QStringLiteral("fast") },
        { DemoFault::TradingApiHangs, QStringLiteral("trading-api hangs"), QStringLiteral("hang"),
            QStringLiteral("unhang") },
        { DemoFault::PortalDown, QStringLiteral("portal down"), QStringLiteral("portal-down"),
            QStringLiteral("portal-up") },
        { DemoFault::IngestionKilled, QStringLiteral("ingestion heartbeat writer killed"), u"kill " + kIngestion,
            u"heal " + kIngestion },
        { DemoFault::WorkerFrozen, QStringLiteral("worker2 heartbeat frozen"), u"freeze " + kWorker,
            u"heal " + kWorker },
        { DemoFault::CollectorDegraded, QStringLiteral("depth-collector degraded"), u"degrade " + kCollector,
            u"heal " + kCollector },
        { DemoFault::RedisDown, QStringLiteral("Redis server killed"), QStringLiteral("redis-down"),
            QStringLiteral("redis-up") },
        { DemoFault::FixSessionDown, QStringLiteral("FIX session down (an Alertmanager alert)"),
            QStringLiteral("fix-down"), QStringLiteral("fix-up") },
    };
    return all;
}

const DemoFaultInfo& demoFault(DemoFault fault)
{
    return demoFaults().at(int(fault));
}

void applyDemoFault(DemoEnvironment& env, DemoFault fault, bool on)
{
    DemoBackend* backend = env.backend();
    HeartbeatSimulator* beats = env.heartbeats();
    const auto heartbeat = [&](const QString& service, bool (HeartbeatSimulator::*breakIt)(const QString&)) {
        if (beats)
            on ? (beats->*breakIt)(service) : beats->heal(service);
    };
    switch (fault) {
    case DemoFault::DatabaseDown:
        for (DemoService* s : backend->services())
            s->setDatabaseDown(on);
        break;
    case DemoFault::SlowTradingApi:
        backend->tradingApi()->setLatency(on ? 1500 : 0);
        break;
    case DemoFault::TradingApiHangs:
        backend->tradingApi()->setHang(on);
        break;
    case DemoFault::PortalDown:
        backend->portal()->setDown(on);
        break;
    case DemoFault::IngestionKilled:
        heartbeat(kIngestion, &HeartbeatSimulator::kill);
        break;
    case DemoFault::WorkerFrozen:
        heartbeat(kWorker, &HeartbeatSimulator::freeze);
        break;
    case DemoFault::CollectorDegraded:
        heartbeat(kCollector, &HeartbeatSimulator::degrade);
        break;
    case DemoFault::RedisDown:
        if (RedisServerProcess* redis = env.redis())
            on ? redis->kill() : void(redis->restart());
        break;
    case DemoFault::FixSessionDown:
        if (DemoFleet* fleet = env.fleet())
            fleet->setFixSessionDown(on);
        break;
    }
}

} // namespace hd
