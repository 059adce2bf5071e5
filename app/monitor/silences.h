#pragma once

#include "config/config.h"
#include "monitor/calendar.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace hd {

// An operator's silence, made from the dashboard. Same targets as a maintenance
// window; start/end are instants, an invalid start means "already started" and
// an invalid end means "until removed".
struct OperatorSilence {
    QString id; // assigned by Silences::add() when empty
    QStringList services;
    QStringList groups;
    QStringList tags;
    QString author;
    QString comment;
    QDateTime created;
    QDateTime start;
    QDateTime end;
};

// Maintenance windows from the config plus operator silences. A window or
// silence applies to a check when its service, its service's group or one of its
// tags is listed; one with no targets at all applies to nothing (silencing
// everything has to be said explicitly, by listing the groups). Once windows are
// [start, end); weekly ones use the session syntax of calendars
// ("Sat 22:00-23:30", in the window's timezone, UTC when empty) with the same
// DST rules as MarketCalendar.
//
// Silencing only mutes alerts; checks keep running. Time is always passed in.
class Silences final {
public:
    struct Match {
        enum class Kind { Maintenance, Operator };
        Kind kind = Kind::Maintenance;
        QString name; // window name, or operator silence id
        QString reason; // one line for the dashboard and the monitor output
        QDateTime until; // end of the current window; invalid = until removed
    };

    Silences() = default;
    explicit Silences(const QList<MaintenanceWindow>& windows);

    // Replaces the maintenance windows (config reload); operator silences stay.
    void setMaintenanceWindows(const QList<MaintenanceWindow>& windows);
    // Windows whose weekly schedule or timezone could not be read: "NAME: message".
    // Such a window silences nothing; the config loader should reject it first.
    const QStringList& errors() const { return m_errors; }

    // Adds or, for a known id, replaces a silence. Returns its id.
    QString add(OperatorSilence silence);
    bool remove(const QString& id);
    const QList<OperatorSilence>& operatorSilences() const { return m_operator; }
    // Drops operator silences that ended at or before `utc`; returns their ids.
    QStringList expire(const QDateTime& utc);

    // When several apply, the one that lasts longest wins, so "until" is honest.
    std::optional<Match> match(
        const QString& service, const QString& group, const QStringList& tags, const QDateTime& utc) const;
    bool isSilenced(const QString& service, const QString& group, const QStringList& tags, const QDateTime& utc,
        QString* reason = nullptr) const;

private:
    struct Window {
        MaintenanceWindow config;
        std::optional<MarketCalendar> weekly;
    };

    QList<Window> m_windows;
    QList<OperatorSilence> m_operator;
    QStringList m_errors;
};

} // namespace hd
