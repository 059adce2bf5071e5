#include "monitorbridge.h"

#include "metrics/metricsexporter.h"
#include "sources/alertmanagersilences.h"

#include <QJsonObject>
#include <QTimer>

#include "config/configwatcher.h"
#include "monitor/historyrecorder.h"
#include "monitor/monitorengine.h"
#include "store/historystore.h"

namespace hd {

namespace {

constexpr int kLagIntervalMs = 5000;

} // namespace

MonitorBridge::MonitorBridge(HistoryStore* store, QObject* parent)
    : QObject(parent)
    , m_store(store)
{
    qRegisterMetaType<hd::RowState>();
    qRegisterMetaType<hd::StateChange>();
    qRegisterMetaType<hd::OperatorSilence>();
    qRegisterMetaType<hd::Config>();
    m_thread.setObjectName(QStringLiteral("healthdeck-monitor"));
    m_thread.start();
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    // The engine owns timers and sockets, so it is born, lives and dies on its thread.
    QMetaObject::invokeMethod(
        m_anchor,
        [this] {
            m_engine = new MonitorEngine;
            connect(m_engine, &MonitorEngine::rowsUpdated, this, &MonitorBridge::rowsUpdated);
            connect(m_engine, &MonitorEngine::rowsRemoved, this, &MonitorBridge::rowsRemoved);
            connect(m_engine, &MonitorEngine::stateChanged, this, &MonitorBridge::stateChanged);
            connect(m_engine, &MonitorEngine::configApplied, this, &MonitorBridge::configApplied);
            if (m_store)
                new HistoryRecorder(m_engine, m_store, m_engine); // the same recording as healthdeck monitor
            // An engine that falls behind says so: the window shows how late the probes started.
            auto* lagTimer = new QTimer(m_engine);
            lagTimer->setInterval(kLagIntervalMs);
            connect(lagTimer, &QTimer::timeout, m_engine, [this] {
                const SchedulingLag lag = m_engine->takeRecentSchedulingLag();
                QMetaObject::invokeMethod(
                    this, [this, lag] { Q_EMIT schedulingLagMeasured(lag); }, Qt::QueuedConnection);
            });
            lagTimer->start();
        },
        Qt::BlockingQueuedConnection);
}

MonitorBridge::~MonitorBridge()
{
    QMetaObject::invokeMethod(
        m_anchor,
        [this] {
            delete m_watcher;
            m_watcher = nullptr;
            m_engine->stop();
            delete m_engine;
            m_engine = nullptr;
            delete m_anchor;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void MonitorBridge::post(std::function<void(MonitorEngine&)> work)
{
    QMetaObject::invokeMethod(
        m_anchor,
        [this, work = std::move(work)] {
            if (m_engine)
                work(*m_engine);
        },
        Qt::QueuedConnection);
}

void MonitorBridge::serveMetrics(const QString& address)
{
    post([this, address](MonitorEngine& engine) {
        auto* exporter = new MetricsExporter(&engine, &engine); // lives and dies with the engine, on its thread
        QString error;
        QString serving;
        if (exporter->listen(address, &error))
            serving = exporter->address();
        else
            delete exporter;
        // Relayed to the bridge's thread, as every signal of the bridge is.
        QMetaObject::invokeMethod(
            this, [this, serving, error] { Q_EMIT metricsServing(serving, error); }, Qt::QueuedConnection);
    });
}

void MonitorBridge::watchConfig(const QString& path)
{
    post([this, path](MonitorEngine& engine) {
        delete m_watcher;
        m_watcher = new ConfigWatcher(path);
        connect(m_watcher, &ConfigWatcher::configLoaded, m_watcher, [this, &engine](const Config& config) {
            engine.setConfig(config);
            if (!engine.isRunning())
                engine.start();
            Q_EMIT configLoaded(config);
        });
        connect(m_watcher, &ConfigWatcher::configFailed, this, &MonitorBridge::configFailed);
        m_watcher->reload();
    });
}

void MonitorBridge::reloadConfig()
{
    post([this](MonitorEngine&) {
        if (m_watcher)
            m_watcher->reload();
    });
}

void MonitorBridge::setConfig(const Config& config)
{
    post([config](MonitorEngine& e) { e.setConfig(config); });
}

void MonitorBridge::start()
{
    post([](MonitorEngine& e) { e.start(); });
}

void MonitorBridge::runNow(const QString& checkKey)
{
    post([checkKey](MonitorEngine& e) { e.runNow(checkKey); });
}

void MonitorBridge::setBatchIntervalMs(int ms)
{
    post([ms](MonitorEngine& e) { e.setBatchIntervalMs(ms); });
}

// An alert row is acknowledged in its Alertmanager, with a silence (and audited); the next poll shows it silenced.
// Runs on the engine's thread.
void MonitorBridge::silenceAlert(MonitorEngine& engine, const RowState& row, const Acknowledgement& ack, bool remove)
{
    const AlertFacts alert = *row.result.alert;
    const CheckConfig* source = nullptr;
    for (const ServiceConfig& service : engine.config().services) {
        for (const CheckConfig& check : service.checks) {
            if (check.kind == ProbeKind::Alertmanager && check.service == alert.source)
                source = &check;
        }
    }
    const auto answer = [this, key = row.key](bool accepted) {
        QMetaObject::invokeMethod(
            this, [this, key, accepted] { Q_EMIT acknowledged(key, accepted); }, Qt::QueuedConnection);
    };
    if (!source || !source->alertmanager) {
        answer(false);
        return;
    }
    if (!m_silences)
        m_silences = new AlertmanagerSilences(m_anchor);
    AuditEntry entry;
    entry.timeMs = QDateTime::currentMSecsSinceEpoch();
    entry.osUser = ack.author;
    entry.service = alert.source;
    entry.params = QJsonObject { { QStringLiteral("key"), row.key }, { QStringLiteral("author"), ack.author } };
    const auto done = [this, entry, answer](const QString& action, const QString& id) {
        return [this, entry, answer, action, id](bool ok, int status, const QString& newId, const QString& message) {
            AuditEntry e = entry;
            e.action = action;
            e.httpStatus = status;
            e.result = ok ? QStringLiteral("success") : QStringLiteral("failure");
            e.message = ok ? u"silence " + (newId.isEmpty() ? id : newId) : message;
            if (m_store)
                m_store->appendAudit(e);
            answer(ok);
        };
    };
    if (m_readOnly.load()) {
        AuditEntry refused = entry;
        refused.action
            = remove ? QStringLiteral("alertmanager-expire-silence") : QStringLiteral("alertmanager-silence");
        refused.result = QStringLiteral("refused");
        refused.message = QStringLiteral("read-only mode: no silence is written to Alertmanager");
        if (m_store)
            m_store->appendAudit(refused);
        answer(false);
        return;
    }
    if (remove) {
        for (const QString& id : alert.silencedBy)
            m_silences->expire(*source, id, done(QStringLiteral("alertmanager-expire-silence"), id));
        return;
    }
    const qint64 expiryMs = ack.expires.isValid() ? QDateTime::currentDateTimeUtc().msecsTo(ack.expires) : 0;
    const SilenceRequest request = silenceForAlert(
        *source->alertmanager, alert, ack.author, ack.comment, QDateTime::currentDateTimeUtc(), expiryMs);
    entry.params.insert(QStringLiteral("comment"), ack.comment);
    m_silences->create(*source, request, done(QStringLiteral("alertmanager-silence"), QString()));
}

void MonitorBridge::acknowledge(const Acknowledgement& ack)
{
    post([this, ack](MonitorEngine& e) {
        if (const auto row = e.row(ack.checkKey); row && row->result.alert) {
            silenceAlert(e, *row, ack, false);
            return;
        }
        const bool accepted = e.acknowledge(ack);
        if (accepted && m_store) {
            Ack stored;
            stored.checkKey = ack.checkKey;
            stored.author = ack.author;
            stored.comment = ack.comment;
            stored.createdMs = ack.created.toMSecsSinceEpoch();
            stored.expiresMs = ack.expires.isValid() ? ack.expires.toMSecsSinceEpoch() : 0;
            m_store->addAck(stored);
        }
        QMetaObject::invokeMethod(
            this, [this, key = ack.checkKey, accepted] { Q_EMIT acknowledged(key, accepted); }, Qt::QueuedConnection);
    });
}

void MonitorBridge::unacknowledge(const QString& checkKey)
{
    post([this, checkKey](MonitorEngine& e) {
        if (const auto row = e.row(checkKey); row && row->result.alert) {
            Acknowledgement ack;
            ack.checkKey = checkKey;
            silenceAlert(e, *row, ack, true);
            return;
        }
        if (e.unacknowledge(checkKey) && m_store)
            m_store->clearAcks(checkKey, QDateTime::currentMSecsSinceEpoch(), QStringLiteral("removed"));
    });
}

void MonitorBridge::silence(const OperatorSilence& silence)
{
    post([this, silence](MonitorEngine& e) {
        OperatorSilence s = silence;
        s.id = e.silence(silence);
        if (m_store) {
            const auto record = [&](Silence::Target kind, const QStringList& targets) {
                for (const QString& target : targets) {
                    Silence stored;
                    stored.targetKind = kind;
                    stored.target = target;
                    stored.author = s.author;
                    stored.comment = s.comment;
                    stored.startMs
                        = (s.start.isValid() ? s.start : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch();
                    stored.endMs = s.end.isValid() ? s.end.toMSecsSinceEpoch() : 0;
                    m_store->addSilence(stored);
                }
            };
            record(Silence::Target::Service, s.services);
            record(Silence::Target::Group, s.groups);
            record(Silence::Target::Tag, s.tags);
        }
        QMetaObject::invokeMethod(
            this, [this, s] { Q_EMIT silenced(s.id, s); }, Qt::QueuedConnection);
    });
}

} // namespace hd
