#pragma once

#include "config/config.h"
#include "core/status.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace hd {

// down, stale and unknown count against failure_threshold; ok, degraded and a
// service that says it is starting do not.
bool isFailing(Status status);

// failure_threshold / success_threshold with Kubernetes semantics, for one check.
// Feed every raw evaluated status; the tracker keeps the effective status.
//
// - Before any result the status is Starting. The first result is shown at once,
//   whatever it is: a check that is down at startup should not wait for three
//   polls to say so.
// - From a non-failing status, failure_threshold consecutive failing results are
//   needed to switch; until then the old status stays and pending() is true.
// - From a failing status, success_threshold consecutive non-failing results are
//   needed to recover; until then the failing status stays (pending stays false:
//   pending means "failing, not yet counted").
// - Ok, degraded and starting replace each other at once: degraded is a warning,
//   not a failure, and is shown as soon as it is seen.
// - Down, stale and unknown replace each other at once while already failing; the
//   check was already counted as failing, so there is nothing new to wait for.
class ThresholdTracker final {
public:
    struct Transition {
        bool changed = false; // the effective status changed: a state-change event
        bool pendingChanged = false; // the pending overlay appeared or went away
        Status from = Status::Starting;
        Status to = Status::Starting;
    };

    explicit ThresholdTracker(int failureThreshold = 3, int successThreshold = 1);

    Transition feed(Status raw);

    Status status() const { return m_status; }
    bool pending() const { return m_pending; }
    bool hasResult() const { return m_hasResult; }
    Status lastRaw() const { return m_lastRaw; }
    int consecutiveFailures() const { return m_failures; }
    int consecutiveSuccesses() const { return m_successes; }
    int failureThreshold() const { return m_failureThreshold; }
    int successThreshold() const { return m_successThreshold; }

    // Thresholds below 1 are taken as 1. Changing them keeps the state (config reload).
    void setThresholds(int failureThreshold, int successThreshold);
    // Back to Starting with no result, e.g. when a calendar reopens.
    void reset();

private:
    Status m_status = Status::Starting;
    Status m_lastRaw = Status::Starting;
    int m_failureThreshold = 3;
    int m_successThreshold = 1;
    int m_failures = 0;
    int m_successes = 0;
    bool m_pending = false;
    bool m_hasResult = false;
};

// Kubernetes startup probes: in a service that has checks tagged `startup`, the
// checks tagged `liveness` or `readiness` are gated until every startup check of
// that service has passed (ok or degraded) once. After that the gate stays open,
// as a startup probe does not run again for the life of the container; reset a
// service to gate it again. A check tagged both `startup` and `liveness` is a
// startup check and never gated. Tags compare case-insensitively.
class StartupGate final {
public:
    StartupGate() = default;
    explicit StartupGate(const Config& config);

    // Rebuilds the gates from a new config; startup checks that still exist keep
    // the fact that they have passed.
    void setConfig(const Config& config);

    bool isGated(const QString& checkKey) const;
    bool isStartupCheck(const QString& checkKey) const;

    // Records a result of a startup check (other keys are ignored). Returns the
    // keys of the checks this result released, in config order; empty if none.
    QStringList record(const QString& checkKey, Status status);

    // Closes the gate of a service again (its process restarted).
    void resetService(const QString& service);

private:
    struct ServiceGate {
        QSet<QString> startupKeys;
        QSet<QString> passed;
        QStringList gatedKeys; // config order
        bool open() const { return passed.size() == startupKeys.size(); }
    };

    QHash<QString, ServiceGate> m_services;
    QHash<QString, QString> m_serviceOfCheck; // startup and gated checks only
};

} // namespace hd
