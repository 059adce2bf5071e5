#include "historyrecorder.h"

#include "monitorengine.h"

namespace hd {

HistoryRecorder::HistoryRecorder(MonitorEngine *engine, HistoryStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    connect(engine, &MonitorEngine::stateChanged, this, [this](const StateChange &change) {
        ++m_outstanding;
        const StateEvent event = change.toEvent();
        m_store->writeEvent(event, this, [this, event](const WriteResult &result) {
            --m_outstanding;
            Q_EMIT eventCommitted(event, result);
        });
    });
    connect(engine, &MonitorEngine::rowsUpdated, this, [this](const QList<RowState> &rows) {
        QList<Sample> samples;
        for (const RowState &row : rows) {
            if (row.freshResult)
                samples << Sample { row.lastResult.toMSecsSinceEpoch(), row.key, row.rawStatus, row.latencyMs };
        }
        if (!samples.isEmpty())
            m_store->addSamples(samples);
    });
}

} // namespace hd
