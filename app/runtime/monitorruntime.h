#pragma once

#include "config/config.h"
#include "core/threadhost.h"
#include "monitor/acknowledgements.h"
#include "monitor/rowstate.h"
#include "monitor/schedulinglag.h"
#include "monitor/silences.h"
#include "store/historystore.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace hd {

class AlertAcknowledger;
class ConfigWatcher;
class HistoryRecorder;
class MetricsExporter;
class MonitorEngine;

// What `healthdeck monitor`, the dashboard and the demo run: a MonitorEngine and its probes on a thread of their
// own (a ThreadHost), the config watcher beside it, the history store on its thread, and the one HistoryRecorder
// that writes what the engine sees into that store. Its signals arrive on the thread that made the runtime, queued;
// every call is posted to the engine's thread. Nothing here waits for the engine: construction returns at once,
// and shut-down posts the engine's last flush and joins its thread.
class MonitorRuntime final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorRuntime)
public:
    // Without history options nothing is recorded and store() is nullptr. The store is made here but not
    // opened: the dashboard calls store()->openAsync(), the command line store()->open().
    explicit MonitorRuntime(std::optional<HistoryOptions> history = std::nullopt, QObject* parent = nullptr);
    ~MonitorRuntime() override; // the engine's last state changes are recorded, then its thread and the store's end

    HistoryStore* store() const { return m_store.get(); }

    // Loads the file on the engine's thread, applies it, starts polling and keeps watching it: every good reload
    // is applied, a bad one leaves the old config in force. configLoaded() or configFailed() follows each attempt.
    // With `initial` (already loaded by the caller), that config is applied now and the file is only watched.
    void watchConfig(const QString& path, const std::optional<Config>& initial = std::nullopt);
    void reloadConfig();
    void setConfig(const Config& config);
    void start();
    // Stops polling and flushes the last state changes into the history; drained() follows once they are
    // committed (at once without a store).
    void stop();
    void runNow(const QString& checkKey);
    // The answer arrives as acknowledged(); an accepted ack is recorded in the history. An Alertmanager alert
    // row is acknowledged with a silence in its Alertmanager instead (audited), and unacknowledged by expiring it.
    void acknowledge(const Acknowledgement& ack);
    void unacknowledge(const QString& checkKey);
    // --read-only: alert rows are neither silenced nor unsilenced (refused, and audited as refused).
    void setReadOnly(bool readOnly) { m_readOnly.store(readOnly); }
    // Silences the services, groups or tags named; recorded in the history. The id arrives as silenced().
    void silence(const OperatorSilence& silence);
    void setBatchIntervalMs(int ms); // test seam, see MonitorEngine
    // Serves Prometheus metrics of the engine's rows at http://ADDRESS/metrics; metricsServing() tells where, or
    // why not.
    void serveMetrics(const QString& address);

    QThread* engineThread() { return m_engine.thread(); }

Q_SIGNALS:
    void rowsUpdated(const QList<hd::RowState>& rows);
    void rowsRemoved(const QStringList& keys);
    void stateChanged(const hd::StateChange& change);
    // A state change once it is committed to the history (`monitor` prints its JSON line from this).
    void eventCommitted(const hd::StateEvent& event, const hd::WriteResult& result);
    void drained(); // after stop(): every state change is committed
    void configApplied();
    void configLoaded(const hd::Config& config);
    void configFailed(const QStringList& errors);
    void acknowledged(const QString& checkKey, bool accepted);
    void silenced(const QString& id, const hd::OperatorSilence& silence);
    void metricsServing(const QString& address, const QString& error); // address empty on error
    // Every few seconds: how late the probes of that while started against their schedule.
    void schedulingLagMeasured(const hd::SchedulingLag& lag);

private:
    // The engine's companions; each lives on the engine's thread and is touched only there.
    struct EngineSide {
        HistoryRecorder* recorder = nullptr;
        ConfigWatcher* watcher = nullptr;
        MetricsExporter* metrics = nullptr;
        AlertAcknowledger* alerts = nullptr;
        bool stopping = false;
    };

    MonitorEngine* makeEngine();
    void post(std::function<void(MonitorEngine&)> work);
    // Emits a signal of the runtime on the runtime's own thread.
    void relay(std::function<void()> emitter);

    std::unique_ptr<HistoryStore> m_store; // before m_engine: the engine's last writes go into it
    std::atomic<bool> m_readOnly { false };
    EngineSide m_side; // touched on the engine's thread only; outlives it (m_engine goes first)
    ThreadHost<MonitorEngine> m_engine;
};

} // namespace hd
