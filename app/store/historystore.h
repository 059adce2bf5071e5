#pragma once

#include "config/config.h"
#include "core/threadhost.h"
#include "store/historytypes.h"

#include <QObject>
#include <QThread>
#include <atomic>
#include <functional>
#include <memory>

namespace hd {

class HistoryWorker;
struct HistoryShared;

// How a HistoryStore works; the defaults suit a dashboard or a monitor.
struct HistoryOptions {
    using Clock = std::function<qint64()>; // ms since the epoch, UTC; called on the worker thread
    QString path; // empty: HistoryStore::defaultPath()
    HistoryConfig retention; // a retention <= 0 keeps that kind of row forever
    Clock clock; // empty: the system clock
    int flushIntervalMs = 1000; // queued samples are committed at least this often...
    int flushRows = 5000; // ...or as soon as this many are queued
    int sweepIntervalMs = 10 * 60 * 1000; // retention sweep; also run on open
    int sweepBatchRows = 5000; // rows deleted per table per transaction
    int busyTimeoutMs = 5000; // wait this long for another process's write lock
    qint64 maxPageCount = 0; // 0: SQLite's default; otherwise a cap on the file, in pages
};

// The SQLite history: state-change events, latency samples and their rollups, acknowledgements,
// silences and the admin audit log, in one WAL file that a dashboard and a `monitor` can share.
//
// Every database operation runs on the store's own worker thread. Samples are queued and committed in batches;
// events, acks, silences and audit rows are committed (and synced) in their own transaction before their
// callback runs. A file that is corrupt, read-only, from a newer schema, on a full disk or locked by another
// process beyond the retries is never silently given up on: the store says why (degraded(), degradedReason()),
// switches to an in-memory database and carries on, so no write is lost for the rest of the run.
//
// Async calls return a request id, echoed in committed() or the matching *Ready signal (or queryFailed()).
// Signals and callbacks arrive in the thread the store lives in.
//
// The blocking calls (the last section below: open(), close(), flush(), the *Sync writes, the synchronous reads and
// sweepNow()) wait for the worker to answer. They are for the command line, tests and threads of their own (the
// engine's, a CSV export's), never for a UI thread: called on the thread of a QGuiApplication (or the one named by
// setUiThread()) they warn once. They never emit the async signals.
class HistoryStore final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryStore)

public:
    using Clock = HistoryOptions::Clock;
    using Options = HistoryOptions;
    using WriteCallback = std::function<void(const WriteResult&)>;

    explicit HistoryStore(Options options = {}, QObject* parent = nullptr);
    ~HistoryStore() override; // close()

    // QStandardPaths::GenericDataLocation + "/healthdeck/history.sqlite" (~/.local/share/healthdeck/ on Linux).
    static QString defaultPath();
    static int schemaVersion();

    // The thread on which the blocking calls warn. Default (nullptr): the main thread of a QGuiApplication.
    static void setUiThread(QThread* thread);

    // Opens (creating and migrating) the file, or falls back to memory, on the worker thread; reports through
    // opened(). The dashboard's way in; open() below is the blocking one.
    void openAsync();

    bool isOpen() const;
    QString path() const;
    bool isDegraded() const; // running on the in-memory fallback
    QString degradedReason() const; // names the cause and the path; empty while the file is in use

    // Samples: callable from any thread while the store is open; queued and committed in batches (flushIntervalMs /
    // flushRows). Minute and hour rollups are computed from them once each minute or hour is over.
    void addSample(const Sample& sample);
    void addSamples(const QList<Sample>& samples);

    // Durable writes. The callback (skipped if context is given and has been destroyed) runs after the commit,
    // then committed() is emitted; for events, eventCommitted() follows with the row id filled in.
    quint64 writeEvent(const StateEvent& event, QObject* context = nullptr, WriteCallback done = {});
    quint64 writeEvents(const QList<StateEvent>& events, QObject* context = nullptr, WriteCallback done = {});
    quint64 addAck(const Ack& ack, QObject* context = nullptr, WriteCallback done = {});
    // Clears every uncleared ack of the check; rowsAffected says how many.
    quint64 clearAcks(const QString& checkKey, qint64 atMs, const QString& reason, QObject* context = nullptr,
        WriteCallback done = {});
    quint64 addSilence(const Silence& silence, QObject* context = nullptr, WriteCallback done = {});
    quint64 cancelSilence(qint64 silenceId, qint64 atMs, QObject* context = nullptr, WriteCallback done = {});
    // params and message are redacted (password, token, secret, authorization, ...) before they are stored.
    quint64 appendAudit(const AuditEntry& entry, QObject* context = nullptr, WriteCallback done = {});

    // A lease names the one process that acts for everyone sharing the file (auto-heal): taken when it is free,
    // expired or already `holder`'s, and then held for ttlMs. rowsAffected is 1 when `holder` holds it; otherwise
    // error names the holder. A store running in memory (persisted false) cannot coordinate with anyone.
    quint64 acquireLease(
        const QString& name, const QString& holder, qint64 ttlMs, QObject* context = nullptr, WriteCallback done = {});
    // Gives the lease back if `holder` holds it; rowsAffected is 1 when it did.
    quint64 releaseLease(
        const QString& name, const QString& holder, QObject* context = nullptr, WriteCallback done = {});

    // Async reads.
    quint64 requestEvents(const EventQuery& query);
    quint64 requestEventCount(const EventQuery& query); // ignores after, offset and limit
    quint64 requestSamples(const SampleQuery& query);
    quint64 requestRollups(const RollupQuery& query);
    quint64 requestAcks(const AckQuery& query);
    quint64 requestSilences(const SilenceQuery& query);
    quint64 requestAudit(const AuditQuery& query);

    // ---- Blocking calls: the command line, tests and worker threads only (see above) ----

    // Opens (creating and migrating) the file, or falls back to memory, and waits until done; returns false only
    // when not even the in-memory database could be made.
    bool open();
    // Commits queued samples, brings the rollups up to date, stops the worker and joins its thread: it waits as
    // long as that last commit takes. Called by the destructor, so a store that goes at the end of main() (the
    // command line's, and the dashboard's once its event loop is over) waits there.
    void close();
    // Waits until every queued sample is committed and every rollup is up to date, the current minute and hour
    // included. Without it, a rollup is written once its minute or hour is over (plus a few seconds for late samples).
    void flush();

    WriteResult acquireLeaseSync(const QString& name, const QString& holder, qint64 ttlMs);
    WriteResult releaseLeaseSync(const QString& name, const QString& holder);
    WriteResult writeEventSync(const StateEvent& event);
    WriteResult writeEventsSync(const QList<StateEvent>& events); // one transaction
    WriteResult addAckSync(const Ack& ack);
    WriteResult clearAcksSync(const QString& checkKey, qint64 atMs, const QString& reason);
    WriteResult addSilenceSync(const Silence& silence);
    WriteResult cancelSilenceSync(qint64 silenceId, qint64 atMs);
    WriteResult appendAuditSync(const AuditEntry& entry);

    // Synchronous reads; error (if given) receives a message when the read failed.
    QList<StateEvent> events(const EventQuery& query, QString* error = nullptr);
    qint64 eventCount(const EventQuery& query, QString* error = nullptr);
    QList<Sample> samples(const SampleQuery& query, QString* error = nullptr);
    QList<Rollup> rollups(const RollupQuery& query, QString* error = nullptr);
    QList<Ack> acks(const AckQuery& query, QString* error = nullptr);
    QList<Silence> silences(const SilenceQuery& query, QString* error = nullptr);
    QList<AuditEntry> audit(const AuditQuery& query, QString* error = nullptr);

    // Runs the retention sweep to completion (the periodic one works in the background).
    SweepStats sweepNow();

Q_SIGNALS:
    void opened(bool persistent); // persistent: false when running in memory
    void degraded(const QString& reason);
    void committed(quint64 requestId, const hd::WriteResult& result);
    void eventCommitted(const hd::StateEvent& event, bool persisted);
    void eventsReady(quint64 requestId, const QList<hd::StateEvent>& events);
    void eventCountReady(quint64 requestId, qint64 count);
    void samplesReady(quint64 requestId, const QList<hd::Sample>& samples);
    void rollupsReady(quint64 requestId, const QList<hd::Rollup>& rollups);
    void acksReady(quint64 requestId, const QList<hd::Ack>& acks);
    void silencesReady(quint64 requestId, const QList<hd::Silence>& silences);
    void auditReady(quint64 requestId, const QList<hd::AuditEntry>& entries);
    void queryFailed(quint64 requestId, const QString& error);
    void swept(const hd::SweepStats& stats); // after each background sweep

private:
    using WriteOp = std::function<WriteResult(HistoryWorker&, QList<StateEvent>&)>;
    void startWorker();
    // Runs work on the worker thread and waits for it (at once when already there); warns on a UI thread.
    void blockOn(const char* call, const std::function<void(HistoryWorker&)>& work);
    quint64 postWrite(WriteOp op, QList<StateEvent> events, QObject* context, WriteCallback done);
    WriteResult runWrite(const char* call, const WriteOp& op, QList<StateEvent> events);
    template <typename R, typename Ready> quint64 postRead(std::function<R(HistoryWorker&, QString*)> op, Ready ready);
    template <typename R>
    R runRead(const char* call, const std::function<R(HistoryWorker&, QString*)>& op, QString* error);

    Options m_options;
    std::shared_ptr<HistoryShared> m_shared;
    std::unique_ptr<ThreadHost<HistoryWorker>> m_host; // from open() to close()
    std::atomic<HistoryWorker*> m_onThread { nullptr }; // the worker, for blocking calls made on its own thread
    std::atomic<quint64> m_nextRequestId { 0 };
};

} // namespace hd
