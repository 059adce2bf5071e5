#pragma once

#include "config/config.h"
#include "monitor/acknowledgements.h"
#include "monitor/rowstate.h"
#include "monitor/schedulinglag.h"
#include "monitor/silences.h"

#include <QObject>
#include <QThread>
#include <atomic>
#include <functional>

namespace hd {

class AlertmanagerSilences;
class ConfigWatcher;
class HistoryStore;
class MonitorEngine;

// Runs a MonitorEngine and its probes on a thread of their own and relays its
// signals to the thread that owns the bridge (the UI thread), queued. Every call
// is posted to the engine's thread; none blocks except construction and
// destruction. State changes and latency samples go into the history store
// straight from the engine's thread (the store's writes are thread-safe).
class MonitorBridge final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorBridge)
public:
    // store may be nullptr: nothing is recorded.
    explicit MonitorBridge(HistoryStore* store, QObject* parent = nullptr);
    ~MonitorBridge() override; // stops the engine (its last state changes are recorded) and the thread

    // Loads the file on the engine's thread, applies it, starts polling and keeps
    // watching it: every good reload is applied, a bad one leaves the old config in
    // force. configLoaded() or configFailed() follows each attempt.
    void watchConfig(const QString& path);
    void reloadConfig();
    void setConfig(const Config& config);
    void start();
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
    // Serves Prometheus metrics of the engine's rows at http://ADDRESS/metrics, as `monitor --metrics-listen`
    // does; metricsServing() tells where, or why not.
    void serveMetrics(const QString& address);

    QThread* engineThread() { return &m_thread; }

Q_SIGNALS:
    void rowsUpdated(const QList<hd::RowState>& rows);
    void rowsRemoved(const QStringList& keys);
    void stateChanged(const hd::StateChange& change);
    void configApplied();
    void configLoaded(const hd::Config& config);
    void configFailed(const QStringList& errors);
    void acknowledged(const QString& checkKey, bool accepted);
    void silenced(const QString& id, const hd::OperatorSilence& silence);
    void metricsServing(const QString& address, const QString& error); // address empty on error
    // Every few seconds: how late the probes of that while started against their schedule.
    void schedulingLagMeasured(const hd::SchedulingLag& lag);

private:
    void post(std::function<void(MonitorEngine&)> work);
    void silenceAlert(MonitorEngine& engine, const RowState& row, const Acknowledgement& ack, bool remove);

    HistoryStore* m_store;
    QThread m_thread;
    QObject* m_anchor = nullptr; // lives in m_thread: the context of posted work
    MonitorEngine* m_engine = nullptr;
    ConfigWatcher* m_watcher = nullptr; // lives in m_thread
    std::atomic<bool> m_readOnly { false };
    AlertmanagerSilences* m_silences = nullptr; // lives in m_thread, a child of m_anchor
};

} // namespace hd
