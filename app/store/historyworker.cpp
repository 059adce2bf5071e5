#include "historyworker.h"

#include <QMutexLocker>
#include <QTimer>

namespace hd {

HistoryWorker::HistoryWorker(const HistoryStore::Options& options, std::shared_ptr<HistoryShared> shared)
    : m_shared(shared)
    , m_conn(options, shared, [this](const QString& reason) { Q_EMIT degraded(reason); })
    , m_writer(m_conn, shared)
    , m_rollups(m_conn)
    , m_retention(m_conn)
    , m_queries(m_conn)
{
}

HistoryWorker::~HistoryWorker() = default;

bool HistoryWorker::open()
{
    const bool ok = m_conn.open();
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->open = ok;
    }
    if (!ok)
        return false;
    m_flushTimer = new QTimer(this);
    connect(m_flushTimer, &QTimer::timeout, this, &HistoryWorker::tick);
    m_flushTimer->start(qMax(1, m_conn.options().flushIntervalMs));
    m_sweepTimer = new QTimer(this);
    connect(m_sweepTimer, &QTimer::timeout, this, &HistoryWorker::startSweep);
    m_sweepTimer->start(qMax(1000, m_conn.options().sweepIntervalMs));
    startSweep();
    return true;
}

void HistoryWorker::close()
{
    if (m_conn.isClosed())
        return;
    for (QTimer* t : { m_flushTimer, m_sweepTimer }) {
        if (t)
            t->stop();
    }
    if (m_conn.isValid()) {
        flushSamples();
        updateRollups(true);
    }
    m_conn.close();
    QMutexLocker lock(&m_shared->mutex);
    m_shared->open = false;
}

void HistoryWorker::tick()
{
    flushSamples();
    updateRollups(false);
}

void HistoryWorker::startSweep()
{
    if (m_sweeping || m_conn.isClosed() || !m_conn.isValid())
        return;
    m_sweeping = true;
    m_sweepStats = {};
    continueSweep();
}

void HistoryWorker::continueSweep()
{
    if (m_conn.isClosed() || !m_conn.isValid()) {
        m_sweeping = false;
        return;
    }
    if (m_retention.sweepStep(m_sweepStats)) {
        QTimer::singleShot(0, this, &HistoryWorker::continueSweep); // let queued events in between batches
        return;
    }
    m_sweeping = false;
    m_retention.vacuumIfWorthIt();
    Q_EMIT swept(m_sweepStats);
}

} // namespace hd
