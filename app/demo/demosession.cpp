#include "demosession.h"

#include "demo/demobackend.h"
#include "demo/demoenvironment.h"
#include "demo/heartbeatsimulator.h"

namespace hd {

DemoSession::DemoSession(QObject* parent)
    : QObject(parent)
{
}

DemoSession::~DemoSession() = default;

void DemoSession::start()
{
    if (m_host)
        return;
    m_host = std::make_unique<ThreadHost<DemoEnvironment>>(
        QStringLiteral("healthdeck-demo"), [] { return new DemoEnvironment; });
    m_host->post([this](DemoEnvironment& environment) {
        // On the demo's thread: waiting here for redis-server and the services to listen holds up nobody.
        const bool ok = environment.start();
        const QString problem = environment.errorString();
        const QStringList notes = environment.notes();
        const QString configPath = environment.configPath();
        QHash<QString, QUrl> urls;
        if (DemoBackend* backend = environment.backend())
            urls = backend->baseUrls();
        // Short TTLs so that a killed writer shows as stale within the demo's minute.
        if (HeartbeatSimulator* beats = environment.heartbeats())
            beats->setTtlSeconds(20);
        QMetaObject::invokeMethod(
            this,
            [this, ok, problem, notes, configPath, urls] {
                m_notes = notes;
                m_configPath = configPath;
                m_urls = urls;
                m_started = ok;
                Q_EMIT started(ok, problem);
            },
            Qt::QueuedConnection);
    });
}

QList<DemoSession::Fault> DemoSession::faults()
{
    QList<Fault> out;
    for (const DemoFaultInfo& f : demoFaults())
        out << f.fault;
    return out;
}

QString DemoSession::faultLabel(Fault fault)
{
    return demoFault(fault).label;
}

void DemoSession::setFault(Fault fault, bool on)
{
    if (on == m_on.contains(int(fault)))
        return;
    if (on)
        m_on.insert(int(fault));
    else
        m_on.remove(int(fault));
    if (m_host) {
        m_host->post([fault, on](DemoEnvironment& environment) {
            if (environment.backend())
                applyDemoFault(environment, fault, on);
        });
    }
    Q_EMIT faultsChanged();
}

void DemoSession::healAll()
{
    const QSet<int> on = m_on;
    for (int f : on)
        setFault(Fault(f), false);
}

} // namespace hd
