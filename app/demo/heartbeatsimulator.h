#pragma once

#include "config/config.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace hd {

class RedisConnection;

// The demo's background services writing their heartbeats the way the real
// ones do: SETEX health:<service> <ttl> {"last_activity", "connected",
// "error_count", "processed_count", "status"} every interval. Each writer can
// be made to die, freeze or degrade, and be healed again.
class HeartbeatSimulator final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeartbeatSimulator)
public:
    enum class Behaviour {
        Healthy,
        Killed, // writes nothing: the key expires after its TTL (stale: missing)
        Frozen, // still writes, but last_activity and processed_count stop (stale: age)
        Degraded, // status "degraded", connected false, errors climbing
    };
    Q_ENUM(Behaviour)

    explicit HeartbeatSimulator(const RedisServerConfig& server, QObject* parent = nullptr);
    ~HeartbeatSimulator() override;

    // ingestion, worker1, worker2, depth-collector, signal-generator
    static QStringList defaultServices();
    static QString keyFor(const QString& service) { return u"health:" + service; }

    // Writes every heartbeat at once, then once per interval.
    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    void setIntervalMs(int ms);
    int intervalMs() const { return m_timer.interval(); }
    void setTtlSeconds(int seconds) { m_ttlSeconds = seconds; }
    int ttlSeconds() const { return m_ttlSeconds; }

    QStringList services() const;
    Behaviour behaviour(const QString& service) const;
    // Each returns false for an unknown service.
    bool kill(const QString& service);
    bool freeze(const QString& service);
    bool degrade(const QString& service);
    // Back to healthy; a killed writer comes back as a restarted service, saying "starting" once.
    bool heal(const QString& service);

Q_SIGNALS:
    // The server acknowledged one heartbeat write.
    void beatWritten(const QString& service);
    void writeFailed(const QString& service, const QString& error);

private:
    struct Writer {
        QString name;
        Behaviour behaviour = Behaviour::Healthy;
        int perBeatMin = 1;
        int perBeatMax = 10;
        qint64 processed = 0;
        qint64 errors = 0;
        QDateTime lastActivity;
        bool restarting = false;
    };

    void tick();
    QByteArray heartbeat(Writer& writer, const QDateTime& now);
    Writer* find(const QString& service);

    RedisConnection* m_connection;
    QList<Writer> m_writers;
    QTimer m_timer;
    int m_ttlSeconds = 60;
};

} // namespace hd
