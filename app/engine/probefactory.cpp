#include "probefactory.h"

#include "probes/execprobe.h"
#include "probes/fileprobe.h"
#include "probes/httpprobe.h"
#include "probes/tcpprobe.h"
#include "redis/redisprobe.h"
#include "redis/redispool.h"

namespace hd {

ProbeFactory::ProbeFactory(const Config &config, QObject *parent)
    : QObject(parent)
    , m_maxBodyBytes(config.defaults.maxBodyBytes)
    , m_redis(std::make_unique<RedisPool>(config))
{
}

ProbeFactory::~ProbeFactory() = default;

Probe *ProbeFactory::create(const CheckConfig &check, QObject *parent)
{
    switch (check.kind) {
    case ProbeKind::Http:
        return new HttpProbe(check, &m_network, check.http.maxBodyBytes > 0 ? check.http.maxBodyBytes : m_maxBodyBytes,
                             parent);
    case ProbeKind::Redis:
        return createRedisProbe(check, m_redis.get(), m_maxBodyBytes, parent);
    case ProbeKind::Tcp:
        return new TcpProbe(check, parent);
    case ProbeKind::File:
        return new FileProbe(check, parent);
    case ProbeKind::Exec:
        return new ExecProbe(check, m_maxBodyBytes, parent);
    }
    return nullptr;
}

} // namespace hd
