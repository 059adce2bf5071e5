#include "silences.h"

#include <QUuid>
#include <algorithm>

namespace hd {

namespace {

bool targets(const QStringList& services, const QStringList& groups, const QStringList& tagList, const QString& service,
    const QString& group, const QStringList& tags)
{
    if (services.contains(service) || (!group.isEmpty() && groups.contains(group)))
        return true;
    return std::any_of(tags.cbegin(), tags.cend(), [&tagList](const QString& t) { return tagList.contains(t); });
}

bool within(const QDateTime& start, const QDateTime& end, const QDateTime& utc)
{
    return (!start.isValid() || start <= utc) && (!end.isValid() || utc < end);
}

QString untilText(const QDateTime& until)
{
    return until.isValid() ? u" until " + until.toUTC().toString(Qt::ISODate) : QString();
}

// An invalid `until` lasts forever, so it ranks above any instant.
bool lastsLonger(const QDateTime& a, const QDateTime& b)
{
    if (!a.isValid())
        return b.isValid();
    return b.isValid() && a > b;
}

} // namespace

Silences::Silences(const QList<MaintenanceWindow>& windows)
{
    setMaintenanceWindows(windows);
}

void Silences::setMaintenanceWindows(const QList<MaintenanceWindow>& windows)
{
    m_windows.clear();
    m_errors.clear();
    for (const MaintenanceWindow& w : windows) {
        Window window { w, std::nullopt };
        if (!w.weekly.isEmpty()) {
            QString error;
            const auto session = parseWeeklySession(w.weekly, &error);
            CalendarConfig calendar;
            calendar.name = w.name;
            calendar.timezone = w.timezone;
            if (session)
                calendar.sessions.append(*session);
            window.weekly = MarketCalendar(calendar);
            if (!session) {
                m_errors.append(w.name + u": " + error);
            } else if (!window.weekly->hasValidTimeZone()) {
                m_errors.append(w.name + u": unknown timezone \"" + QString::fromUtf8(w.timezone) + u'"');
                window.weekly = MarketCalendar(); // silences nothing rather than the wrong hours
            }
        }
        m_windows.append(window);
    }
}

QString Silences::add(OperatorSilence silence)
{
    if (silence.id.isEmpty())
        silence.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    for (OperatorSilence& existing : m_operator) {
        if (existing.id == silence.id) {
            existing = silence;
            return silence.id;
        }
    }
    m_operator.append(silence);
    return silence.id;
}

bool Silences::remove(const QString& id)
{
    return m_operator.removeIf([&id](const OperatorSilence& s) { return s.id == id; }) > 0;
}

QStringList Silences::expire(const QDateTime& utc)
{
    QStringList gone;
    m_operator.removeIf([&](const OperatorSilence& s) {
        if (s.end.isValid() && s.end <= utc) {
            gone.append(s.id);
            return true;
        }
        return false;
    });
    return gone;
}

std::optional<Silences::Match> Silences::match(
    const QString& service, const QString& group, const QStringList& tags, const QDateTime& utc) const
{
    std::optional<Match> best;
    auto consider = [&best](Match m) {
        if (!best || lastsLonger(m.until, best->until))
            best = std::move(m);
    };
    for (const Window& w : m_windows) {
        const MaintenanceWindow& c = w.config;
        if (!targets(c.services, c.groups, c.tags, service, group, tags))
            continue;
        Match m;
        m.kind = Match::Kind::Maintenance;
        m.name = c.name;
        if (w.weekly) {
            if (!w.weekly->isActive(utc))
                continue;
            m.until = w.weekly->nextTransition(utc);
        } else {
            // A once window needs both ends; the loader rejects one without them.
            if (!c.start.isValid() || !c.end.isValid() || !within(c.start, c.end, utc))
                continue;
            m.until = c.end;
        }
        m.reason = u"maintenance \"" + c.name + u'"' + untilText(m.until);
        consider(std::move(m));
    }
    for (const OperatorSilence& s : m_operator) {
        if (!targets(s.services, s.groups, s.tags, service, group, tags) || !within(s.start, s.end, utc))
            continue;
        Match m;
        m.kind = Match::Kind::Operator;
        m.name = s.id;
        m.until = s.end;
        m.reason = u"silenced by " + (s.author.isEmpty() ? QStringLiteral("an operator") : s.author)
            + (s.comment.isEmpty() ? QString() : u": " + s.comment) + untilText(s.end);
        consider(std::move(m));
    }
    return best;
}

bool Silences::isSilenced(
    const QString& service, const QString& group, const QStringList& tags, const QDateTime& utc, QString* reason) const
{
    const auto m = match(service, group, tags, utc);
    if (reason)
        *reason = m ? m.value().reason : QString();
    return m.has_value();
}

} // namespace hd
