#pragma once

#include "core/proberesult.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <optional>

namespace hd {

// One run of one probe. start() begins the work and returns at once; finished()
// is emitted exactly once, later, on the same thread, never from inside start().
// The probe enforces its own hard timeout. After cancel() nothing is emitted.
// A probe object runs once, unless it is restartable(): then start() may be called
// again after finished() was emitted (not from inside that emission), and the engine
// keeps one such probe per check instead of making a new one for every poll.
//
// The base keeps that contract for every kind: a kind does its work in run(), ends it with
// finish(), and lets go of what the run holds in endRun(). The base owns the run's clock (the
// latency), its deadline (setTimeout(); onDeadline() when it passes) and the finish-once guard.
class Probe : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Probe)
public:
    explicit Probe(QObject* parent = nullptr);
    ~Probe() override;

    // Ignored while a run is under way, and after the first run unless restartable().
    void start();
    // Ends the run at once, silently; the next start() of a restartable probe is a new run.
    void cancel();
    virtual bool restartable() const { return false; }

Q_SIGNALS:
    void finished(const hd::ProbeResult& result);

protected:
    // The hard timeout of each run, from start(): when it passes, onDeadline(). Without one (a probe made
    // of other probes, whose own timeouts bound it) a run has no deadline. Set it before start().
    void setTimeout(qint64 ms)
    {
        m_timeoutMs = ms;
        m_hasTimeout = true;
    }
    qint64 timeoutMs() const { return m_timeoutMs; }

    // The work of one run, called by start() with the clock and the deadline running. It may call
    // finish() at once (a misconfiguration): the result is emitted from the event loop, after start().
    virtual void run() = 0;
    // The deadline passed: end the run with finish(). By default a Timeout result, "timed out after N ms".
    virtual void onDeadline();
    // The run is over: let go of what it holds (a socket, a process, an exchange). `result` is what
    // finished() is about to carry, to be completed with what the run knows (the peer address); null
    // when the run was cancelled. Called once per run; finished() is emitted after it returns.
    virtual void endRun(ProbeResult* result);

    // Ends the run with `result`, stamped with the run's latency and the time: the first call of a run
    // counts, later ones and those after cancel() are ignored; a call from inside start() is emitted from
    // the event loop. May be the last thing the caller does: a receiver may delete this probe.
    void finish(ProbeResult result);
    // As finish(), but `result` keeps its own latency and time: a result passed on from a probe inside this one.
    void passOn(ProbeResult result);

    // Milliseconds since this run's start(), on a monotonic clock.
    double elapsedMs() const;
    // Between start() and the end of that run (finished or cancelled).
    bool isRunning() const { return m_running; }

private:
    void end(ProbeResult result, bool stamp);

    QTimer m_deadline;
    QElapsedTimer m_clock;
    qint64 m_timeoutMs = 0;
    quint64 m_run = 0; // runs started so far; names the run a held result belongs to
    std::optional<ProbeResult> m_held; // finished from inside start(), emitted from the event loop
    bool m_heldStamp = true;
    bool m_hasTimeout = false;
    bool m_running = false;
    bool m_inStart = false;
};

} // namespace hd
