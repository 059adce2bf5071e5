#pragma once

#include "config/config.h"

#include <QNetworkAccessManager>
#include <memory>

namespace hd {

class Probe;
class RedisPool;

// The shared resources every probe runs on: one QNetworkAccessManager and one
// Redis connection per configured server. Lives on the engine's thread.
class ProbeFactory final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeFactory)
public:
    explicit ProbeFactory(const Config &config, QObject *parent = nullptr);
    ~ProbeFactory() override;

    // A new probe for one run of `check`, owned by `parent`.
    Probe *create(const CheckConfig &check, QObject *parent);

    QNetworkAccessManager *network() { return &m_network; }
    RedisPool *redis() { return m_redis.get(); }

private:
    qint64 m_maxBodyBytes;
    QNetworkAccessManager m_network;
    std::unique_ptr<RedisPool> m_redis;
};

} // namespace hd
