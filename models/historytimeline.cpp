#include "historytimeline.h"

#include "core/rowkey.h"

#include <QDateTime>
#include <QJsonDocument>
#include <algorithm>

namespace hd {

namespace {

bool containsText(const TimelineEntry& e, const QString& needle)
{
    if (needle.isEmpty())
        return true;
    for (const QString* field :
        { &e.service, &e.check, &e.item, &e.detail, &e.impactedBy, &e.who, &e.action, &e.result }) {
        if (field->contains(needle, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

QString isoTimeUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// The acks and admin actions of a filter, newest first.
QList<TimelineEntry> auxEntries(
    const QList<Ack>& acks, const QList<AuditEntry>& audit, const HistoryFilter& filter, qint64 toMs)
{
    QList<TimelineEntry> out;
    if (filter.includeAcks) {
        for (const Ack& a : acks) {
            for (const TimelineEntry& e : TimelineEntry::fromAck(a)) {
                if (filter.accepts(e) && (toMs <= 0 || e.timeMs < toMs))
                    out << e;
            }
        }
    }
    if (filter.includeAdmin) {
        for (const AuditEntry& a : audit) {
            const TimelineEntry e = TimelineEntry::fromAudit(a);
            if (filter.accepts(e) && (toMs <= 0 || e.timeMs < toMs))
                out << e;
        }
    }
    std::stable_sort(
        out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.timeMs > b.timeMs; });
    return out;
}

AuditQuery auditQuery(const HistoryFilter& filter, qint64 toMs, int limit)
{
    AuditQuery q;
    if (filter.services.size() == 1)
        q.service = filter.services.first();
    q.fromMs = filter.fromMs;
    q.toMs = toMs;
    q.limit = limit;
    return q;
}

AckQuery ackQuery(int limit)
{
    AckQuery q;
    q.activeOnly = false;
    q.limit = limit;
    return q;
}

// TimelineEntry

TimelineEntry TimelineEntry::fromEvent(const StateEvent& event)
{
    TimelineEntry e;
    e.kind = Kind::StateChange;
    e.timeMs = event.timeMs;
    e.id = event.id;
    e.service = event.service;
    e.check = event.check;
    e.item = event.item;
    e.from = event.from;
    e.to = event.to;
    e.severity = event.severity;
    e.detail = event.detail;
    e.impactedBy = event.impactedBy;
    e.flapping = event.flapping;
    return e;
}

QList<TimelineEntry> TimelineEntry::fromAck(const Ack& ack)
{
    TimelineEntry e;
    e.kind = Kind::Acknowledgement;
    e.timeMs = ack.createdMs;
    e.id = ack.id;
    const RowKey key = RowKey::parse(ack.checkKey);
    e.service = key.service;
    e.check = key.check;
    e.item = key.item;
    e.detail = ack.comment;
    e.who = ack.author;
    e.expiresMs = ack.expiresMs;
    QList<TimelineEntry> out { e };
    if (ack.clearedMs > 0) {
        TimelineEntry cleared = e;
        cleared.kind = Kind::AckCleared;
        cleared.timeMs = ack.clearedMs;
        cleared.detail = ack.clearedReason;
        cleared.expiresMs = 0;
        out << cleared;
    }
    return out;
}

TimelineEntry TimelineEntry::fromAudit(const AuditEntry& entry)
{
    TimelineEntry e;
    e.kind = Kind::Admin;
    e.timeMs = entry.timeMs;
    e.id = entry.id;
    e.service = entry.service;
    e.action = entry.action;
    e.result = entry.result;
    e.httpStatus = entry.httpStatus;
    e.who = entry.osUser;
    e.detail = entry.message;
    if (!entry.params.isEmpty())
        e.detail += (e.detail.isEmpty() ? QString() : QStringLiteral(" \u00b7 "))
            + QString::fromUtf8(QJsonDocument(entry.params).toJson(QJsonDocument::Compact));
    return e;
}

QString TimelineEntry::kindName() const
{
    switch (kind) {
    case Kind::StateChange:
        return QStringLiteral("state");
    case Kind::Acknowledgement:
        return QStringLiteral("ack");
    case Kind::AckCleared:
        return QStringLiteral("ack-cleared");
    case Kind::Admin:
        return QStringLiteral("admin");
    }
    return QString();
}

QString TimelineEntry::what() const
{
    switch (kind) {
    case Kind::StateChange:
        return statusName(from) + u" \u2192 " + statusName(to) + (flapping ? QStringLiteral(" (flapping)") : QString());
    case Kind::Acknowledgement:
        return QStringLiteral("acknowledged by ") + (who.isEmpty() ? QStringLiteral("someone") : who);
    case Kind::AckCleared:
        return QStringLiteral("acknowledgement cleared");
    case Kind::Admin:
        // Auto-heal's own attempts read as such: "auto-heal attempt 2/3: restart the scheduler → 200 …".
        if (who.startsWith(u"auto-heal"))
            return detail.section(QStringLiteral(" \u00b7 "), 0, 0);
        return QStringLiteral("admin ") + action + u": " + result
            + (httpStatus ? QStringLiteral(" (HTTP %1)").arg(httpStatus) : QString());
    }
    return QString();
}

QString TimelineEntry::fullDetail() const
{
    QString out = detail;
    if (kind == Kind::StateChange && !impactedBy.isEmpty())
        out += (out.isEmpty() ? QString() : QStringLiteral(" \u00b7 ")) + u"impacted by " + impactedBy;
    if (kind == Kind::Acknowledgement && expiresMs > 0)
        out += (out.isEmpty() ? QString() : QStringLiteral(" \u00b7 ")) + u"expires " + isoTimeUtc(expiresMs);
    return out;
}

QString TimelineEntry::checkLabel() const
{
    if (kind == Kind::Admin)
        return action;
    return item.isEmpty() ? check : check + u" \u203a " + item;
}

// HistoryFilter

EventQuery HistoryFilter::eventQuery() const
{
    EventQuery q;
    q.fromMs = fromMs;
    q.toMs = toMs;
    q.services = services;
    q.statuses = statuses;
    q.severities = severities;
    q.text = text;
    return q;
}

bool HistoryFilter::accepts(const TimelineEntry& e) const
{
    if (fromMs > 0 && e.timeMs < fromMs)
        return false;
    if (toMs > 0 && e.timeMs >= toMs)
        return false;
    if (!services.isEmpty() && !services.contains(e.service))
        return false;
    if (e.kind == TimelineEntry::Kind::StateChange) {
        if (!statuses.isEmpty() && !statuses.contains(e.to))
            return false;
        if (!severities.isEmpty() && !severities.contains(e.severity))
            return false;
    } else {
        if (!statuses.isEmpty() || !severities.isEmpty())
            return false;
        if (e.kind == TimelineEntry::Kind::Admin ? !includeAdmin : !includeAcks)
            return false;
    }
    return containsText(e, text);
}
} // namespace hd
