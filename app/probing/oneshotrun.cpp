#include "oneshotrun.h"

#include "probefactory.h"
#include "probes/probe.h"

#include <QElapsedTimer>
#include <QSet>
#include <climits>

namespace hd {

namespace {
constexpr int kGraceMs = 500;
// The run lasts at most this many of its largest timeout: time for the checks held back behind a busy host.
constexpr int kTurns = 3;
} // namespace

bool CheckFilter::matches(const CheckConfig& check) const
{
    if (!services.isEmpty() && !services.contains(check.service))
        return false;
    if (tags.isEmpty())
        return true;
    for (const QString& tag : tags) {
        if (check.tags.contains(tag))
            return true;
    }
    return false;
}

OneShotRun::OneShotRun(const Config& config, const CheckFilter& filter, QObject* parent)
    : QObject(parent)
    , m_config(config)
{
    for (const CheckConfig& check : config.allChecks()) {
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
        const CheckConfig& check = m_checks.at(i);
        longest = qMax(longest, check.timeoutMs);
        Probe* probe = m_factory->create(check, this);
        m_probes << probe;
        m_hostKeys << HostSlots::keyOf(check);
        ++m_pending;
        connect(probe, &Probe::finished, this, [this, i](const ProbeResult& r) { onProbeFinished(int(i), r); });
    }
    if (m_checks.isEmpty()) {
        QMetaObject::invokeMethod(this, &OneShotRun::finish, Qt::QueuedConnection);
        return;
    }
    m_deadline.start(int(qMin<qint64>(longest * kTurns + kGraceMs, INT_MAX)));
    // Queue everything first: a probe that finishes inside start() hands its slot straight on.
    QList<int> now;
    for (int i = 0; i < m_checks.size(); ++i) {
        const QString& key = m_hostKeys.at(i);
        if (m_slots.isFull(key, HostSlots::limitOf(m_checks.at(i), INT_MAX))) {
            m_waiting[key] << i;
        } else {
            m_slots.take(key);
            now << i;
        }
    }
    for (const int i : std::as_const(now))
        startProbe(i);
}

void OneShotRun::startProbe(int index)
{
    m_probes[index]->start();
}

void OneShotRun::onProbeFinished(int index, const ProbeResult& result)
{
    if (m_done || m_results[index])
        return;
    m_results[index] = result;
    const QString& key = m_hostKeys.at(index);
    m_slots.give(key);
    --m_pending;
    // The freed slot goes to the checks of the same host that wait, in order, as far as their own caps allow.
    // A probe that finishes inside start() comes back through here; the queue is read afresh each time.
    const auto waiting = m_waiting.find(key);
    while (waiting != m_waiting.end() && !waiting->isEmpty()
        && !m_slots.isFull(key, HostSlots::limitOf(m_checks.at(waiting->first()), INT_MAX))) {
        const int next = waiting->takeFirst();
        m_slots.take(key);
        startProbe(next);
    }
    if (m_pending == 0)
        finish();
}

void OneShotRun::onDeadline()
{
    // A probe that outlived its own timeout is reported as timed out; one that never got its turn, as not run.
    QSet<int> neverStarted;
    for (const QList<int>& queue : std::as_const(m_waiting)) {
        for (const int i : queue)
            neverStarted.insert(i);
    }
    for (qsizetype i = 0; i < m_checks.size(); ++i) {
        if (m_results[i])
            continue;
        m_probes[i]->cancel();
        ProbeResult r;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        if (neverStarted.contains(int(i))) {
            const CheckConfig& check = m_checks.at(i);
            r.outcome = ProbeResult::Outcome::NotRun;
            r.error = QStringLiteral("never got its turn: the %1 connection(s) to %2 that max_connections_per_host "
                                     "allows stayed busy for the whole run (%3 ms)")
                          .arg(check.maxConnectionsPerHost)
                          .arg(m_hostKeys.at(i))
                          .arg(m_deadline.interval());
        } else {
            r.outcome = ProbeResult::Outcome::Timeout;
            r.error = u"no answer within " + QString::number(m_checks[i].timeoutMs) + u" ms";
            r.latencyMs = double(m_checks[i].timeoutMs);
        }
        m_results[i] = r;
    }
    m_waiting.clear();
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
