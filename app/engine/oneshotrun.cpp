#include "oneshotrun.h"

#include "probefactory.h"
#include "probes/probe.h"

#include <QElapsedTimer>

namespace hd {

namespace {
constexpr int kGraceMs = 500;
}

bool CheckFilter::matches(const CheckConfig &check) const
{
    if (!services.isEmpty() && !services.contains(check.service))
        return false;
    if (tags.isEmpty())
        return true;
    for (const QString &tag : tags) {
        if (check.tags.contains(tag))
            return true;
    }
    return false;
}

OneShotRun::OneShotRun(const Config &config, const CheckFilter &filter, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    for (const CheckConfig &check : config.allChecks()) {
        if (filter.matches(check))
            m_checks << check;
    }
    m_results.resize(m_checks.size());
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &OneShotRun::onDeadline);
}

OneShotRun::~OneShotRun() = default;

void OneShotRun::start()
{
    m_factory = new ProbeFactory(m_config, this);
    qint64 longest = 0;
    for (qsizetype i = 0; i < m_checks.size(); ++i) {
        const CheckConfig &check = m_checks.at(i);
        longest = qMax(longest, check.timeoutMs);
        Probe *probe = m_factory->create(check, this);
        m_probes << probe;
        ++m_pending;
        connect(probe, &Probe::finished, this, [this, i](const ProbeResult &r) { onProbeFinished(int(i), r); });
    }
    if (m_checks.isEmpty()) {
        QMetaObject::invokeMethod(this, &OneShotRun::finish, Qt::QueuedConnection);
        return;
    }
    m_deadline.start(int(longest + kGraceMs));
    for (Probe *probe : std::as_const(m_probes))
        probe->start();
}

void OneShotRun::onProbeFinished(int index, const ProbeResult &result)
{
    if (m_done || m_results[index])
        return;
    m_results[index] = result;
    if (--m_pending == 0)
        finish();
}

void OneShotRun::onDeadline()
{
    // A probe that outlived its own timeout: report it as timed out, stop waiting.
    for (qsizetype i = 0; i < m_checks.size(); ++i) {
        if (m_results[i])
            continue;
        m_probes[i]->cancel();
        ProbeResult r;
        r.outcome = ProbeResult::Outcome::Timeout;
        r.error = u"no answer within " + QString::number(m_checks[i].timeoutMs) + u" ms";
        r.latencyMs = double(m_checks[i].timeoutMs);
        r.finishedAt = QDateTime::currentDateTimeUtc();
        m_results[i] = r;
    }
    finish();
}

void OneShotRun::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (qsizetype i = 0; i < m_checks.size(); ++i) {
        const CheckEvaluator evaluator(m_checks.at(i));
        m_rows += rowsForResult(m_checks.at(i), evaluator, *m_results.at(i), now, {});
    }
    Q_EMIT finished();
}

} // namespace hd
