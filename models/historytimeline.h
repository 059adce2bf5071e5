#pragma once

#include "store/historytypes.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace hd {

// One line of the alert history: a state change, an acknowledgement, or an
// admin action from the audit log, so that all three read as one timeline.
struct TimelineEntry {
    enum class Kind { StateChange, Acknowledgement, AckCleared, Admin };
    Kind kind = Kind::StateChange;
    qint64 timeMs = 0;
    qint64 id = 0;
    QString service;
    QString check;
    QString item;
    Status from = Status::Starting;
    Status to = Status::Starting;
    Severity severity = Severity::Critical;
    QString detail; // event detail, ack comment, audit message
    QString impactedBy; // state changes
    bool flapping = false;
    QString who; // ack author, audit OS user
    QString action; // audit action
    QString result; // audit result
    int httpStatus = 0; // audit
    qint64 expiresMs = 0; // acks

    static TimelineEntry fromEvent(const StateEvent& event);
    static QList<TimelineEntry> fromAck(const Ack& ack); // the ack, and its clearing when it was cleared
    static TimelineEntry fromAudit(const AuditEntry& entry);
    QString kindName() const; // "state", "ack", "ack-cleared", "admin"
    QString what() const; // "ok -> down", "acknowledged by alice", "admin cache-clear: success"
    QString fullDetail() const;
    QString checkLabel() const; // "ready", "ready > database", the admin action
};

// What the history shows. Status and severity only apply to state changes: with
// either set, acknowledgements and admin actions are left out.
struct HistoryFilter {
    qint64 fromMs = 0; // inclusive; 0: no bound
    qint64 toMs = 0; // exclusive; 0: no bound
    QStringList services;
    QList<Status> statuses;
    QList<Severity> severities;
    QString text;
    bool includeAcks = true;
    bool includeAdmin = true;

    EventQuery eventQuery() const;
    bool accepts(const TimelineEntry& entry) const;
    friend bool operator==(const HistoryFilter&, const HistoryFilter&) = default;
};

// The acks and admin actions a filter selects, newest first, before toMs (0: no bound).
QList<TimelineEntry> auxEntries(
    const QList<Ack>& acks, const QList<AuditEntry>& audit, const HistoryFilter& filter, qint64 toMs);
AuditQuery auditQuery(const HistoryFilter& filter, qint64 toMs, int limit);
AckQuery ackQuery(int limit); // every ack, cleared ones too
QString isoTimeUtc(qint64 ms); // 2026-11-22T21:00:00.000Z

} // namespace hd

Q_DECLARE_METATYPE(hd::TimelineEntry)
