#include "configvalues.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

namespace hd {

std::optional<qint64> parseSizeBytes(QStringView text)
{
    text = text.trimmed();
    qsizetype digits = 0;
    while (digits < text.size() && text[digits].isDigit())
        ++digits;
    if (digits == 0 || digits > 15)
        return std::nullopt;
    bool ok = false;
    const qint64 value = text.first(digits).toLongLong(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    const QString unit = text.mid(digits).trimmed().toString().toLower();
    static const QList<QPair<QString, qint64>> units = {
        { QString(), 1 },
        { QStringLiteral("b"), 1 },
        { QStringLiteral("kb"), 1000 },
        { QStringLiteral("mb"), 1000 * 1000 },
        { QStringLiteral("gb"), 1000 * 1000 * 1000 },
        { QStringLiteral("kib"), 1024 },
        { QStringLiteral("mib"), 1024 * 1024 },
        { QStringLiteral("gib"), 1024 * 1024 * 1024 },
    };
    for (const auto& [name, factor] : units) {
        if (unit == name)
            return value * factor;
    }
    return std::nullopt;
}

namespace {

std::optional<int> dayFromName(QStringView name)
{
    static const QStringList days = {
        QStringLiteral("mon"),
        QStringLiteral("tue"),
        QStringLiteral("wed"),
        QStringLiteral("thu"),
        QStringLiteral("fri"),
        QStringLiteral("sat"),
        QStringLiteral("sun"),
    };
    static const QStringList longDays = {
        QStringLiteral("monday"),
        QStringLiteral("tuesday"),
        QStringLiteral("wednesday"),
        QStringLiteral("thursday"),
        QStringLiteral("friday"),
        QStringLiteral("saturday"),
        QStringLiteral("sunday"),
    };
    const QString lower = name.toString().toLower();
    qsizetype i = days.indexOf(lower);
    if (i < 0)
        i = longDays.indexOf(lower);
    if (i < 0)
        return std::nullopt;
    return int(i) + 1;
}

// "24:00" is allowed as an end only, and means midnight at the end of the day (00:00).
std::optional<QTime> timeOfDay(QStringView text, bool allowEndOfDay)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,2}):(\\d{2})(?::(\\d{2}))?$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const int h = m.capturedView(1).toInt();
    const int min = m.capturedView(2).toInt();
    const int s = m.hasCaptured(3) ? m.capturedView(3).toInt() : 0;
    if (allowEndOfDay && h == 24 && min == 0 && s == 0)
        return QTime(0, 0);
    if (!QTime::isValid(h, min, s))
        return std::nullopt;
    return QTime(h, min, s);
}

} // namespace

std::optional<CalendarConfig::Session> parseWeeklySession(QStringView text, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    static const QRegularExpression dashBeforeDigit(QStringLiteral("\\s*-\\s*(?=\\d)"));
    QString normalized = text.toString();
    normalized.replace(dashBeforeDigit, QStringLiteral("-"));
    normalized = normalized.simplified();
    const qsizetype space = normalized.lastIndexOf(u' ');
    static const QRegularExpression digit(QStringLiteral("\\d"));
    const bool hasDigit = normalized.contains(digit);
    if (space < 0 && !hasDigit)
        return fail(
            u"bad session '" + text.trimmed().toString() + u"': write days and times like 'Mon-Fri 09:15-15:30'");
    text = text.trimmed();
    const QString daysPart = space < 0 ? QString() : normalized.left(space);
    const QString timesPart = normalized.mid(space + 1);

    CalendarConfig::Session session;
    if (daysPart.isEmpty())
        session.days = { 1, 2, 3, 4, 5, 6, 7 };
    for (QStringView item :
        QStringView(daysPart).split(u',', daysPart.isEmpty() ? Qt::SkipEmptyParts : Qt::KeepEmptyParts)) {
        item = item.trimmed();
        const qsizetype dash = item.indexOf(u'-');
        const auto first = dayFromName(dash < 0 ? item : item.first(dash).trimmed());
        const auto last = dash < 0 ? first : dayFromName(item.mid(dash + 1).trimmed());
        if (!first || !last)
            return fail(u"bad day '" + item.toString() + u"' in session '" + text.toString()
                + u"': use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like Mon-Fri, lists like Mon,Wed");
        // A range may wrap around the week: Fri-Mon is Fri, Sat, Sun, Mon.
        for (int d = *first;; d = d % 7 + 1) {
            if (!session.days.contains(d))
                session.days += d;
            if (d == *last)
                break;
        }
    }
    std::sort(session.days.begin(), session.days.end());

    const qsizetype dash = timesPart.indexOf(u'-');
    const auto start = dash < 0 ? std::nullopt : timeOfDay(QStringView(timesPart).first(dash), false);
    const auto end = dash < 0 ? std::nullopt : timeOfDay(QStringView(timesPart).mid(dash + 1), true);
    if (!start || !end)
        return fail(u"bad time range '" + timesPart + u"' in session '" + text.toString()
            + u"': use HH:MM-HH:MM such as 09:15-15:30");
    // An end at or before the start crosses midnight: "Sun-Thu 22:00-06:00".
    session.start = *start;
    session.end = *end;
    return session;
}

namespace {

int editDistance(QStringView a, QStringView b)
{
    QList<int> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + cost });
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

QString closestMatch(QStringView word, const QStringList& candidates)
{
    const QString w = word.toString().toLower();
    QString best;
    int bestScore = 3;
    for (const QString& candidate : candidates) {
        const QString c = candidate.toLower();
        // The distance is at least the difference in length, so words far apart in length need no table.
        int score = std::abs(w.size() - c.size()) >= 3 ? 3 : editDistance(w, c);
        // Very short words are within two edits of almost anything.
        if (score >= w.size() || score >= c.size())
            score = 3;
        // A clear prefix or suffix: "fail" for failure_threshold, "samples" for raw_samples.
        if (score > 2 && ((w.size() >= 3 && c.startsWith(w)) || (c.size() >= 3 && w.startsWith(c))))
            score = 2;
        if (score > 2 && w.size() >= 4 && c.endsWith(w))
            score = 2;
        if (score < bestScore) {
            bestScore = score;
            best = candidate;
        }
    }
    return best;
}

void collectAdminPlaceholders(const QJsonValue& value, QStringList& out)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    if (value.isString()) {
        for (auto it = placeholder.globalMatch(value.toString()); it.hasNext();) {
            const QString name = it.next().captured(1);
            if (!out.contains(name))
                out += name;
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue& v : array)
            collectAdminPlaceholders(v, out);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collectAdminPlaceholders(it.value(), out);
    }
}

} // namespace hd
