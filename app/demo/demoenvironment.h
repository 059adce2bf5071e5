#pragma once

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace hd {

class AlertmanagerProcess;
class DemoBackend;
class DemoFleet;
class HeartbeatSimulator;
class RedisServerProcess;

// Everything `healthdeck demo` runs: the simulated trading backend, a private
// redis-server with heartbeat writers, a private Alertmanager fed the fleet's
// alerts (when prometheus-alertmanager is installed), and the bundled demo config
// written to a temporary file whose DEMO_* variables point at them. All on loopback.
class DemoEnvironment final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoEnvironment)
public:
    explicit DemoEnvironment(QObject* parent = nullptr);
    ~DemoEnvironment() override;

    bool start();
    QString errorString() const { return m_error; }
    // Things the user should be told once, e.g. that redis-server is missing.
    QStringList notes() const { return m_notes; }

    QString configPath() const { return m_configPath; }
    DemoBackend* backend() const { return m_backend.get(); }
    HeartbeatSimulator* heartbeats() const { return m_heartbeats.get(); } // nullptr without redis-server
    RedisServerProcess* redis() const { return m_redis.get(); }
    DemoFleet* fleet() const { return m_fleet.get(); } // nullptr without prometheus-alertmanager
    QString summary() const; // the URLs, for the terminal

private:
    QByteArray startAlertmanager();

    std::unique_ptr<DemoBackend> m_backend;
    std::unique_ptr<RedisServerProcess> m_redis;
    std::unique_ptr<HeartbeatSimulator> m_heartbeats;
    std::unique_ptr<AlertmanagerProcess> m_alertmanager;
    std::unique_ptr<DemoFleet> m_fleet;
    QTemporaryDir m_dir;
    QString m_configPath;
    QString m_error;
    QStringList m_notes;
};

} // namespace hd
