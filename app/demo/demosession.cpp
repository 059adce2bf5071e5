#include "demosession.h"

#include "demo/demobackend.h"
#include "demo/demoenvironment.h"
#include "demo/heartbeatsimulator.h"

namespace hd {

DemoSession::DemoSession(QObject* parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("healthdeck-demo"));
}

DemoSession::~DemoSession()
{
    if (m_anchor) {
        QMetaObject::invokeMethod(
            m_anchor,
            [this] {
                delete m_environment; // stops redis-server and the services
                delete m_anchor;
            },
            Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

bool DemoSession::start(QString* error)
{
    m_thread.start();
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    bool ok = false;
    QString problem;
    QMetaObject::invokeMethod(
        m_anchor,
        [&] {
            m_environment = new DemoEnvironment;
            ok = m_environment->start();
            problem = m_environment->errorString();
            m_notes = m_environment->notes();
            m_configPath = m_environment->configPath();
            if (DemoBackend* backend = m_environment->backend())
                m_urls = backend->baseUrls();
            // Short TTLs so that a killed writer shows as stale within the demo's minute.
            if (HeartbeatSimulator* beats = m_environment->heartbeats())
                beats->setTtlSeconds(20);
        },
        Qt::BlockingQueuedConnection);
    if (error)
        *error = problem;
    return ok;
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

void DemoSession::post(std::function<void()> work)
{
    if (m_anchor)
        QMetaObject::invokeMethod(m_anchor, std::move(work), Qt::QueuedConnection);
}

void DemoSession::setFault(Fault fault, bool on)
{
    if (on == m_on.contains(int(fault)))
        return;
    if (on)
        m_on.insert(int(fault));
    else
        m_on.remove(int(fault));
    post([this, fault, on] {
        if (m_environment && m_environment->backend())
            applyDemoFault(*m_environment, fault, on);
    });
    Q_EMIT faultsChanged();
}

void DemoSession::healAll()
{
    const QSet<int> on = m_on;
    for (int f : on)
        setFault(Fault(f), false);
}

} // namespace hd
