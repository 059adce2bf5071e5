#include "heartbeatsimulator.h"

#include "redis/redisconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace hd {

HeartbeatSimulator::HeartbeatSimulator(const RedisServerConfig& server, QObject* parent)
    : QObject(parent)
    , m_connection(new RedisConnection(server, this))
{
    // Throughput per beat, roughly what each kind of service handles in two seconds.
    struct Profile {
        const char* name;
        int perBeatMin;
        int perBeatMax;
    };
    const Profile profiles[] = {
        { "ingestion", 800, 1200 },
        { "worker1", 20, 60 },
        { "worker2", 20, 60 },
        { "depth-collector", 300, 500 },
        { "signal-generator", 5, 15 },
    };
    QRandomGenerator* random = QRandomGenerator::global();
    for (const Profile& p : profiles) {
        Writer w;
        w.name = QString::fromLatin1(p.name);
        w.perBeatMin = p.perBeatMin;
        w.perBeatMax = p.perBeatMax;
        w.processed = random->bounded(p.perBeatMin * 100, p.perBeatMax * 1000);
        w.errors = random->bounded(0, 3);
        m_writers << w;
    }
    m_timer.setInterval(2000);
    connect(&m_timer, &QTimer::timeout, this, &HeartbeatSimulator::tick);
}

HeartbeatSimulator::~HeartbeatSimulator() = default;

QStringList HeartbeatSimulator::defaultServices()
{
    return { QStringLiteral("ingestion"), QStringLiteral("worker1"), QStringLiteral("worker2"),
        QStringLiteral("depth-collector"), QStringLiteral("signal-generator") };
}

void HeartbeatSimulator::start()
{
    m_timer.start();
    tick();
}

void HeartbeatSimulator::stop()
{
    m_timer.stop();
}

void HeartbeatSimulator::setIntervalMs(int ms)
{
    m_timer.setInterval(ms);
}

QStringList HeartbeatSimulator::services() const
{
    QStringList names;
    for (const Writer& w : m_writers)
        names << w.name;
    return names;
}

HeartbeatSimulator::Writer* HeartbeatSimulator::find(const QString& service)
{
    for (Writer& w : m_writers) {
        if (w.name == service)
            return &w;
    }
    return nullptr;
}

HeartbeatSimulator::Behaviour HeartbeatSimulator::behaviour(const QString& service) const
{
    for (const Writer& w : m_writers) {
        if (w.name == service)
            return w.behaviour;
    }
    return Behaviour::Killed;
}

bool HeartbeatSimulator::kill(const QString& service)
{
    Writer* w = find(service);
    if (!w)
        return false;
    w->behaviour = Behaviour::Killed;
    return true;
}

bool HeartbeatSimulator::freeze(const QString& service)
{
    Writer* w = find(service);
    if (!w)
        return false;
    w->behaviour = Behaviour::Frozen;
    return true;
}

bool HeartbeatSimulator::degrade(const QString& service)
{
    Writer* w = find(service);
    if (!w)
        return false;
    w->behaviour = Behaviour::Degraded;
    return true;
}

bool HeartbeatSimulator::heal(const QString& service)
{
    Writer* w = find(service);
    if (!w)
        return false;
    w->restarting = w->behaviour == Behaviour::Killed;
    w->behaviour = Behaviour::Healthy;
    return true;
}

QByteArray HeartbeatSimulator::heartbeat(Writer& w, const QDateTime& now)
{
    QRandomGenerator* random = QRandomGenerator::global();
    QString status = QStringLiteral("healthy");
    bool connected = true;
    switch (w.behaviour) {
    case Behaviour::Healthy:
        w.lastActivity = now;
        w.processed += random->bounded(w.perBeatMin, w.perBeatMax + 1);
        if (w.restarting) {
            status = QStringLiteral("starting");
            w.restarting = false;
        }
        break;
    case Behaviour::Frozen:
        // A hung service: the writer thread lives on, the work loop does not.
        if (!w.lastActivity.isValid())
            w.lastActivity = now;
        break;
    case Behaviour::Degraded:
        w.lastActivity = now;
        w.processed += random->bounded(0, w.perBeatMin / 4 + 2);
        w.errors += random->bounded(1, 4);
        status = QStringLiteral("degraded");
        connected = false;
        break;
    case Behaviour::Killed:
        break;
    }
    const QJsonObject object {
        { QStringLiteral("last_activity"), w.lastActivity.toString(Qt::ISODateWithMs) },
        { QStringLiteral("connected"), connected },
        { QStringLiteral("error_count"), double(w.errors) },
        { QStringLiteral("processed_count"), double(w.processed) },
        { QStringLiteral("status"), status },
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void HeartbeatSimulator::tick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (Writer& w : m_writers) {
        if (w.behaviour == Behaviour::Killed)
            continue;
        const QString name = w.name;
        m_connection->send(
            { QByteArrayLiteral("SETEX"), keyFor(name).toUtf8(), QByteArray::number(m_ttlSeconds), heartbeat(w, now) },
            QDeadlineTimer(qMax(500, m_timer.interval())), this, [this, name](const RedisResponse& r) {
                if (!r.ok())
                    Q_EMIT writeFailed(name, r.failureText);
                else if (r.reply.isError())
                    Q_EMIT writeFailed(name, QString::fromUtf8(r.reply.bytes()));
                else
                    Q_EMIT beatWritten(name);
            });
    }
}

} // namespace hd
