#pragma once

#include "config/config.h"

#include <QHash>
#include <QObject>
#include <memory>

class QThreadPool;

namespace hd {

class HttpClient;
class Probe;
class RedisPool;

// Makes the probes and owns what they share: the HTTP clients, one Redis connection per configured server, and
// the threads file checks run their file system calls on. Lives on the engine's thread; the probes it made must
// not outlive it (a probe that does only reports itself misconfigured).
class ProbeFactory final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeFactory)
public:
    explicit ProbeFactory(const Config& config, QObject* parent = nullptr);
    ~ProbeFactory() override;

    // A new probe for one run of `check`, owned by `parent`.
    Probe* create(const CheckConfig& check, QObject* parent);

    // The client for http, prometheus and alertmanager checks with these TLS settings. Each distinct set of TLS
    // options (CA, client certificate, insecure) gets a client of its own, so that a connection verified
    // against one check's CA, or not verified at all, never carries another check's request.
    HttpClient* httpClientFor(const TlsClientConfig& tls);
    RedisPool* redis() { return m_redis.get(); }
    QThreadPool* fileWorkers() { return m_fileWorkers; }

private:
    qint64 m_maxBodyBytes;
    QHash<QString, HttpClient*> m_httpClients; // by TLS settings; children of this factory
    std::unique_ptr<RedisPool> m_redis;
    QThreadPool* m_fileWorkers; // owned; see the destructor
};

} // namespace hd
