#include "probe.h"

#include "probeutil.h"

#include <QDateTime>

namespace hd {

Probe::Probe(QObject* parent)
    : QObject(parent)
{
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_running)
            onDeadline();
    });
}

Probe::~Probe() = default;

void Probe::start()
{
    if (m_running || (m_run > 0 && !restartable()))
        return;
    ++m_run;
    m_running = true;
    m_held.reset();
    m_clock.start();
    if (m_hasTimeout)
        m_deadline.start(timerInterval(m_timeoutMs));
    m_inStart = true;
    run();
    m_inStart = false;
    if (m_held) {
        // Not from inside start(): the caller has not connected to, or is not ready for, a result yet.
        QMetaObject::invokeMethod(
            this,
            [this, run = m_run] {
                if (run != m_run || !m_running || !m_held)
                    return; // cancelled, or a later run
                ProbeResult result = std::move(*m_held);
                m_held.reset();
                end(std::move(result), m_heldStamp);
            },
            Qt::QueuedConnection);
    }
}

void Probe::cancel()
{
    m_held.reset();
    m_deadline.stop();
    if (!m_running)
        return;
    m_running = false;
    endRun(nullptr);
}

void Probe::onDeadline()
{
    finish(failedResult(ProbeResult::Outcome::Timeout, timeoutMessage(m_timeoutMs)));
}

void Probe::endRun(ProbeResult*) { }

void Probe::finish(ProbeResult result)
{
    if (!m_running || m_held)
        return;
    if (m_inStart) {
        m_held = std::move(result);
        m_heldStamp = true;
        return;
    }
    end(std::move(result), true);
}

void Probe::passOn(ProbeResult result)
{
    if (!m_running || m_held)
        return;
    if (m_inStart) {
        m_held = std::move(result);
        m_heldStamp = false;
        return;
    }
    end(std::move(result), false);
}

void Probe::end(ProbeResult result, bool stamp)
{
    m_running = false;
    m_deadline.stop();
    endRun(&result);
    if (stamp) {
        result.latencyMs = elapsedMs();
        result.finishedAt = QDateTime::currentDateTimeUtc();
    }
    // Last statement: a receiver may delete this probe.
    Q_EMIT finished(result);
}

double Probe::elapsedMs() const
{
    return hd::elapsedMs(m_clock);
}

} // namespace hd
