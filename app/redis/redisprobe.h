#pragma once

#include "config/config.h"
#include "core/proberesult.h"
#include "probes/probe.h"
#include "redisconnection.h"

#include <QDeadlineTimer>
#include <QPointer>
#include <functional>

namespace hd {

class RedisPool;

// A probe for one `redis:` check (key, hash, stream, pattern or ping mode),
// running on the pool's shared connection for check.redis().server.
Probe* createRedisProbe(const CheckConfig& check, RedisPool* pool, qint64 maxBodyBytes, QObject* parent);

// What INFO says about the server itself: loading -> starting; a replication
// link down or a failed RDB save / AOF write -> degraded; otherwise ok.
struct RedisInfoHint {
    Status status = Status::Ok;
    QString detail; // every reason found, "; "-separated; empty when ok
};
RedisInfoHint redisInfoHint(const QByteArray& info);

// INFO text as a flat JSON object (numbers as numbers), so that conditions
// such as "[BODY].connected_clients < 500" work on a ping check.
QByteArray redisInfoToJson(const QByteArray& info);

// Field/value pairs (HGETALL, a stream entry) as a JSON object. A value that
// is itself JSON (number, true/false/null, object, array) is embedded as such;
// anything else stays a string.
QByteArray redisFieldsToJson(const QList<RedisReply>& flatPairs);

class RedisProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisProbe)
public:
    RedisProbe(const CheckConfig& check, RedisPool* pool, qint64 maxBodyBytes, QObject* parent = nullptr);

private:
    using ResultCallback = std::function<void(ProbeResult)>;

    void run() override;
    void onDeadline() override;
    void endRun(ProbeResult* result) override;

    void send(const QList<QByteArray>& argv, RedisCallback callback);
    void readKey(const QByteArray& key, ResultCallback done);
    void runHash();
    void runStream();
    void runPing();
    void scan(const QByteArray& cursor);
    void readScannedKeys();
    ProbeResult fromResponse(const RedisResponse& response) const;

    RedisProbeConfig m_config;
    qint64 m_timeoutMs;
    qint64 m_maxBodyBytes;
    RedisPool* m_pool;
    QPointer<RedisConnection> m_connection; // the pool may go before a late probe
    QDeadlineTimer m_deadline; // for the connection, which fails every command of the run at it
    bool m_gotReply = false;

    // pattern mode
    QList<QByteArray> m_keys;
    QList<ProbeResult> m_items;
    int m_outstanding = 0;
};

} // namespace hd
