#include "calendar.h"

#include <algorithm>
#include <optional>

namespace hd {

namespace {

constexpr qint64 kSecsPerDay = 86400;
constexpr qint64 kUnixEpochJulianDay = 2440588;
// nextTransition() gives up after this many days: a calendar that is always or
// never open has no transition, and holidays cannot cover more than a few years.
constexpr qint64 kMaxLookaheadDays = 1500;

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

} // namespace

MarketCalendar::MarketCalendar(const CalendarConfig& config)
    : m_name(config.name)
{
    if (!config.timezone.isEmpty() && config.timezone != "UTC") {
        const QTimeZone zone(config.timezone);
        m_zoneValid = zone.isValid();
        if (m_zoneValid) {
            m_zone = zone;
            m_fixedOffset = false;
            buildOffsetTable();
        }
    }
    for (const CalendarConfig::Session& s : config.sessions) {
        Rule rule;
        for (int d : s.days) {
            if (d >= 1 && d <= 7)
                rule.days |= quint8(1u << (d - 1));
        }
        rule.startSecs = s.start.isValid() ? s.start.msecsSinceStartOfDay() / 1000 : 0;
        rule.endSecs = s.end.isValid() ? s.end.msecsSinceStartOfDay() / 1000 : 0;
        if (rule.days)
            m_rules.append(rule);
    }
    for (const QDate& d : config.holidays)
        m_holidays.insert(d.toJulianDay());
}

void MarketCalendar::buildOffsetTable()
{
    if (!m_zone.hasTransitions())
        return;
    // Qt 6.4 lists the transitions of the zone's current rule up to 2037 only;
    // later instants ask the zone directly.
    const QDateTime from(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC);
    const QDateTime to(QDate(2037, 12, 31), QTime(0, 0), Qt::UTC);
    m_offsetBefore = m_zone.offsetFromUtc(from);
    for (const QTimeZone::OffsetData& t : m_zone.transitions(from, to))
        m_offsetChanges.append({ t.atUtc.toSecsSinceEpoch(), t.offsetFromUtc });
    m_tableFrom = from.toSecsSinceEpoch();
    m_tableTo = to.toSecsSinceEpoch();
}

int MarketCalendar::offsetAt(qint64 utcSecs) const
{
    if (m_fixedOffset)
        return 0;
    if (utcSecs >= m_tableFrom && utcSecs < m_tableTo) {
        const auto after = std::upper_bound(m_offsetChanges.cbegin(), m_offsetChanges.cend(), utcSecs,
            [](qint64 t, const OffsetChange& c) { return t < c.atUtc; });
        return after == m_offsetChanges.cbegin() ? m_offsetBefore : std::prev(after)->offset;
    }
    return m_zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(utcSecs, Qt::UTC));
}

qint64 MarketCalendar::localJulianDay(qint64 utcSecs) const
{
    return floorDiv(utcSecs + offsetAt(utcSecs), kSecsPerDay) + kUnixEpochJulianDay;
}

qint64 MarketCalendar::localToUtc(qint64 julianDay, int secsOfDay) const
{
    // `local` is the wall-clock time read as if it were UTC. No real zone has two
    // transitions within a day of each other, so the offsets a day before and a
    // day after are the only candidates.
    const qint64 local = (julianDay - kUnixEpochJulianDay) * kSecsPerDay + secsOfDay;
    if (m_fixedOffset)
        return local;
    const int before = offsetAt(local - kSecsPerDay);
    const int after = offsetAt(local + kSecsPerDay);
    const qint64 a = local - before;
    const qint64 b = local - after;
    const bool aValid = offsetAt(a) == before;
    const bool bValid = offsetAt(b) == after;
    if (aValid && bValid)
        return std::min(a, b); // occurs twice: the first occurrence
    if (aValid)
        return a;
    if (bValid)
        return b;
    // Skipped by a forward jump: the transition lies between the two candidates.
    // Binary-search the first second with the new offset.
    qint64 lo = std::min(a, b);
    qint64 hi = std::max(a, b);
    const int loOffset = offsetAt(lo);
    if (offsetAt(hi) == loOffset)
        return a; // no transition found (inconsistent zone data): best effort
    while (hi - lo > 1) {
        const qint64 mid = lo + (hi - lo) / 2;
        if (offsetAt(mid) == loOffset)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

void MarketCalendar::collectIntervals(qint64 fromJd, qint64 toJd, QList<Interval>& out) const
{
    for (qint64 jd = fromJd; jd <= toJd; ++jd) {
        if (m_holidays.contains(jd))
            continue;
        const int dayBit = 1 << int(jd % 7); // Julian day 0 is a Monday
        for (const Rule& rule : m_rules) {
            if (!(rule.days & dayBit))
                continue;
            const qint64 open = localToUtc(jd, rule.startSecs);
            const qint64 close = localToUtc(rule.endSecs > rule.startSecs ? jd : jd + 1, rule.endSecs);
            if (close > open) // empty when the whole session falls into a skipped hour
                out.append({ open, close });
        }
    }
}

bool MarketCalendar::isActive(const QDateTime& utc) const
{
    if (m_rules.isEmpty() || !utc.isValid())
        return false;
    const qint64 t = floorDiv(utc.toMSecsSinceEpoch(), 1000);
    const qint64 day = localJulianDay(t);
    // A session containing t opened on the local day of t or the day before; the
    // margin of one more day each side covers DST changes at midnight.
    QList<Interval> intervals;
    collectIntervals(day - 2, day + 1, intervals);
    return std::any_of(
        intervals.cbegin(), intervals.cend(), [t](const Interval& i) { return i.open <= t && t < i.close; });
}

QDateTime MarketCalendar::nextTransition(const QDateTime& utc) const
{
    if (m_rules.isEmpty() || !utc.isValid())
        return {};
    const qint64 t = floorDiv(utc.toMSecsSinceEpoch(), 1000);
    const qint64 day = localJulianDay(t);
    QList<Interval> intervals;
    for (qint64 span = 8; span <= kMaxLookaheadDays * 2; span *= 2) {
        intervals.clear();
        collectIntervals(day - 2, day + span, intervals);
        // Sessions opening after the collected days open no earlier than this, so
        // every boundary before it is final.
        const qint64 horizon = localToUtc(day + span + 1, 0);
        std::sort(
            intervals.begin(), intervals.end(), [](const Interval& x, const Interval& y) { return x.open < y.open; });
        // Merge overlapping and touching sessions: "09:00-12:00" + "12:00-17:00" has no transition at noon.
        qint64 curOpen = 0;
        qint64 curClose = 0;
        bool have = false;
        auto boundaryAfter = [&](qint64 open, qint64 close) -> std::optional<qint64> {
            if (open > t)
                return open;
            if (close > t)
                return close;
            return std::nullopt;
        };
        for (const Interval& i : intervals) {
            if (have && i.open <= curClose) {
                curClose = std::max(curClose, i.close);
                continue;
            }
            // A gap follows, so the merged interval before it is final.
            if (have) {
                if (const auto b = boundaryAfter(curOpen, curClose))
                    return QDateTime::fromSecsSinceEpoch(*b, Qt::UTC);
            }
            curOpen = i.open;
            curClose = i.close;
            have = true;
        }
        // The last one may still grow with sessions of later days.
        if (have) {
            if (const auto b = boundaryAfter(curOpen, curClose); b && *b < horizon)
                return QDateTime::fromSecsSinceEpoch(*b, Qt::UTC);
        }
        if (span >= kMaxLookaheadDays)
            break;
    }
    return {};
}

} // namespace hd
