#include "probefactory.h"

#include "probes/execprobe.h"
#include "probes/fileprobe.h"
#include "probes/httpprobe.h"
#include "probes/prometheusprobe.h"
#include "probes/tcpprobe.h"
#include "redis/redispool.h"
#include "redis/redisprobe.h"
#include "sources/alertmanagerprobe.h"

namespace hd {

ProbeFactory::ProbeFactory(const Config& config, QObject* parent)
    : QObject(parent)
    , m_maxBodyBytes(config.defaults.maxBodyBytes)
    , m_redis(std::make_unique<RedisPool>(config))
{
}

ProbeFactory::~ProbeFactory() = default;

QNetworkAccessManager* ProbeFactory::networkFor(const TlsClientConfig& tls)
{
    if (!tls.isSet())
        return &m_network;
    const QString key = tls.caFile + u'\n' + tls.certFile + u'\n' + tls.keyFile + (tls.insecure ? u"\ninsecure" : u"");
    QNetworkAccessManager*& network = m_tlsNetworks[key];
    if (!network)
        network = new QNetworkAccessManager(this);
    return network;
}

Probe* ProbeFactory::create(const CheckConfig& check, QObject* parent)
{
    switch (check.kind) {
    case ProbeKind::Http:
        return new HttpProbe(check, networkFor(check.http.tls),
            check.http.maxBodyBytes > 0 ? check.http.maxBodyBytes : m_maxBodyBytes, parent);
    case ProbeKind::Redis:
        return createRedisProbe(check, m_redis.get(), m_maxBodyBytes, parent);
    case ProbeKind::Tcp:
        return new TcpProbe(check, parent);
    case ProbeKind::File:
        return new FileProbe(check, parent);
    case ProbeKind::Exec:
        return new ExecProbe(check, m_maxBodyBytes, parent);
    case ProbeKind::Alertmanager:
        return new AlertmanagerProbe(check, networkFor(check.http.tls),
            check.http.maxBodyBytes > 0 ? check.http.maxBodyBytes : m_maxBodyBytes, parent);
    case ProbeKind::Prometheus:
        return new PrometheusProbe(check, networkFor(check.http.tls),
            check.http.maxBodyBytes > 0 ? check.http.maxBodyBytes : m_maxBodyBytes, parent);
    }
    return nullptr;
}

} // namespace hd
