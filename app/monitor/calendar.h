#pragma once

#include "config/config.h"
#include "config/configvalues.h"

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>
#include <QTimeZone>

namespace hd {

// When a market (or any weekly schedule) is open. Sessions (parseWeeklySession
// in config/configvalues.h) are wall-clock times in the calendar's IANA zone; an
// end at or before the start ends on the next day, so "00:00-24:00" is a whole
// day. Holidays are local dates on which no session opens (a session that
// opened the evening before still runs to its end).
//
// Wall-clock times are mapped to instants like this, so DST days stay exact:
// - a time that does not exist (skipped by a spring-forward change, e.g. 02:30
//   in New York) maps to the instant the clocks jump, the first local time that
//   exists after it; a session 02:30-04:00 then opens at 03:00 new time, and a
//   session lying wholly in the skipped hour does not open that day;
// - a time that occurs twice (fall-back) maps to its first occurrence, so
//   "01:00-01:30" on the fall-back day is open once, not twice.
//
// A value type, cheap to copy (its members are implicitly shared); about a
// microsecond per isActive(). Time is always passed in, never read from a clock.
class MarketCalendar final {
public:
    MarketCalendar() = default; // no sessions: never active
    explicit MarketCalendar(const CalendarConfig& config);

    const QString& name() const { return m_name; }
    // False when the configured zone is unknown to the system; the calendar then uses UTC.
    bool hasValidTimeZone() const { return m_zoneValid; }
    const QTimeZone& timeZone() const { return m_zone; }

    bool isActive(const QDateTime& utc) const;
    // The first instant after `utc` at which isActive() changes, to the second.
    // Invalid when nothing changes within about four years (always open, never open).
    QDateTime nextTransition(const QDateTime& utc) const;

private:
    struct Rule {
        quint8 days = 0; // bit (dayOfWeek - 1)
        int startSecs = 0;
        int endSecs = 0; // <= startSecs: ends on the next day
    };
    struct Interval {
        qint64 open; // UTC seconds since the epoch
        qint64 close; // exclusive
    };
    struct OffsetChange {
        qint64 atUtc; // seconds since the epoch
        int offset; // from then on
    };

    void buildOffsetTable();
    int offsetAt(qint64 utcSecs) const;
    qint64 localJulianDay(qint64 utcSecs) const;
    qint64 localToUtc(qint64 julianDay, int secsOfDay) const;
    void collectIntervals(qint64 fromJd, qint64 toJd, QList<Interval>& out) const;

    QString m_name;
    QTimeZone m_zone = QTimeZone::utc();
    bool m_zoneValid = true;
    bool m_fixedOffset = true; // UTC: no zone lookups at all
    // The zone's offsets over [m_tableFrom, m_tableTo), read once: asking
    // QTimeZone for every conversion costs microseconds each.
    QList<OffsetChange> m_offsetChanges; // implicitly shared, so copies stay cheap
    int m_offsetBefore = 0;
    qint64 m_tableFrom = 0;
    qint64 m_tableTo = 0;
    QList<Rule> m_rules;
    QSet<qint64> m_holidays; // Julian days
};

} // namespace hd
