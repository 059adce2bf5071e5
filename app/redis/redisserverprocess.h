#pragma once

#include "config/config.h"

#include <QList>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace hd {

// A private redis-server (the Debian package) on a free loopback port, with no
// persistence, for the demo, the tests and the benchmarks. It is stopped when
// this object is destroyed, and killed with the parent process if that dies.
// Its start and stop wait for the process (waitFor*): it runs on the demo's own thread (DemoSession hosts the
// DemoEnvironment on a ThreadHost), in `demo --headless`, the tests and the benchmarks, never on a window's thread.
class RedisServerProcess final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisServerProcess)
public:
    struct AclUser {
        QString name;
        QString password;
        QString rules; // e.g. "~health:* +@read +@connection +info +ping"
    };
    struct Options {
        QString requirePass; // password of the default user; empty: none
        QList<AclUser> users;
        bool tls = false; // also listen with TLS on tlsPort()
        QString tlsCertFile;
        QString tlsKeyFile;
        QString tlsCaFile;
        bool tlsAuthClients = false; // demand a client certificate signed by tlsCaFile
        QStringList extraConfig; // raw redis.conf lines
    };

    explicit RedisServerProcess(QObject* parent = nullptr);
    ~RedisServerProcess() override;

    // redis-server is on the PATH.
    static bool available();

    // Starts the server and waits (at most timeoutMs) until it answers PING.
    // This blocks for the few tens of milliseconds redis-server needs to start.
    bool start(const Options& options, int timeoutMs = 10'000);
    bool start() { return start(Options()); }
    // Starts it again on the same ports with the same options, after kill() or stop().
    bool restart(int timeoutMs = 10'000);
    // A clean shutdown (SIGTERM), waiting for the process to end.
    void stop();
    // A crash (SIGKILL), waiting for the process to end.
    void kill();

    bool isRunning() const;
    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 port() const { return m_port; } // plain TCP
    quint16 tlsPort() const { return m_tlsPort; } // 0 without TLS
    QString errorString() const { return m_error; }
    // The server's own log, for diagnosing a failed start.
    QString log() const;

    // A config entry for this server on the plain port, as the default user.
    RedisServerConfig serverConfig(const QString& name = QStringLiteral("local")) const;

Q_SIGNALS:
    // The process ended without stop() or kill() being asked for.
    void crashed();

private:
    bool launch(int timeoutMs);
    bool waitForPing(int timeoutMs);
    void writeConfigFile();

    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess m_process;
    Options m_options;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    bool m_stopping = false;
    QString m_error;
};

} // namespace hd
