#pragma once

#include "acknowledgements.h"
#include "calendar.h"
#include "dependencygraph.h"
#include "flapping.h"
#include "probing/hostslots.h"
#include "rowstate.h"
#include "schedulinglag.h"
#include "silences.h"
#include "thresholds.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace hd {

class Probe;
class ProbeFactory;

// Limits that keep one slow host from starving the others. Each check's own max_connections_per_host applies
// too, under maxInFlightPerHost.
struct SchedulerLimits {
    int maxInFlight = 512;
    int maxInFlightPerHost = 32;
};

// The continuous engine behind `monitor` and the dashboard. Every check runs at
// its own interval (measured from the schedule, not from the end of the last
// run), never overlapping itself. Results go through thresholds, flapping,
// dependencies, calendars, acknowledgements and silences; the engine emits one
// batch of changed rows per poll cycle, and one StateChange per effective change.
//
// Why it is longer than 600 lines (about 780): the schedule and the row-state machine share one table of slots,
// and the hold of a dependant's change reads both. What can stand alone lives beside it: the per-host caps
// (HostSlots), the lateness histogram (LagHistogram), the dependency marks (markImpact), probe creation
// (ProbeFactory), acknowledgements, silences, and the history recording (HistoryRecorder).
class MonitorEngine final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorEngine)
public:
    using Clock = std::function<QDateTime()>;

    explicit MonitorEngine(QObject* parent = nullptr);
    ~MonitorEngine() override;

    // Applies a config. On reload, checks whose probe and conditions are unchanged
    // keep their state, thresholds and rate() memory.
    void setConfig(const Config& config);
    const Config& config() const { return m_config; }

    void start();
    void stop();
    bool isRunning() const { return m_running; }

    // Run a check now, outside its schedule (the dashboard's "Run now").
    void runNow(const QString& checkKey);

    bool acknowledge(const Acknowledgement& ack);
    bool unacknowledge(const QString& rowKey);
    // Makes the engine's acknowledgements those stored in the history (another healthdeck, or `healthdeck ack`,
    // may have written them): stored ones are restored; one the history no longer holds goes, unless it is
    // younger than `graceMs` (its own write may not be committed yet).
    void syncAcknowledgements(const QList<Acknowledgement>& stored, qint64 graceMs);
    QString silence(const OperatorSilence& silence);
    bool unsilence(const QString& id);
    const Acknowledgements& acknowledgements() const { return m_acks; }
    const Silences& silences() const { return m_silences; }

    QList<RowState> rows() const; // config order
    std::optional<RowState> row(const QString& key) const;
    DependencyGraph::Impact impact() const { return m_impact; }

    // Since start() or the last resetSchedulingLag(): how long after its due time each probe started,
    // held back by the in-flight limits or a busy event loop. A run still waiting when its next one falls
    // due counts from the later due time. Checks due within a few ms start together, so a start a little
    // early counts as on time.
    SchedulingLag schedulingLag() const;
    void resetSchedulingLag();
    // The same, for the probes started since the previous call only (the first call: since start). The
    // dashboard's status bar reads it every few seconds; schedulingLag() is left as it is.
    SchedulingLag takeRecentSchedulingLag();

    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setLimits(SchedulerLimits limits) { m_limits = limits; }
    // Test seam: how long a batch may collect changes before it is emitted.
    void setBatchIntervalMs(int ms) { m_batchTimer.setInterval(ms); }

Q_SIGNALS:
    void rowsUpdated(const QList<hd::RowState>& rows); // one batch per poll cycle
    void rowsRemoved(const QStringList& keys); // pattern keys gone, checks removed by a reload
    void stateChanged(const hd::StateChange& change);
    void configApplied();

private:
    struct Slot;
    struct PendingChange;
    struct Track {
        ThresholdTracker thresholds;
        FlapDetector flap;
        ConditionMemory memory;
    };

    QDateTime now() const { return m_clock ? m_clock() : QDateTime::currentDateTimeUtc(); }
    qint64 monotonicMs() const { return m_monotonic.elapsed(); }
    void schedule(Slot* slot, qint64 dueMs);
    void armTimer();
    void onTimer();
    void reapProbes();
    void tryStart(Slot* slot);
    void dropProbe(Slot* slot);
    void startProbe(Slot* slot);
    bool hostIsFull(const Slot* slot) const;
    void onProbeFinished(Slot* slot, const ProbeResult& result);
    void applyRows(Slot* slot, const QList<CheckRow>& rows);
    void setOffHours(Slot* slot, bool offHours);
    void recomputeImpact();
    void refreshOverlays(RowState& row, const QDateTime& at);
    void markDirty(const QString& key);
    void flush();
    // A failing change that no dependency explains yet is held while a dependency has not reported since, or
    // is failing but not yet past its threshold, for at most that dependency's interval x failure threshold +
    // timeout: a moment later it names its root cause instead of being announced as one. Returns ms to wait.
    qint64 holdForDependencies(const PendingChange& change) const;
    void emitChange(const RowState& row, Status from, Status to, const QString& note = QString());
    Slot* slotFor(const QString& checkKey) const;

    Config m_config;
    Clock m_clock;
    SchedulerLimits m_limits;
    ProbeFactory* m_factory = nullptr;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::multimap<qint64, Slot*> m_queue; // due time -> slot
    QList<Slot*> m_waiting; // due, but over an in-flight limit
    HostSlots m_hostSlots;
    int m_inFlight = 0;
    QHash<QString, RowState> m_rows;
    QHash<QString, std::shared_ptr<Track>> m_tracks;
    QHash<QString, MarketCalendar> m_calendars;
    DependencyGraph m_graph;
    DependencyGraph::Impact m_impact;
    StartupGate m_gate;
    Acknowledgements m_acks;
    Silences m_silences;
    QSet<QString> m_dirty;
    std::vector<PendingChange> m_changes; // state changes waiting for the batch (impact is computed there)
    QByteArray m_infraFingerprint;
    QElapsedTimer m_monotonic;
    QTimer m_timer;
    QTimer m_batchTimer;
    std::vector<Probe*> m_spent; // finished probes, deleted from the next timer event
    Slot* m_finishing = nullptr; // whose probe's finished() is being handled
    LagHistogram m_lag; // how late each probe started
    bool m_impactStale = true; // a row's status, or what counts, changed since the impact was computed
    QTimer m_holdTimer; // looks again at held changes
    QTimer m_housekeeping;
    bool m_running = false;
};

} // namespace hd
