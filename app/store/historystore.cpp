#include "historystore.h"

#include "store/historyschema.h"
#include "store/historyworker.h"

#include <QCoreApplication>
#include <QMutexLocker>
#include <QPointer>
#include <QSemaphore>
#include <QStandardPaths>
#include <QTimer>
#include <atomic>

namespace hd {

namespace {

WriteResult notOpen()
{
    WriteResult r;
    r.error = QStringLiteral("history store is not open");
    return r;
}

std::atomic<QThread*> uiThread { nullptr };

// The blocking calls must never stall a window: the thread of a QGuiApplication (hd_store sees it by class name
// only, it links no Qt Gui), or the one named by setUiThread().
bool onUiThread()
{
    QThread* ui = uiThread.load();
    if (!ui) {
        const QCoreApplication* app = QCoreApplication::instance();
        if (!app || !app->inherits("QGuiApplication"))
            return false;
        ui = app->thread();
    }
    return QThread::currentThread() == ui;
}

} // namespace

HistoryStore::HistoryStore(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_shared(std::make_shared<HistoryShared>())
{
    if (m_options.path.isEmpty())
        m_options.path = defaultPath();
}

HistoryStore::~HistoryStore()
{
    close();
}

QString HistoryStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/healthdeck/history.sqlite");
}

int HistoryStore::schemaVersion()
{
    return historyschema::latestVersion();
}

void HistoryStore::setUiThread(QThread* thread)
{
    uiThread.store(thread);
}

void HistoryStore::blockOn(const char* call, const std::function<void(HistoryWorker&)>& work)
{
    if (HistoryWorker* here = m_onThread.load(); here && QThread::currentThread() == m_host->thread()) {
        work(*here);
        return;
    }
    if (onUiThread()) {
        static std::atomic_bool warned { false };
        if (!warned.exchange(true))
            qCWarning(lcHistory).nospace()
                << "HistoryStore::" << call
                << "() blocks the UI thread until the history answers; the blocking calls are for the command line "
                   "and tests, a window uses the asynchronous ones";
    }
    // Never on the UI thread by design: the dashboard uses openAsync() and the async calls (warned above otherwise).
    QSemaphore answered;
    m_host->post([&](HistoryWorker& worker) {
        work(worker);
        answered.release();
    });
    answered.acquire();
}

void HistoryStore::startWorker()
{
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->degraded = false;
        m_shared->reason.clear();
    }
    // The worker is made on its own thread, which it keeps until close() (ThreadHost, as the engine's).
    m_host = std::make_unique<ThreadHost<HistoryWorker>>(QStringLiteral("healthdeck-history"), [this] {
        auto* worker = new HistoryWorker(m_options, m_shared);
        connect(worker, &HistoryWorker::degraded, this, &HistoryStore::degraded, Qt::QueuedConnection);
        connect(worker, &HistoryWorker::swept, this, &HistoryStore::swept, Qt::QueuedConnection);
        m_onThread.store(worker);
        return worker;
    });
}

bool HistoryStore::open()
{
    if (m_host)
        return isOpen();
    startWorker();
    bool ok = false;
    blockOn("open", [&ok](HistoryWorker& worker) { ok = worker.open(); });
    QMetaObject::invokeMethod(
        this, [this, ok] { Q_EMIT opened(ok && !isDegraded()); }, Qt::QueuedConnection);
    return ok;
}

void HistoryStore::openAsync()
{
    if (m_host)
        return;
    startWorker();
    m_host->post([this](HistoryWorker& worker) {
        const bool ok = worker.open();
        QMetaObject::invokeMethod(
            this, [this, ok] { Q_EMIT opened(ok && !isDegraded()); }, Qt::QueuedConnection);
    });
}

void HistoryStore::close()
{
    if (!m_host)
        return;
    // Queued behind the work already posted; the worker goes on its thread once it has closed, and the join in stop()
    // is the one wait: as long as the last commit and rollups take.
    m_host->post([this](HistoryWorker& worker) {
        worker.close();
        m_onThread.store(nullptr);
    });
    m_host->stop();
    m_host.reset();
}

bool HistoryStore::isOpen() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->open;
}

QString HistoryStore::path() const
{
    return m_options.path;
}

bool HistoryStore::isDegraded() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->degraded;
}

QString HistoryStore::degradedReason() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->reason;
}

void HistoryStore::addSample(const Sample& sample)
{
    addSamples({ sample });
}

void HistoryStore::addSamples(const QList<Sample>& samples)
{
    bool post = false;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->pending += samples;
        if (!m_shared->flushPosted && m_shared->pending.size() >= qMax(1, m_options.flushRows)) {
            m_shared->flushPosted = true;
            post = true;
        }
    }
    if (post && m_host)
        m_host->post([](HistoryWorker& worker) { worker.flushSamples(); });
}

void HistoryStore::flush()
{
    if (!m_host)
        return;
    blockOn("flush", [](HistoryWorker& worker) {
        worker.flushSamples();
        worker.updateRollups(true);
    });
}

quint64 HistoryStore::postWrite(WriteOp op, QList<StateEvent> events, QObject* context, WriteCallback done)
{
    const quint64 id = ++m_nextRequestId;
    const bool hasContext = context != nullptr;
    QPointer<QObject> guard(context);
    auto deliver
        = [this, id, hasContext, guard, done = std::move(done)](WriteResult r, const QList<StateEvent>& written) {
              r.requestId = id;
              if (done && (!hasContext || guard))
                  done(r);
              Q_EMIT committed(id, r);
              if (r.ok) {
                  for (const StateEvent& e : written)
                      Q_EMIT eventCommitted(e, r.persisted);
              }
          };
    if (!m_host) {
        QMetaObject::invokeMethod(
            this, [deliver] { deliver(notOpen(), {}); }, Qt::QueuedConnection);
        return id;
    }
    m_host->post([this, op = std::move(op), events = std::move(events), deliver = std::move(deliver)](
                     HistoryWorker& worker) mutable {
        const WriteResult r = op(worker, events);
        QMetaObject::invokeMethod(
            this, [r, events = std::move(events), deliver = std::move(deliver)] { deliver(r, events); },
            Qt::QueuedConnection);
    });
    return id;
}

WriteResult HistoryStore::runWrite(const char* call, const WriteOp& op, QList<StateEvent> events)
{
    if (!m_host)
        return notOpen();
    WriteResult r;
    blockOn(call, [&](HistoryWorker& worker) { r = op(worker, events); });
    return r;
}

template <typename R, typename Ready>
quint64 HistoryStore::postRead(std::function<R(HistoryWorker&, QString*)> op, Ready ready)
{
    const quint64 id = ++m_nextRequestId;
    if (!m_host) {
        QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT queryFailed(id, notOpen().error); }, Qt::QueuedConnection);
        return id;
    }
    m_host->post([this, id, op = std::move(op), ready](HistoryWorker& worker) {
        QString error;
        R result = op(worker, &error);
        QMetaObject::invokeMethod(
            this,
            [this, id, ready, error, result = std::move(result)] {
                if (error.isEmpty())
                    Q_EMIT(this->*ready)(id, result);
                else
                    Q_EMIT queryFailed(id, error);
            },
            Qt::QueuedConnection);
    });
    return id;
}

template <typename R>
R HistoryStore::runRead(const char* call, const std::function<R(HistoryWorker&, QString*)>& op, QString* error)
{
    R result {};
    QString message;
    if (!m_host) {
        message = notOpen().error;
    } else {
        blockOn(call, [&](HistoryWorker& worker) { result = op(worker, &message); });
    }
    if (error)
        *error = message;
    return result;
}

// Writes

quint64 HistoryStore::writeEvent(const StateEvent& event, QObject* context, WriteCallback done)
{
    return writeEvents({ event }, context, std::move(done));
}

quint64 HistoryStore::writeEvents(const QList<StateEvent>& events, QObject* context, WriteCallback done)
{
    return postWrite([](HistoryWorker& w, QList<StateEvent>& e) { return w.writer().writeEvents(e); }, events, context,
        std::move(done));
}

quint64 HistoryStore::addAck(const Ack& ack, QObject* context, WriteCallback done)
{
    return postWrite(
        [ack](HistoryWorker& w, QList<StateEvent>&) { return w.writer().addAck(ack); }, {}, context, std::move(done));
}

quint64 HistoryStore::clearAcks(
    const QString& checkKey, qint64 atMs, const QString& reason, QObject* context, WriteCallback done)
{
    return postWrite([=](HistoryWorker& w, QList<StateEvent>&) { return w.writer().clearAcks(checkKey, atMs, reason); },
        {}, context, std::move(done));
}

quint64 HistoryStore::addSilence(const Silence& silence, QObject* context, WriteCallback done)
{
    return postWrite([silence](HistoryWorker& w, QList<StateEvent>&) { return w.writer().addSilence(silence); }, {},
        context, std::move(done));
}

quint64 HistoryStore::cancelSilence(qint64 silenceId, qint64 atMs, QObject* context, WriteCallback done)
{
    return postWrite([=](HistoryWorker& w, QList<StateEvent>&) { return w.writer().cancelSilence(silenceId, atMs); },
        {}, context, std::move(done));
}

quint64 HistoryStore::appendAudit(const AuditEntry& entry, QObject* context, WriteCallback done)
{
    return postWrite([entry](HistoryWorker& w, QList<StateEvent>&) { return w.writer().appendAudit(entry); }, {},
        context, std::move(done));
}

quint64 HistoryStore::acquireLease(
    const QString& name, const QString& holder, qint64 ttlMs, QObject* context, WriteCallback done)
{
    return postWrite([name, holder, ttlMs](
                         HistoryWorker& w, QList<StateEvent>&) { return w.writer().acquireLease(name, holder, ttlMs); },
        {}, context, std::move(done));
}

quint64 HistoryStore::releaseLease(const QString& name, const QString& holder, QObject* context, WriteCallback done)
{
    return postWrite(
        [name, holder](HistoryWorker& w, QList<StateEvent>&) { return w.writer().releaseLease(name, holder); }, {},
        context, std::move(done));
}

WriteResult HistoryStore::acquireLeaseSync(const QString& name, const QString& holder, qint64 ttlMs)
{
    return runWrite("acquireLeaseSync",
        [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().acquireLease(name, holder, ttlMs); }, {});
}

WriteResult HistoryStore::releaseLeaseSync(const QString& name, const QString& holder)
{
    return runWrite("releaseLeaseSync",
        [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().releaseLease(name, holder); }, {});
}

WriteResult HistoryStore::writeEventSync(const StateEvent& event)
{
    return writeEventsSync({ event });
}

WriteResult HistoryStore::writeEventsSync(const QList<StateEvent>& events)
{
    return runWrite(
        "writeEventsSync", [](HistoryWorker& w, QList<StateEvent>& e) { return w.writer().writeEvents(e); }, events);
}

WriteResult HistoryStore::addAckSync(const Ack& ack)
{
    return runWrite("addAckSync", [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().addAck(ack); }, {});
}

WriteResult HistoryStore::clearAcksSync(const QString& checkKey, qint64 atMs, const QString& reason)
{
    return runWrite("clearAcksSync",
        [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().clearAcks(checkKey, atMs, reason); }, {});
}

WriteResult HistoryStore::addSilenceSync(const Silence& silence)
{
    return runWrite(
        "addSilenceSync", [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().addSilence(silence); }, {});
}

WriteResult HistoryStore::cancelSilenceSync(qint64 silenceId, qint64 atMs)
{
    return runWrite("cancelSilenceSync",
        [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().cancelSilence(silenceId, atMs); }, {});
}

WriteResult HistoryStore::appendAuditSync(const AuditEntry& entry)
{
    return runWrite(
        "appendAuditSync", [&](HistoryWorker& w, QList<StateEvent>&) { return w.writer().appendAudit(entry); }, {});
}

// Reads

quint64 HistoryStore::requestEvents(const EventQuery& query)
{
    return postRead<QList<StateEvent>>(
        [query](HistoryWorker& w, QString* e) { return w.queries().events(query, e); }, &HistoryStore::eventsReady);
}

quint64 HistoryStore::requestEventCount(const EventQuery& query)
{
    return postRead<qint64>([query](HistoryWorker& w, QString* e) { return w.queries().eventCount(query, e); },
        &HistoryStore::eventCountReady);
}

quint64 HistoryStore::requestSamples(const SampleQuery& query)
{
    return postRead<QList<Sample>>(
        [query](HistoryWorker& w, QString* e) { return w.queries().samples(query, e); }, &HistoryStore::samplesReady);
}

quint64 HistoryStore::requestRollups(const RollupQuery& query)
{
    return postRead<QList<Rollup>>(
        [query](HistoryWorker& w, QString* e) { return w.queries().rollups(query, e); }, &HistoryStore::rollupsReady);
}

quint64 HistoryStore::requestAcks(const AckQuery& query)
{
    return postRead<QList<Ack>>(
        [query](HistoryWorker& w, QString* e) { return w.queries().acks(query, e); }, &HistoryStore::acksReady);
}

quint64 HistoryStore::requestSilences(const SilenceQuery& query)
{
    return postRead<QList<Silence>>(
        [query](HistoryWorker& w, QString* e) { return w.queries().silences(query, e); }, &HistoryStore::silencesReady);
}

quint64 HistoryStore::requestAudit(const AuditQuery& query)
{
    return postRead<QList<AuditEntry>>(
        [query](HistoryWorker& w, QString* e) { return w.queries().audit(query, e); }, &HistoryStore::auditReady);
}

QList<StateEvent> HistoryStore::events(const EventQuery& query, QString* error)
{
    return runRead<QList<StateEvent>>(
        "events", [&](HistoryWorker& w, QString* e) { return w.queries().events(query, e); }, error);
}

qint64 HistoryStore::eventCount(const EventQuery& query, QString* error)
{
    return runRead<qint64>(
        "eventCount", [&](HistoryWorker& w, QString* e) { return w.queries().eventCount(query, e); }, error);
}

QList<Sample> HistoryStore::samples(const SampleQuery& query, QString* error)
{
    return runRead<QList<Sample>>(
        "samples", [&](HistoryWorker& w, QString* e) { return w.queries().samples(query, e); }, error);
}

QList<Rollup> HistoryStore::rollups(const RollupQuery& query, QString* error)
{
    return runRead<QList<Rollup>>(
        "rollups", [&](HistoryWorker& w, QString* e) { return w.queries().rollups(query, e); }, error);
}

QList<Ack> HistoryStore::acks(const AckQuery& query, QString* error)
{
    return runRead<QList<Ack>>(
        "acks", [&](HistoryWorker& w, QString* e) { return w.queries().acks(query, e); }, error);
}

QList<Silence> HistoryStore::silences(const SilenceQuery& query, QString* error)
{
    return runRead<QList<Silence>>(
        "silences", [&](HistoryWorker& w, QString* e) { return w.queries().silences(query, e); }, error);
}

QList<AuditEntry> HistoryStore::audit(const AuditQuery& query, QString* error)
{
    return runRead<QList<AuditEntry>>(
        "audit", [&](HistoryWorker& w, QString* e) { return w.queries().audit(query, e); }, error);
}

SweepStats HistoryStore::sweepNow()
{
    return runRead<SweepStats>(
        "sweepNow", [](HistoryWorker& w, QString*) { return w.sweep(); }, nullptr);
}

} // namespace hd
