#include "historyrecorder.h"

#include "monitorengine.h"

#include <QTimer>

namespace hd {

namespace {
constexpr int kAckSyncMs = 3'000;
}

HistoryRecorder::HistoryRecorder(MonitorEngine* engine, HistoryStore* store, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_store(store)
{
    auto* acks = new QTimer(this);
    acks->setInterval(kAckSyncMs);
    connect(acks, &QTimer::timeout, this, &HistoryRecorder::syncAcknowledgements);
    acks->start();
    QTimer::singleShot(0, this, &HistoryRecorder::syncAcknowledgements);
    connect(store, &HistoryStore::acksReady, this, [this](quint64 id, const QList<Ack>& stored) {
        if (id != m_ackRequest)
            return; // someone else's read
        m_ackRequest = 0;
        applyAcknowledgements(stored);
    });
    connect(store, &HistoryStore::queryFailed, this, [this](quint64 id, const QString&) {
        if (id == m_ackRequest)
            m_ackRequest = 0; // the next round tries again; a read error is no reason to drop what the engine holds
    });
    connect(engine, &MonitorEngine::stateChanged, this, [this](const StateChange& change) {
        ++m_outstanding;
        const StateEvent event = change.toEvent();
        if (change.to == Status::Ok) // an acknowledgement lasts until the check recovers, in the history too
            m_store->clearAcks(change.key(), change.time.toMSecsSinceEpoch(), QStringLiteral("recovered"));
        m_store->writeEvent(event, this, [this, event](const WriteResult& result) {
            --m_outstanding;
            Q_EMIT eventCommitted(event, result);
        });
    });
    connect(engine, &MonitorEngine::rowsUpdated, this, [this](const QList<RowState>& rows) {
        QList<Sample> samples;
        for (const RowState& row : rows) {
            if (row.freshResult)
                samples << Sample { row.lastResult.toMSecsSinceEpoch(), row.key, row.rawStatus, row.latencyMs };
        }
        if (!samples.isEmpty())
            m_store->addSamples(samples);
    });
}

void HistoryRecorder::syncAcknowledgements()
{
    if (m_ackRequest == 0) // one read at a time: a slow store is asked again once it has answered
        m_ackRequest = m_store->requestAcks(AckQuery {});
}

void HistoryRecorder::applyAcknowledgements(const QList<Ack>& stored)
{
    QList<Acknowledgement> acks;
    for (const Ack& a : stored) {
        Acknowledgement ack;
        ack.checkKey = a.checkKey;
        ack.author = a.author;
        ack.comment = a.comment;
        ack.created = QDateTime::fromMSecsSinceEpoch(a.createdMs, Qt::UTC);
        if (a.expiresMs > 0)
            ack.expires = QDateTime::fromMSecsSinceEpoch(a.expiresMs, Qt::UTC);
        acks << ack;
    }
    m_engine->syncAcknowledgements(acks, 2 * kAckSyncMs);
}

} // namespace hd
