#pragma once

#include "redis/redisserverprocess.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>

namespace hdtest {

// A private redis-server for one test. redis-server is a test dependency that
// CI installs: when it is missing, start() fails (the test fails, never skips).
class RedisServer {
public:
    bool start(const hd::RedisServerProcess::Options& options = {});
    QString error() const { return m_error; }

    hd::RedisServerProcess& process() { return m_process; }
    quint16 port() const { return m_process.port(); }
    hd::RedisServerConfig config(const QString& name = QStringLiteral("local")) const
    {
        return m_process.serverConfig(name);
    }

    // Runs redis-cli on the plain port as the default user and returns its
    // output, trimmed. `input` is sent on stdin (for `-x` as the last argument).
    QByteArray cli(const QStringList& args, const QByteArray& input = {}) const;

private:
    hd::RedisServerProcess m_process;
    QString m_error;
};

// A hostile stand-in for a Redis server on 127.0.0.1, for the faults a real
// one will not produce on demand.
class FakeRedisServer {
public:
    enum class Mode {
        Silent, // accepts, reads, never answers
        Garbage, // answers the first bytes it receives with `reply` (not RESP)
        Canned, // answers every command it receives with `reply`
    };
    explicit FakeRedisServer(Mode mode, const QByteArray& reply = {});
    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return m_connections; }
    int commands() const { return m_commands; }
    QByteArray received() const { return m_received; }
    hd::RedisServerConfig config(const QString& name = QStringLiteral("fake")) const;

private:
    Mode m_mode;
    QByteArray m_reply;
    QTcpServer m_server;
    int m_connections = 0;
    int m_commands = 0;
    QByteArray m_received;
};

} // namespace hdtest
