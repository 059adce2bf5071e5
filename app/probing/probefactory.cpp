#include "probefactory.h"

#include "probes/execprobe.h"
#include "probes/fileprobe.h"
#include "probes/httpclient.h"
#include "probes/httpprobe.h"
#include "probes/prometheusprobe.h"
#include "probes/tcpprobe.h"
#include "redis/redispool.h"
#include "redis/redisprobe.h"
#include "sources/alertmanagerprobe.h"

#include <QThreadPool>

namespace hd {

namespace {

// How many file checks may be inside a file system call at once.
constexpr int kFileWorkers = 4;

} // namespace

ProbeFactory::ProbeFactory(const Config& config, QObject* parent)
    : QObject(parent)
    , m_maxBodyBytes(config.defaults.maxBodyBytes)
    , m_redis(std::make_unique<RedisPool>(config))
    , m_fileWorkers(new QThreadPool)
{
    m_fileWorkers->setMaxThreadCount(kFileWorkers);
}

ProbeFactory::~ProbeFactory()
{
    // A worker stuck in a system call on a hung mount cannot be stopped, and waiting for it would hang whoever
    // destroys the factory (a config reload, the end of `check`): such a pool is left to the process's exit.
    // Otherwise, the usual case, it goes now with its idle threads. A worker that has just handed its result back
    // may still be returning from its task: it is given 200 ms, which a stuck one costs once. The factory goes on
    // the engine's thread or at the end of `check`, never on a window's thread.
    m_fileWorkers->clear();
    if (m_fileWorkers->waitForDone(200))
        delete m_fileWorkers;
}

HttpClient* ProbeFactory::httpClientFor(const TlsClientConfig& tls)
{
    const QString key = tls.isSet()
        ? tls.caFile + u'\n' + tls.certFile + u'\n' + tls.keyFile + (tls.insecure ? u"\ninsecure" : u"")
        : QString();
    HttpClient*& client = m_httpClients[key];
    if (!client)
        client = new HttpClient(this);
    return client;
}

Probe* ProbeFactory::create(const CheckConfig& check, QObject* parent)
{
    const qint64 bodyCap = check.http.maxBodyBytes > 0 ? check.http.maxBodyBytes : m_maxBodyBytes;
    switch (check.kind) {
    case ProbeKind::Http:
        return new HttpProbe(check, httpClientFor(check.http.tls), bodyCap, parent);
    case ProbeKind::Redis:
        return createRedisProbe(check, m_redis.get(), m_maxBodyBytes, parent);
    case ProbeKind::Tcp:
        return new TcpProbe(check, parent);
    case ProbeKind::File:
        return new FileProbe(check, m_fileWorkers, parent);
    case ProbeKind::Exec:
        return new ExecProbe(check, m_maxBodyBytes, parent);
    case ProbeKind::Alertmanager:
        return new AlertmanagerProbe(check, httpClientFor(check.http.tls), bodyCap, parent);
    case ProbeKind::Prometheus:
        return new PrometheusProbe(check, httpClientFor(check.http.tls), bodyCap, parent);
    }
    return nullptr;
}

} // namespace hd
