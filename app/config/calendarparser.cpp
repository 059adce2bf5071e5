#include "calendarparser.h"

#include "config/configvalues.h"

#include <QDateTime>
#include <QTimeZone>

namespace hd::configparse {

void CalendarParser::parseCalendars(const YamlField& field)
{
    const auto calendars = m_yaml.map(field, QStringLiteral("'calendars'"), {}, QStringLiteral("calendar"));
    if (!calendars)
        return;
    static const QStringList k = keys("timezone sessions holidays");
    for (const YamlField& entry : calendars->all()) {
        CalendarConfig cal;
        cal.name = entry.name;
        cal.where = m_yaml.at(entry.key);
        m_cfg.calendars.insert(cal.name, cal);
        const auto f = m_yaml.map(entry, u"calendar " + quoted(entry.name), k);
        if (!f)
            continue;
        if (const YamlField* tz = f->find(u"timezone"))
            cal.timezone = timezone(*tz).value_or(QByteArray());
        else
            m_yaml.error(f->owner, u"calendar " + quoted(entry.name) + u" needs a timezone such as Asia/Kolkata");
        const auto sessions = m_yaml.stringList(*f, u"sessions");
        if (!f->has(u"sessions") || (sessions && sessions->isEmpty())) {
            m_yaml.error(
                f->owner, u"calendar " + quoted(entry.name) + u" needs sessions such as [\"Mon-Fri 09:15-15:30\"]");
        }
        for (const LocatedString& s : sessions.value_or(QList<LocatedString>())) {
            QString why;
            if (const auto session = parseWeeklySession(s.text, &why))
                cal.sessions += *session;
            else
                m_yaml.error(s.where, why);
        }
        for (const LocatedString& h : m_yaml.stringList(*f, u"holidays").value_or(QList<LocatedString>())) {
            const QString text = h.text.trimmed();
            const QDate date = QDate::fromString(text, u"yyyy-MM-dd");
            if (date.isValid() && text.size() == 10)
                cal.holidays += date;
            else
                m_yaml.error(h.where, u"bad holiday date " + quoted(h.text) + u": use YYYY-MM-DD");
        }
        m_cfg.calendars.insert(cal.name, cal);
    }
}

void CalendarParser::parseMaintenance(const YamlField& field)
{
    if (field.value.IsNull())
        return;
    if (!field.value.IsSequence()) {
        m_yaml.error(m_yaml.at(field.value),
            u"'maintenance' must be a list (- name: ...), found " + YamlReader::describe(field.value));
        return;
    }
    QStringList services, groups, tags;
    for (const ServiceConfig& s : std::as_const(m_cfg.services)) {
        services += s.name;
        if (!s.group.isEmpty() && !groups.contains(s.group))
            groups += s.group;
        for (const CheckConfig& c : s.checks) {
            for (const QString& t : c.tags) {
                if (!tags.contains(t))
                    tags += t;
            }
        }
    }
    static const QStringList k = keys("name services groups tags start end weekly timezone");
    for (const YamlNode& node : field.value) {
        const auto f = m_yaml.map(node, m_yaml.at(node), QStringLiteral("a maintenance window"), k);
        if (!f)
            continue;
        MaintenanceWindow w;
        w.where = m_yaml.at(node);
        w.name
            = required(*f, u"name", QStringLiteral("a maintenance window needs a name")).value_or(QString()).trimmed();
        w.services = targets(*f, u"services", QStringLiteral("service"), services);
        w.groups = targets(*f, u"groups", QStringLiteral("group"), groups);
        w.tags = targets(*f, u"tags", QStringLiteral("tag"), tags);
        if (!f->has(u"services") && !f->has(u"groups") && !f->has(u"tags"))
            m_yaml.error(f->owner, QStringLiteral("a maintenance window needs services, groups or tags"));
        if (const YamlField* tz = f->find(u"timezone"))
            w.timezone = timezone(*tz).value_or(QByteArray());

        const YamlField* weekly = f->find(u"weekly");
        const YamlField* start = f->find(u"start");
        const YamlField* end = f->find(u"end");
        if (weekly && (start || end)) {
            m_yaml.error(m_yaml.at(weekly->key),
                QStringLiteral("a maintenance window is either once (start, end) or weekly, not both"));
        } else if (weekly) {
            if (const auto text = m_yaml.string(*weekly)) {
                QString why;
                if (parseWeeklySession(*text, &why))
                    w.weekly = text->trimmed();
                else
                    m_yaml.error(m_yaml.atKeyOrValue(*weekly), why);
            }
            if (w.timezone.isEmpty() && !f->has(u"timezone"))
                w.timezone = QTimeZone::systemTimeZoneId();
        } else if (!start || !end) {
            m_yaml.error(start ? m_yaml.at(start->key)
                    : end      ? m_yaml.at(end->key)
                               : f->owner,
                QStringLiteral(
                    "a maintenance window needs start and end (ISO date-times), or weekly: \"Sat 22:00-23:30\""));
        } else {
            w.start = dateTime(*start, w.timezone);
            w.end = dateTime(*end, w.timezone);
            if (w.start.isValid() && w.end.isValid() && w.end <= w.start)
                m_yaml.error(m_yaml.at(end->value), QStringLiteral("'end' must be after 'start'"));
        }
        m_cfg.maintenance += w;
    }
}

std::optional<QByteArray> CalendarParser::timezone(const YamlField& field)
{
    const auto text = m_yaml.string(field);
    if (!text)
        return std::nullopt;
    const QByteArray id = text->trimmed().toUtf8();
    if (id.isEmpty() || !QTimeZone::isTimeZoneIdAvailable(id)) {
        QStringList known;
        const QList<QByteArray> ids = QTimeZone::availableTimeZoneIds();
        for (const QByteArray& z : ids)
            known += QString::fromUtf8(z);
        const QString hint = didYouMean(*text, known);
        m_yaml.error(m_yaml.atKeyOrValue(field),
            u"unknown timezone " + quoted(*text)
                + (hint.isEmpty() ? QStringLiteral(": use an IANA name such as Europe/London") : hint));
        return std::nullopt;
    }
    return id;
}

QStringList CalendarParser::targets(const YamlFields& f, QStringView key, const QString& noun, const QStringList& known)
{
    QStringList out;
    for (const LocatedString& s : m_yaml.stringList(f, key).value_or(QList<LocatedString>())) {
        const QString name = s.text.trimmed();
        if (!known.contains(name)) {
            const QString hint = didYouMean(name, known);
            m_yaml.error(s.where,
                u"unknown " + noun + u' ' + quoted(name)
                    + (hint.isEmpty() ? u": nothing in services: has that " + noun : hint));
            continue;
        }
        out += name;
    }
    return out;
}

QDateTime CalendarParser::dateTime(const YamlField& field, const QByteArray& zone)
{
    const auto text = m_yaml.string(field);
    if (!text)
        return {};
    QDateTime dt = QDateTime::fromString(text->trimmed(), Qt::ISODateWithMs);
    if (!dt.isValid()) {
        m_yaml.error(m_yaml.atKeyOrValue(field),
            u"bad date-time " + quoted(*text) + u": use ISO 8601 such as 2026-11-22T22:00:00+01:00");
        return {};
    }
    // Without an offset the time is read in the window's timezone, else in local time.
    if (dt.timeSpec() == Qt::LocalTime && !zone.isEmpty())
        dt = QDateTime(dt.date(), dt.time(), QTimeZone(zone));
    return dt;
}

} // namespace hd::configparse
