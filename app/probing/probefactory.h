#pragma once

#include "config/config.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <memory>

namespace hd {

class Probe;
class RedisPool;

// The shared resources every probe runs on: network access managers and one
// Redis connection per configured server. Lives on the engine's thread.
class ProbeFactory final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeFactory)
public:
    explicit ProbeFactory(const Config& config, QObject* parent = nullptr);
    ~ProbeFactory() override;

    // A new probe for one run of `check`, owned by `parent`.
    Probe* create(const CheckConfig& check, QObject* parent);

    // The manager for checks without TLS options.
    QNetworkAccessManager* network() { return &m_network; }
    // Each distinct set of TLS options (CA, client certificate, insecure) gets a manager of its own: Qt reuses
    // an open TLS connection to a host whatever the next request's TLS settings, so a connection verified
    // against one check's CA, or not verified at all, must never carry another check's request.
    QNetworkAccessManager* networkFor(const TlsClientConfig& tls);
    RedisPool* redis() { return m_redis.get(); }

private:
    qint64 m_maxBodyBytes;
    QNetworkAccessManager m_network;
    QHash<QString, QNetworkAccessManager*> m_tlsNetworks; // children of this factory
    std::unique_ptr<RedisPool> m_redis;
};

} // namespace hd
