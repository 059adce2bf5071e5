#include "thresholds.h"

#include <algorithm>

namespace hd {

bool isFailing(Status status)
{
    return status == Status::Down || status == Status::Stale || status == Status::Unknown;
}

ThresholdTracker::ThresholdTracker(int failureThreshold, int successThreshold)
{
    setThresholds(failureThreshold, successThreshold);
}

void ThresholdTracker::setThresholds(int failureThreshold, int successThreshold)
{
    m_failureThreshold = std::max(1, failureThreshold);
    m_successThreshold = std::max(1, successThreshold);
}

void ThresholdTracker::reset()
{
    m_status = Status::Starting;
    m_lastRaw = Status::Starting;
    m_failures = 0;
    m_successes = 0;
    m_pending = false;
    m_hasResult = false;
}

ThresholdTracker::Transition ThresholdTracker::feed(Status raw)
{
    const Status before = m_status;
    const bool pendingBefore = m_pending;
    const bool failing = isFailing(raw);

    m_lastRaw = raw;
    if (failing) {
        ++m_failures;
        m_successes = 0;
    } else {
        ++m_successes;
        m_failures = 0;
    }

    if (!m_hasResult) {
        m_hasResult = true;
        m_status = raw;
        m_pending = false;
    } else if (isFailing(m_status)) {
        if (failing || m_successes >= m_successThreshold)
            m_status = raw;
        m_pending = false;
    } else if (!failing) {
        m_status = raw;
        m_pending = false;
    } else if (m_failures >= m_failureThreshold) {
        m_status = raw;
        m_pending = false;
    } else {
        m_pending = true;
    }

    return { m_status != before, m_pending != pendingBefore, before, m_status };
}

namespace {

bool hasTag(const CheckConfig& check, QLatin1String tag)
{
    return std::any_of(check.tags.cbegin(), check.tags.cend(),
        [tag](const QString& t) { return t.compare(tag, Qt::CaseInsensitive) == 0; });
}

} // namespace

StartupGate::StartupGate(const Config& config)
{
    setConfig(config);
}

void StartupGate::setConfig(const Config& config)
{
    QHash<QString, ServiceGate> services;
    QHash<QString, QString> serviceOfCheck;
    for (const ServiceConfig& service : config.services) {
        ServiceGate gate;
        for (const CheckConfig& check : service.checks) {
            const QString key = check.key();
            if (hasTag(check, QLatin1String("startup"))) {
                gate.startupKeys.insert(key);
                if (const auto old = m_services.constFind(service.name);
                    old != m_services.cend() && old->passed.contains(key))
                    gate.passed.insert(key);
                serviceOfCheck.insert(key, service.name);
            } else if (hasTag(check, QLatin1String("liveness")) || hasTag(check, QLatin1String("readiness"))) {
                gate.gatedKeys.append(key);
            }
        }
        if (gate.startupKeys.isEmpty())
            continue;
        for (const QString& key : std::as_const(gate.gatedKeys))
            serviceOfCheck.insert(key, service.name);
        services.insert(service.name, gate);
    }
    m_services = std::move(services);
    m_serviceOfCheck = std::move(serviceOfCheck);
}

bool StartupGate::isGated(const QString& checkKey) const
{
    const auto service = m_serviceOfCheck.constFind(checkKey);
    if (service == m_serviceOfCheck.cend())
        return false;
    const auto gate = m_services.constFind(*service);
    return !gate->startupKeys.contains(checkKey) && !gate->open();
}

bool StartupGate::isStartupCheck(const QString& checkKey) const
{
    const auto service = m_serviceOfCheck.constFind(checkKey);
    return service != m_serviceOfCheck.cend() && m_services.constFind(*service)->startupKeys.contains(checkKey);
}

QStringList StartupGate::record(const QString& checkKey, Status status)
{
    if (status != Status::Ok && status != Status::Degraded)
        return {};
    const auto service = m_serviceOfCheck.constFind(checkKey);
    if (service == m_serviceOfCheck.cend())
        return {};
    ServiceGate& gate = m_services[*service];
    if (!gate.startupKeys.contains(checkKey) || gate.open())
        return {};
    gate.passed.insert(checkKey);
    return gate.open() ? gate.gatedKeys : QStringList();
}

void StartupGate::resetService(const QString& service)
{
    const auto it = m_services.find(service);
    if (it != m_services.end())
        it->passed.clear();
}

} // namespace hd
