#include "monitorruntime.h"

#include "alertacknowledger.h"
#include "config/configwatcher.h"
#include "metrics/metricsexporter.h"
#include "monitor/historyrecorder.h"
#include "monitor/monitorengine.h"

#include <QTimer>

namespace hd {

namespace {

constexpr int kLagIntervalMs = 5000;

} // namespace

MonitorRuntime::MonitorRuntime(std::optional<HistoryOptions> history, QObject* parent)
    : QObject(parent)
    , m_store(history ? std::make_unique<HistoryStore>(*history) : nullptr)
    , m_engine(QStringLiteral("healthdeck-monitor"), [this] { return makeEngine(); })
{
    qRegisterMetaType<hd::RowState>();
    qRegisterMetaType<hd::StateChange>();
    qRegisterMetaType<hd::StateEvent>();
    qRegisterMetaType<hd::WriteResult>();
    qRegisterMetaType<hd::OperatorSilence>();
    qRegisterMetaType<hd::Config>();
    qRegisterMetaType<hd::SchedulingLag>();
}

MonitorRuntime::~MonitorRuntime()
{
    // Behind whatever was posted already: the last flush of state changes into the store, then the engine goes.
    post([this](MonitorEngine& engine) {
        delete m_side.watcher;
        m_side.watcher = nullptr;
        engine.stop();
    });
    m_engine.stop();
}

// Runs on the engine's thread: the engine owns timers and sockets, so it is born, lives and dies there.
MonitorEngine* MonitorRuntime::makeEngine()
{
    auto* engine = new MonitorEngine;
    connect(engine, &MonitorEngine::rowsUpdated, this, &MonitorRuntime::rowsUpdated);
    connect(engine, &MonitorEngine::rowsRemoved, this, &MonitorRuntime::rowsRemoved);
    connect(engine, &MonitorEngine::stateChanged, this, &MonitorRuntime::stateChanged);
    connect(engine, &MonitorEngine::configApplied, this, &MonitorRuntime::configApplied);
    if (m_store) {
        // The one recording of what the engine sees, for every front end.
        m_side.recorder = new HistoryRecorder(engine, m_store.get(), engine);
        connect(m_side.recorder, &HistoryRecorder::eventCommitted, engine,
            [this](const StateEvent& event, const WriteResult& result) {
                if (!result.ok && m_side.metrics)
                    m_side.metrics->metrics().noteHistoryWriteError();
                relay([this, event, result] { Q_EMIT eventCommitted(event, result); });
                if (m_side.stopping && m_side.recorder->outstanding() == 0)
                    relay([this] { Q_EMIT drained(); });
            });
    }
    m_side.alerts = new AlertAcknowledger(m_store.get(), engine);
    // An engine that falls behind says so: the window shows how late the probes started.
    auto* lagTimer = new QTimer(engine);
    lagTimer->setInterval(kLagIntervalMs);
    connect(lagTimer, &QTimer::timeout, engine, [this, engine] {
        const SchedulingLag lag = engine->takeRecentSchedulingLag();
        relay([this, lag] { Q_EMIT schedulingLagMeasured(lag); });
    });
    lagTimer->start();
    return engine;
}

void MonitorRuntime::post(std::function<void(MonitorEngine&)> work)
{
    m_engine.post(std::move(work));
}

void MonitorRuntime::relay(std::function<void()> emitter)
{
    QMetaObject::invokeMethod(this, std::move(emitter), Qt::QueuedConnection);
}

void MonitorRuntime::serveMetrics(const QString& address)
{
    post([this, address](MonitorEngine& engine) {
        auto* exporter = new MetricsExporter(&engine, &engine); // lives and dies with the engine, on its thread
        QString error;
        QString serving;
        if (exporter->listen(address, &error)) {
            serving = exporter->address();
            delete m_side.metrics;
            m_side.metrics = exporter;
        } else {
            delete exporter;
        }
        relay([this, serving, error] { Q_EMIT metricsServing(serving, error); });
    });
}

void MonitorRuntime::watchConfig(const QString& path, const std::optional<Config>& initial)
{
    post([this, path, initial](MonitorEngine& engine) {
        delete m_side.watcher;
        m_side.watcher = new ConfigWatcher(path);
        connect(m_side.watcher, &ConfigWatcher::configLoaded, m_side.watcher, [this, &engine](const Config& config) {
            engine.setConfig(config);
            if (!engine.isRunning())
                engine.start();
            relay([this, config] { Q_EMIT configLoaded(config); });
        });
        connect(m_side.watcher, &ConfigWatcher::configFailed, this, &MonitorRuntime::configFailed);
        if (initial) {
            engine.setConfig(*initial);
            if (!engine.isRunning())
                engine.start();
        } else {
            m_side.watcher->reload();
        }
    });
}

void MonitorRuntime::reloadConfig()
{
    post([this](MonitorEngine&) {
        if (m_side.watcher)
            m_side.watcher->reload();
    });
}

void MonitorRuntime::setConfig(const Config& config)
{
    post([config](MonitorEngine& e) { e.setConfig(config); });
}

void MonitorRuntime::start()
{
    post([](MonitorEngine& e) { e.start(); });
}

void MonitorRuntime::stop()
{
    post([this](MonitorEngine& e) {
        m_side.stopping = true;
        e.stop(); // hands the last batch of state changes to the recorder
        if (!m_side.recorder || m_side.recorder->outstanding() == 0)
            relay([this] { Q_EMIT drained(); });
    });
}

void MonitorRuntime::runNow(const QString& checkKey)
{
    post([checkKey](MonitorEngine& e) { e.runNow(checkKey); });
}

void MonitorRuntime::setBatchIntervalMs(int ms)
{
    post([ms](MonitorEngine& e) { e.setBatchIntervalMs(ms); });
}

void MonitorRuntime::acknowledge(const Acknowledgement& ack)
{
    post([this, ack](MonitorEngine& e) {
        const auto answer = [this, key = ack.checkKey](bool accepted) {
            relay([this, key, accepted] { Q_EMIT acknowledged(key, accepted); });
        };
        if (const auto row = e.row(ack.checkKey); row && row->result.alert) {
            m_side.alerts->acknowledge(e, *row, ack, false, m_readOnly.load(), answer);
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
        answer(accepted);
    });
}

void MonitorRuntime::unacknowledge(const QString& checkKey)
{
    post([this, checkKey](MonitorEngine& e) {
        if (const auto row = e.row(checkKey); row && row->result.alert) {
            Acknowledgement ack;
            ack.checkKey = checkKey;
            m_side.alerts->acknowledge(e, *row, ack, true, m_readOnly.load(), [this, checkKey](bool accepted) {
                relay([this, checkKey, accepted] { Q_EMIT acknowledged(checkKey, accepted); });
            });
            return;
        }
        if (e.unacknowledge(checkKey) && m_store)
            m_store->clearAcks(checkKey, QDateTime::currentMSecsSinceEpoch(), QStringLiteral("removed"));
    });
}

void MonitorRuntime::silence(const OperatorSilence& silence)
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
        relay([this, s] { Q_EMIT silenced(s.id, s); });
    });
}

} // namespace hd
