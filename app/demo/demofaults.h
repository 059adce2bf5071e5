#pragma once

#include <QList>
#include <QString>

namespace hd {

class DemoEnvironment;

// What can go wrong in the demo: one vocabulary for the dashboard's Demo menu and for the commands
// `healthdeck demo --headless` reads on stdin, so both break the same things the same way.
enum class DemoFault {
    DatabaseDown, // every service loses its database
    SlowTradingApi, // trading-api answers after 1.5 s
    TradingApiHangs, // trading-api answers nothing
    PortalDown, // portal stops listening
    IngestionKilled, // the ingestion heartbeat writer dies
    WorkerFrozen, // worker2 keeps its key but stops updating it
    CollectorDegraded, // depth-collector reports degraded
    RedisDown, // the redis-server is killed
    FixSessionDown, // the fleet's Alertmanager gets a critical alert on fix-gateway
};

struct DemoFaultInfo {
    DemoFault fault;
    QString label; // the Demo menu's words
    QString breaks; // the stdin command that breaks it
    QString heals; // and the one that heals it
};

const QList<DemoFaultInfo>& demoFaults();
const DemoFaultInfo& demoFault(DemoFault fault);
// Breaks (on) or heals the environment; call it on the environment's thread. Faults that need a part the
// demo runs without (redis-server, prometheus-alertmanager) do nothing.
void applyDemoFault(DemoEnvironment& env, DemoFault fault, bool on);

} // namespace hd
