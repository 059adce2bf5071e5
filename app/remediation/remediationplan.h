#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace hd {

// What auto-healing is about to do for one `remediate:` entry, as the dashboard shows it.
struct RemediationPlan {
    enum class State {
        Idle, // nothing is down
        Waiting, // down: the first attempt is due at `due`
        InFlight, // an attempt has been sent and has not answered yet
        Backoff, // an attempt was made; the next is due at `due` unless the check recovers
        Blocked, // down, but off-hours, acknowledged, silenced or impacted (`reason`)
        Cancelled, // an operator cancelled it; it waits for the check to recover
        GaveUp, // every attempt was made without recovery
        Off, // --no-remediate, the menu toggle, read-only mode, or another process acts (`reason`)
    };
    QString target; // "service" for a service's remediate:, "service/check" for a check's
    QString service;
    QString check; // the check that is down; empty while none is
    QString label; // "restart the scheduler"
    State state = State::Idle;
    QString reason;
    QDateTime due; // Waiting and Backoff
    int attempts = 0; // made within the current budget
    int maxAttempts = 3;

    // An attempt is pending or in flight: the matrix's HEALING badge.
    bool healing() const
    {
        return state == State::Waiting || state == State::InFlight
            || (state == State::Backoff && attempts < maxAttempts);
    }
    // "auto-heal: restart the scheduler in 45 s (attempt 1/3)", relative to `now`.
    QString describe(const QDateTime& now) const;
};

// One line of `healthdeck monitor` for auto-healing: an attempt's result, or "gave-up".
struct RemediationEvent {
    QDateTime time;
    QString service;
    QString check;
    int attempt = 0;
    int of = 0;
    QString result; // success | failure | unknown | gave-up
    QString detail;
};

QString remediationStateName(RemediationPlan::State state);

} // namespace hd

Q_DECLARE_METATYPE(hd::RemediationPlan)
Q_DECLARE_METATYPE(hd::RemediationEvent)
