#include "condition.h"

#include "core/duration.h"
#include "jsonpath.h"
#include "pattern.h"
#include "promtext.h"

#include <QTimeZone>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace hd {

void ConditionMemory::record(const QString& series, const QDateTime& time, double value, qint64 keepMs)
{
    constexpr size_t maxSamples = 10'000;
    // rate() and delta() may share a series: keep the longest window either needs.
    qint64& keep = m_keepMs[series];
    keep = std::max(keep, keepMs);
    std::deque<Sample>& samples = m_series[series];
    while (!samples.empty() && samples.back().time > time)
        samples.pop_back(); // the clock went back: forget what now lies in the future
    if (!samples.empty() && samples.back().time == time)
        samples.back().value = value;
    else
        samples.push_back({ time, value });
    const QDateTime cutoff = time.addMSecs(-keep);
    while (samples.size() > 1 && (samples.front().time < cutoff || samples.size() > maxSamples))
        samples.pop_front();
}

const std::deque<ConditionMemory::Sample>* ConditionMemory::samples(const QString& series) const
{
    const auto it = m_series.constFind(series);
    return it == m_series.cend() ? nullptr : &it.value();
}

namespace {

const QLatin1String kInvalid(" (INVALID)");
const std::array<QLatin1String, 6> kOperators = { QLatin1String(" == "), QLatin1String(" != "), QLatin1String(" <= "),
    QLatin1String(" >= "), QLatin1String(" > "), QLatin1String(" < ") };

QString boolText(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

bool isCall(QStringView text, QStringView prefix)
{
    return text.startsWith(prefix) && text.endsWith(u')');
}

QStringView callArgument(QStringView text, QStringView prefix)
{
    return text.mid(prefix.size(), text.size() - prefix.size() - 1);
}

// ---- Go's strconv and time parsing, which decide what Gatus sees as a number ----

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// strconv's underscoreOK: '_' only between digits (a base prefix counts as one).
bool underscoreOK(QStringView s)
{
    char saw = '^';
    if (!s.isEmpty() && (s[0] == u'+' || s[0] == u'-'))
        s = s.mid(1);
    qsizetype i = 0;
    bool hex = false;
    if (s.size() >= 2 && s[0] == u'0') {
        const QChar prefix = s[1].toLower();
        if (prefix == u'b' || prefix == u'o' || prefix == u'x') {
            i = 2;
            saw = '0';
            hex = prefix == u'x';
        }
    }
    for (; i < s.size(); ++i) {
        const QChar c = s[i].toLower();
        if (isAsciiDigit(c) || (hex && c >= u'a' && c <= u'f')) {
            saw = '0';
        } else if (c == u'_') {
            if (saw != '0')
                return false;
            saw = '_';
        } else {
            if (saw == '_')
                return false;
            saw = '!';
        }
    }
    return saw != '_';
}

// strconv.ParseInt(s, 0, 64): 0x/0o/0b prefixes, a leading 0 means octal, '_' separators.
std::optional<qint64> goParseInt(QStringView s)
{
    const QStringView whole = s;
    bool negative = false;
    if (!s.isEmpty() && (s[0] == u'+' || s[0] == u'-')) {
        negative = s[0] == u'-';
        s = s.mid(1);
    }
    if (s.isEmpty())
        return std::nullopt;
    unsigned base = 10;
    if (s[0] == u'0') {
        const QChar prefix = s.size() >= 3 ? s[1].toLower() : QChar();
        base = prefix == u'b' ? 2 : prefix == u'o' ? 8 : prefix == u'x' ? 16 : 8;
        s = s.mid(base == 8 && prefix != u'o' ? 1 : 2);
    }
    const quint64 limit = negative ? quint64(1) << 63 : (quint64(1) << 63) - 1;
    quint64 n = 0;
    bool underscores = false;
    for (const QChar c : s) {
        if (c == u'_') {
            underscores = true;
            continue;
        }
        const char16_t u = c.toLower().unicode();
        const unsigned digit = isAsciiDigit(c) ? u - u'0' : (u >= u'a' && u <= u'z') ? u - u'a' + 10 : 99;
        if (digit >= base || n > (limit - digit) / base)
            return std::nullopt;
        n = n * base + digit;
    }
    if (underscores && !underscoreOK(whole))
        return std::nullopt;
    return negative ? qint64(0 - n) : qint64(n);
}

// strconv.ParseFloat(s, 64) for decimal notation, Inf and NaN; overflow is an error.
std::optional<double> goParseFloat(QStringView s)
{
    QStringView rest = s;
    if (!rest.isEmpty() && (rest[0] == u'+' || rest[0] == u'-'))
        rest = rest.mid(1);
    if (rest.compare(u"inf", Qt::CaseInsensitive) == 0 || rest.compare(u"infinity", Qt::CaseInsensitive) == 0)
        return s[0] == u'-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (s.compare(u"nan", Qt::CaseInsensitive) == 0)
        return std::numeric_limits<double>::quiet_NaN();
    qsizetype i = 0;
    bool digits = false;
    bool underscores = false;
    for (; i < rest.size() && (isAsciiDigit(rest[i]) || rest[i] == u'_' || rest[i] == u'.'); ++i) {
        digits = digits || isAsciiDigit(rest[i]);
        underscores = underscores || rest[i] == u'_';
    }
    if (!digits || rest.left(i).count(u'.') > 1)
        return std::nullopt;
    if (i < rest.size() && rest[i].toLower() == u'e') {
        ++i;
        if (i < rest.size() && (rest[i] == u'+' || rest[i] == u'-'))
            ++i;
        const qsizetype expStart = i;
        while (i < rest.size() && (isAsciiDigit(rest[i]) || rest[i] == u'_')) {
            underscores = underscores || rest[i] == u'_';
            ++i;
        }
        if (i == expStart)
            return std::nullopt;
    }
    if (i != rest.size() || (underscores && !underscoreOK(s)))
        return std::nullopt;
    bool ok = false;
    const double value = s.toString().remove(u'_').toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// time.ParseDuration, in nanoseconds: "1h30m", "1.5s", "250ms", "-2m"; "0" alone is fine.
std::optional<qint64> goParseDurationNs(QStringView s)
{
    constexpr quint64 limit = quint64(1) << 63;
    bool negative = false;
    if (!s.isEmpty() && (s[0] == u'+' || s[0] == u'-')) {
        negative = s[0] == u'-';
        s = s.mid(1);
    }
    if (s == u"0")
        return 0;
    if (s.isEmpty())
        return std::nullopt;
    quint64 total = 0;
    while (!s.isEmpty()) {
        qsizetype i = 0;
        quint64 whole = 0;
        for (; i < s.size() && isAsciiDigit(s[i]); ++i) {
            if (whole > limit / 10)
                return std::nullopt;
            whole = whole * 10 + (s[i].unicode() - u'0');
            if (whole > limit)
                return std::nullopt;
        }
        const bool hasWhole = i > 0;
        long double fraction = 0;
        bool hasFraction = false;
        if (i < s.size() && s[i] == u'.') {
            long double scale = 0.1L;
            for (++i; i < s.size() && isAsciiDigit(s[i]); ++i, scale /= 10) {
                fraction += (s[i].unicode() - u'0') * scale;
                hasFraction = true;
            }
        }
        if (!hasWhole && !hasFraction)
            return std::nullopt;
        const qsizetype unitStart = i;
        while (i < s.size() && s[i] != u'.' && !isAsciiDigit(s[i]))
            ++i;
        const QStringView unit = s.mid(unitStart, i - unitStart);
        quint64 scale = 0;
        if (unit == u"ns")
            scale = 1;
        else if (unit == u"us" || unit == u"\u00b5s" || unit == u"\u03bcs")
            scale = 1'000;
        else if (unit == u"ms")
            scale = 1'000'000;
        else if (unit == u"s")
            scale = 1'000'000'000;
        else if (unit == u"m")
            scale = 60'000'000'000;
        else if (unit == u"h")
            scale = 3'600'000'000'000;
        else
            return std::nullopt;
        if (whole > limit / scale)
            return std::nullopt;
        total += whole * scale + quint64(fraction * scale);
        if (total > limit)
            return std::nullopt;
        s = s.mid(i);
    }
    if (!negative && total > limit - 1)
        return std::nullopt;
    return negative ? qint64(0 - total) : qint64(total);
}

// Go's int64(float64) saturates on arm64; amd64 gives MinInt64 instead. Saturating is the saner of the two.
qint64 truncateToInt(double value)
{
    if (std::isnan(value))
        return 0;
    if (value >= 9.223372036854775807e18)
        return std::numeric_limits<qint64>::max();
    if (value <= -9.223372036854775808e18)
        return std::numeric_limits<qint64>::min();
    return qint64(value);
}

// Milliseconds as Go's time.Duration prints them, without the zero minutes and seconds
// Gatus trims: 1209600000 -> "336h", 5400000 -> "1h30m", 1500 -> "1.5s".
QString goDurationText(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0s");
    QString out = ms < 0 ? QStringLiteral("-") : QString();
    quint64 left = quint64(ms < 0 ? -ms : ms);
    const quint64 hours = left / 3'600'000;
    left %= 3'600'000;
    const quint64 minutes = left / 60'000;
    left %= 60'000;
    if (hours == 0 && minutes == 0 && left < 1000)
        return out + QString::number(left) + u"ms";
    QString seconds = QString::number(left / 1000);
    if (left % 1000) {
        QString fraction = QString::number(left % 1000).rightJustified(3, u'0');
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        seconds += u'.' + fraction;
    }
    if (hours)
        out += QString::number(hours) + u'h';
    if (hours || minutes)
        out += QString::number(minutes) + u'm';
    out += seconds + u's';
    if (out.endsWith(u"m0s"))
        out.chop(2);
    if (out.endsWith(u"h0m"))
        out.chop(2);
    return out;
}

// What Gatus compares with < <= > >=: a duration in ms, an integer, a truncated float, else 0.
qint64 gatusNumber(const QString& text)
{
    if (const auto ns = goParseDurationNs(text); ns && *ns != 0)
        return *ns / 1'000'000;
    if (const auto n = goParseInt(text))
        return *n;
    if (const auto f = goParseFloat(text))
        return truncateToInt(*f);
    return 0;
}

// ---- Prometheus samples: [METRIC].name{label="v"}, and a prometheus: series' [VALUE] and [LABELS].name ----

const QLatin1String kMetric("[METRIC].");
const QLatin1String kLabels("[LABELS].");

bool isMetricPlaceholder(QStringView text)
{
    return text.startsWith(kMetric, Qt::CaseInsensitive);
}

bool isValuePlaceholder(QStringView text)
{
    return text.compare(QLatin1String("[VALUE]"), Qt::CaseInsensitive) == 0;
}

bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}

struct Selector {
    QString name;
    prom::Labels labels;
};

// NAME or NAME{label="value", ...}: the sample NAME whose labels include these.
std::optional<Selector> parseSelector(QStringView text, QString* error)
{
    const auto failed = [&](const QString& why) {
        *error = why + u" in [METRIC]." + text;
        return std::nullopt;
    };
    text = text.trimmed();
    qsizetype i = 0;
    while (i < text.size() && (isAsciiLetter(text[i]) || text[i] == u':' || (i > 0 && isAsciiDigit(text[i]))))
        ++i;
    if (i == 0) {
        *error = QStringLiteral("[METRIC] needs a metric name, as in [METRIC].up{job=\"api\"}");
        return std::nullopt;
    }
    Selector sel;
    sel.name = text.left(i).toString();
    const auto skipSpaces = [&] {
        while (i < text.size() && text[i] == u' ')
            ++i;
    };
    if (i == text.size())
        return sel;
    if (text[i] != u'{')
        return failed(QStringLiteral("a metric name, then {labels}, is expected"));
    ++i;
    while (true) {
        skipSpaces();
        if (i < text.size() && text[i] == u'}')
            break;
        const qsizetype start = i;
        while (i < text.size() && (isAsciiLetter(text[i]) || (i > start && isAsciiDigit(text[i]))))
            ++i;
        if (i == start)
            return failed(QStringLiteral("a label name is expected"));
        const QString label = text.mid(start, i - start).toString();
        skipSpaces();
        if (i >= text.size() || text[i] != u'=')
            return failed(u"= is expected after " + label);
        ++i;
        skipSpaces();
        if (i >= text.size() || text[i] != u'"')
            return failed(u"label " + label + u" needs a value in double quotes");
        QString value;
        for (++i;; ++i) {
            if (i >= text.size())
                return failed(u"the value of label " + label + u" is not closed");
            if (text[i] == u'"')
                break;
            if (text[i] == u'\\' && i + 1 < text.size()) {
                const QChar e = text[++i];
                if (e == u'n')
                    value += u'\n';
                else if (e == u'\\' || e == u'"')
                    value += e;
                else
                    return failed(u"invalid escape \\" + QString(e));
                continue;
            }
            value += text[i];
        }
        ++i;
        sel.labels.append({ label, value });
        skipSpaces();
        if (i < text.size() && text[i] == u',') {
            ++i;
            continue;
        }
        if (i < text.size() && text[i] == u'}')
            break;
        return failed(QStringLiteral(", or } is expected"));
    }
    ++i;
    if (i != text.size())
        return failed(QStringLiteral("nothing may follow }"));
    std::sort(sel.labels.begin(), sel.labels.end());
    for (qsizetype k = 1; k < sel.labels.size(); ++k) {
        if (sel.labels[k].first == sel.labels[k - 1].first)
            return failed(u"label " + sel.labels[k].first + u" is given twice");
    }
    return sel;
}

// The body parsed as Prometheus text at most once per evaluation, and only when asked for.
class MetricsSource {
public:
    MetricsSource(const ProbeResult& result, const prom::Exposition* given)
        : m_result(result)
        , m_given(given)
    {
    }
    const prom::Exposition& get()
    {
        if (m_given)
            return *m_given;
        if (!m_own)
            m_own = prom::parse(m_result.body, prom::formatOf(m_result.contentType, m_result.body));
        return *m_own;
    }

private:
    const ProbeResult& m_result;
    const prom::Exposition* m_given;
    std::optional<prom::Exposition> m_own;
};

struct MetricValue {
    std::optional<double> value;
    QString detail; // why there is no value
    bool counter = false; // a counter's value: a drop means it restarted
};

QString labelsText(const prom::Labels& labels)
{
    QStringList parts;
    for (const auto& [name, value] : labels)
        parts << name + u"=\"" + prom::escapeLabelValue(value) + u'"';
    return u'{' + parts.join(u',') + u'}';
}

bool counterLike(const prom::Exposition& e, const prom::Sample& s)
{
    const prom::Family* f = e.familyOf(s);
    const prom::MetricType type = f ? f->type : prom::MetricType::Unknown;
    switch (type) {
    case prom::MetricType::Counter:
        return !s.name.endsWith(u"_created");
    case prom::MetricType::Histogram:
    case prom::MetricType::Summary:
        return s.name.endsWith(u"_count") || s.name.endsWith(u"_sum") || s.name.endsWith(u"_bucket");
    case prom::MetricType::Unknown:
        return s.name.endsWith(u"_total");
    default:
        return false;
    }
}

// The one sample a selector names. Several samples with exactly the same labels are one series written
// twice: the last one counts. Several different series are ambiguous, unless exactly one of them has no
// labels beyond those asked for; a condition never picks one of them silently.
MetricValue readMetric(QStringView placeholder, MetricsSource& source)
{
    MetricValue out;
    const QStringView written = placeholder.mid(kMetric.size()).trimmed();
    const std::optional<Selector> sel = parseSelector(written, &out.detail);
    if (!sel)
        return out;
    const prom::Exposition& e = source.get();
    if (!e.ok()) {
        out.detail = u"the body is not Prometheus text (line " + QString::number(e.error->line) + u": "
            + e.error->message + u')';
        return out;
    }
    QList<qsizetype> series;
    QHash<QString, qsizetype> byLabels;
    for (const qsizetype i : e.find(sel->name, sel->labels)) {
        const QString key = labelsText(e.samples[i].labels);
        if (const auto it = byLabels.constFind(key); it != byLabels.cend())
            series[it.value()] = i;
        else {
            byLabels.insert(key, series.size());
            series << i;
        }
    }
    if (series.isEmpty()) {
        out.detail = u"no such series: " + written;
        return out;
    }
    if (series.size() > 1) {
        QList<qsizetype> exact;
        for (const qsizetype i : std::as_const(series)) {
            if (e.samples[i].labels.size() == sel->labels.size())
                exact << i;
        }
        if (exact.size() != 1) {
            QStringList examples;
            for (qsizetype k = 0; k < std::min<qsizetype>(series.size(), 3); ++k)
                examples << labelsText(e.samples[series[k]].labels);
            out.detail = QString::number(series.size()) + u" series match " + written + u", name more labels: "
                + examples.join(u", ") + (series.size() > 3 ? QStringLiteral(", ...") : QString());
            return out;
        }
        series = exact;
    }
    const prom::Sample& sample = e.samples[series.first()];
    out.value = sample.value;
    out.counter = counterLike(e, sample);
    return out;
}

// ---- Gatus placeholders ----

QString formatNumber(double value);

// A sample value as shown in a display string: 1, 0.25, NaN, +Inf.
QString metricText(double value)
{
    return std::isfinite(value) ? formatNumber(value) : prom::formatValue(value);
}

enum class Wrap { None, Len, Has };

QString wrapped(const QString& value, Wrap wrap)
{
    if (wrap == Wrap::Has)
        return boolText(!value.isEmpty());
    if (wrap == Wrap::Len)
        return QString::number(value.toUtf8().size()); // Go counts bytes
    return value;
}

// Gatus' ResolvePlaceholder: the value of one side, or the text itself when it is
// no placeholder. A placeholder that cannot be read gives "<text> (INVALID)".
QString resolve(const QString& element, const ProbeResult& r, MetricsSource* metrics)
{
    Wrap wrap = Wrap::None;
    QString inner = element;
    if (isCall(element, u"len(")) {
        wrap = Wrap::Len;
        inner = callArgument(element, u"len(").toString();
    } else if (isCall(element, u"has(")) {
        wrap = Wrap::Has;
        inner = callArgument(element, u"has(").toString();
    }
    const QString invalid = element + kInvalid;
    const QString upper = inner.toUpper();
    if (upper == u"[STATUS]")
        return wrapped(QString::number(r.status), wrap);
    if (upper == u"[IP]")
        return wrapped(r.ip, wrap);
    if (upper == u"[RESPONSE_TIME]")
        return wrapped(QString::number(truncateToInt(r.latencyMs)), wrap);
    if (upper == u"[CONNECTED]")
        return wrapped(boolText(r.connected), wrap);
    if (upper == u"[CERTIFICATE_EXPIRATION]") // Gatus: milliseconds, 0 without a certificate
        return wrapped(QString::number(r.certificateExpirationMs.value_or(0)), wrap);
    if (upper == u"[TTL]") {
        if (!r.ttlMs)
            return wrap == Wrap::Has ? boolText(false) : invalid;
        return wrapped(QString::number(*r.ttlMs), wrap);
    }
    if (upper == u"[BODY]") {
        const QByteArray body = r.body.trimmed();
        if (wrap == Wrap::Has)
            return boolText(!body.isEmpty());
        if (wrap == Wrap::Len) {
            const JsonPathResult whole = evalJsonPath({}, r.body);
            return QString::number(whole.ok ? whole.length : body.size());
        }
        return QString::fromUtf8(body);
    }
    if (upper == u"[VALUE]") {
        if (!r.seriesValue)
            return wrap == Wrap::Has ? boolText(false) : invalid;
        return wrapped(metricText(*r.seriesValue), wrap);
    }
    if (upper.startsWith(kLabels)) {
        const auto label = r.seriesLabels.constFind(inner.mid(kLabels.size()));
        if (label == r.seriesLabels.cend())
            return wrap == Wrap::Has ? boolText(false) : invalid;
        return wrapped(label.value(), wrap);
    }
    if (upper.startsWith(kMetric)) {
        const MetricValue m = metrics ? readMetric(inner, *metrics) : MetricValue {};
        if (!m.value)
            return wrap == Wrap::Has ? boolText(false) : invalid;
        return wrapped(metricText(*m.value), wrap);
    }
    if (upper.startsWith(u"[HEADER].")) {
        const QByteArray name = inner.mid(9).toUtf8();
        for (const auto& header : r.headers) {
            if (header.first.compare(name, Qt::CaseInsensitive) == 0)
                return wrapped(QString::fromUtf8(header.second), wrap);
        }
        return wrap == Wrap::Has ? boolText(false) : invalid;
    }
    if (upper.startsWith(u"[BODY].") || upper.startsWith(u"[BODY][")) {
        QStringView path = QStringView(inner).mid(6);
        if (path.startsWith(u'.'))
            path = path.mid(1);
        const JsonPathResult found = evalJsonPath(path, r.body);
        if (wrap == Wrap::Has)
            return boolText(found.ok);
        if (!found.ok)
            return invalid;
        return wrap == Wrap::Len ? QString::number(found.length) : found.value;
    }
    if (wrap == Wrap::Has)
        return boolText(false);
    return wrap == Wrap::Len ? invalid : element;
}

// strings.TrimSuffix(strings.TrimPrefix(s, prefix), ")")
QString trimCall(const QString& text, QStringView prefix)
{
    QString inner = text.mid(prefix.size());
    if (inner.endsWith(u')'))
        inner.chop(1);
    return inner;
}

bool matchesAny(QStringView options, const QString& value)
{
    const auto parts = options.split(u',');
    return std::any_of(parts.begin(), parts.end(), [&](QStringView o) { return o.trimmed() == value; });
}

// Gatus' isEqual: pat() and any() on either side, integers by value (0x1 == 1), else text.
bool isEqual(QString first, QString second)
{
    const bool firstCall = first.endsWith(u')');
    const bool secondCall = second.endsWith(u')');
    if (firstCall || secondCall) {
        const bool firstPattern = firstCall && first.startsWith(u"pat(");
        const bool secondPattern = secondCall && second.startsWith(u"pat(");
        if (firstPattern)
            first = trimCall(first, u"pat(");
        if (secondPattern)
            second = trimCall(second, u"pat(");
        if (firstPattern != secondPattern)
            return firstPattern ? matchPattern(first, second) : matchPattern(second, first);
        const bool firstAny = firstCall && first.startsWith(u"any(");
        const bool secondAny = secondCall && second.startsWith(u"any(");
        if (firstAny)
            first = trimCall(first, u"any(");
        if (secondAny)
            second = trimCall(second, u"any(");
        if (firstAny != secondAny)
            return firstAny ? matchesAny(first, second) : matchesAny(second, first);
    }
    const auto a = goParseInt(first);
    const auto b = goParseInt(second);
    if (a && b)
        return *a == *b;
    return first == second;
}

// The first n characters and "...(truncated)", as Go's "%.25s...(truncated)" prints.
QString truncated(const QString& text, qsizetype n)
{
    const QList<uint> runes = text.toUcs4();
    return QString::fromUcs4(reinterpret_cast<const char32_t*>(runes.constData()), std::min(n, runes.size()))
        + u"...(truncated)";
}

// Gatus' prettify: "<param> (<resolved>)" where the two differ; long values
// compared with a pattern are cut to 25 characters.
QString prettify(const std::array<QString, 2>& params, std::array<QString, 2> resolved, QStringView op)
{
    constexpr qsizetype maxShown = 200; // beyond Gatus: a whole body in a display string helps nobody
    if (isCall(params[0], u"pat(") && resolved[1].toUtf8().size() > 25)
        resolved[1] = truncated(resolved[1], 25);
    if (isCall(params[1], u"pat(") && resolved[0].toUtf8().size() > 25)
        resolved[0] = truncated(resolved[0], 25);
    const auto side = [&](int i) {
        if (resolved[i] == params[i] + kInvalid || resolved[i] == params[i])
            return resolved[i];
        const QString shown = resolved[i].size() > maxShown ? truncated(resolved[i], maxShown) : resolved[i];
        return QString(params[i] + u" (" + shown + u')');
    };
    return side(0) + u' ' + op + u' ' + side(1);
}

template <typename T> bool compare(T a, QStringView op, T b)
{
    if (op == u"==")
        return a == b;
    if (op == u"!=")
        return a != b;
    if (op == u"<")
        return a < b;
    if (op == u"<=")
        return a <= b;
    if (op == u">")
        return a > b;
    return a >= b;
}

// ---- healthdeck functions: age(X), rate(X), delta(X, window) ----

// A comma outside {labels} and "quoted values": [METRIC].x{a="1",b="2"} is still one placeholder.
bool hasTopLevelComma(QStringView text)
{
    int depth = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'\\')
                ++i;
            else if (c == u'"')
                quoted = false;
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u'{') {
            ++depth;
        } else if (c == u'}') {
            depth = std::max(0, depth - 1);
        } else if (c == u',' && depth == 0) {
            return true;
        }
    }
    return false;
}

struct Call {
    enum Kind { Age, Rate, Delta } kind = Age;
    QString argument; // the placeholder X
    qint64 windowMs = 0;
    QString error; // why the call is malformed
};

std::optional<Call> healthdeckCall(const QString& text)
{
    static const std::array<std::pair<QStringView, Call::Kind>, 3> names
        = { { { u"age(", Call::Age }, { u"rate(", Call::Rate }, { u"delta(", Call::Delta } } };
    for (const auto& [prefix, kind] : names) {
        if (!isCall(text, prefix))
            continue;
        Call call;
        call.kind = kind;
        QStringView argument = callArgument(text, prefix).trimmed();
        const QString name = prefix.chopped(1).toString();
        if (kind == Call::Delta) {
            const qsizetype comma = argument.lastIndexOf(u',');
            const auto window = comma < 0 ? std::nullopt : parseDurationMs(argument.mid(comma + 1));
            if (!window || *window <= 0)
                call.error = QStringLiteral("delta() needs a window, as in delta([BODY].count, 5m)");
            call.windowMs = window.value_or(0);
            argument = argument.left(std::max<qsizetype>(comma, 0)).trimmed();
        }
        call.argument = argument.toString();
        if (call.error.isEmpty() && (!argument.startsWith(u'[') || hasTopLevelComma(argument)))
            call.error = name + u"() takes one placeholder, such as [BODY].last_activity";
        return call;
    }
    return std::nullopt;
}

bool isPlaceholder(const QString& text)
{
    return text.startsWith(u'[') || isCall(text, u"len(") || isCall(text, u"has(");
}

std::optional<double> number(const QString& text)
{
    if (const auto n = goParseInt(text))
        return double(*n);
    return goParseFloat(text);
}

// A literal beside a healthdeck function: a duration (in seconds) or a plain number.
std::optional<double> literalNumber(const QString& text)
{
    if (const auto ms = parseDurationMs(text))
        return *ms / 1000.0;
    return number(text);
}

// Why a condition using age()/rate()/delta() cannot work; empty when it can.
// The placeholder inside a side: X of rate(X), len(X), has(X), or the side itself.
QString innerPlaceholder(const QString& side)
{
    if (const auto call = healthdeckCall(side))
        return call->argument;
    for (const QStringView prefix : { QStringView(u"len("), QStringView(u"has(") }) {
        if (isCall(side, prefix))
            return callArgument(side, prefix).trimmed().toString();
    }
    return side;
}

// Sides compared as numbers rather than as Gatus' text: healthdeck's functions, and sample values.
bool isNumericSide(const QString& side)
{
    return healthdeckCall(side) || isMetricPlaceholder(side) || isValuePlaceholder(side);
}

QString selectorError(const QString& side)
{
    if (const auto call = healthdeckCall(side); call && !call->error.isEmpty())
        return {}; // the call's own error says more
    const QString inner = innerPlaceholder(side);
    if (!inner.contains(QLatin1String("[METRIC]"), Qt::CaseInsensitive))
        return {};
    QString why;
    if (!isMetricPlaceholder(inner) || !parseSelector(QStringView(inner).mid(kMetric.size()), &why))
        return why.isEmpty() ? QStringLiteral("[METRIC] needs a metric name, as in [METRIC].up{job=\"api\"}") : why;
    return {};
}

QString healthdeckError(const QString& left, const QString& right)
{
    for (const QString& side : { left, right }) {
        if (const QString why = selectorError(side); !why.isEmpty())
            return why;
    }
    const auto leftCall = healthdeckCall(left);
    const auto rightCall = healthdeckCall(right);
    if (!isNumericSide(left) && !isNumericSide(right))
        return {};
    for (const auto& call : { leftCall, rightCall }) {
        if (call && !call->error.isEmpty())
            return call->error;
    }
    for (const QString& side : { left, right }) {
        if (!healthdeckCall(side) && !isPlaceholder(side) && !literalNumber(side))
            return u"'" + side + u"' is neither a number nor a duration such as 60s";
    }
    return {};
}

QString formatNumber(double value)
{
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15)
        return QString::number(qint64(value));
    QString text = QString::number(value, 'f', 3);
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text == u"0" || text == u"-0" ? QString::number(value, 'g', 3) : text;
}

// The name a detail speaks of: the last segment of the path ("last_activity").
QString fieldName(const QString& placeholder)
{
    const qsizetype dot = placeholder.lastIndexOf(u'.');
    return dot < 0 ? placeholder : placeholder.mid(dot + 1);
}

// ISO 8601 with or without zone (none = UTC), or epoch seconds, or epoch milliseconds.
std::optional<QDateTime> parseTimestamp(QString text)
{
    text = text.trimmed();
    if (text.size() >= 2 && text.startsWith(u'"') && text.endsWith(u'"'))
        text = text.mid(1, text.size() - 2);
    if (const auto epoch = number(text)) {
        const double ms = *epoch > 1e11 ? *epoch : *epoch * 1000;
        if (!(*epoch > 0) || ms > 1e15) // past the year 33000: not a timestamp
            return std::nullopt;
        return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(ms)), QTimeZone::utc());
    }
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    if (t.timeSpec() == Qt::LocalTime)
        return QDateTime(t.date(), t.time(), QTimeZone::utc());
    return t;
}

struct EvalContext {
    const ProbeResult& result;
    QDateTime now;
    ConditionMemory* memory;
    MetricsSource* metrics;
};

// One side of a condition that uses a healthdeck function, as a number.
struct Side {
    std::optional<double> value;
    QString shown; // what goes in parentheses; empty for a literal
    QString detail; // why there is no value, or how old the timestamp is
    bool insufficient = false; // rate()/delta() without history
    bool age = false;
    bool counter = false; // a Prometheus counter: a drop means it restarted
};

Side readPlaceholder(const QString& placeholder, const EvalContext& ctx)
{
    Side side;
    if (isMetricPlaceholder(placeholder)) {
        const MetricValue m = readMetric(placeholder, *ctx.metrics);
        side.value = m.value;
        side.shown = m.value ? metricText(*m.value) : QStringLiteral("INVALID");
        side.detail = m.detail;
        side.counter = m.counter;
        return side;
    }
    if (isValuePlaceholder(placeholder)) {
        side.value = ctx.result.seriesValue;
        side.shown = side.value ? metricText(*side.value) : QStringLiteral("INVALID");
        if (!side.value)
            side.detail = QStringLiteral("the result has no series value");
        return side;
    }
    const QString text = resolve(placeholder, ctx.result, ctx.metrics);
    if (text == placeholder + kInvalid) {
        side.shown = QStringLiteral("INVALID");
        side.detail = placeholder.startsWith(kLabels, Qt::CaseInsensitive)
            ? QString(u"the series has no label " + placeholder.mid(kLabels.size()))
            : QString(fieldName(placeholder) + u" is missing");
        return side;
    }
    side.value = number(text);
    side.shown = text;
    if (!side.value)
        side.detail = fieldName(placeholder) + u" is not a number: \"" + text.left(40) + u'"';
    return side;
}

Side ageSide(const Call& call, const EvalContext& ctx)
{
    Side side;
    side.age = true;
    const QString text = resolve(call.argument, ctx.result, ctx.metrics);
    const QString name = fieldName(call.argument);
    if (text == call.argument + kInvalid) {
        side.shown = QStringLiteral("INVALID");
        side.detail = name + u" is missing";
        return side;
    }
    const auto timestamp = parseTimestamp(text);
    if (!timestamp) {
        side.shown = QStringLiteral("INVALID");
        side.detail = name + u" is not a timestamp: \"" + text.left(40) + u'"';
        return side;
    }
    const qint64 seconds = qint64(std::floor(timestamp->msecsTo(ctx.now) / 1000.0));
    side.value = double(seconds);
    side.shown = QString::number(seconds);
    side.detail = name + u' ' + QString::number(std::abs(seconds)) + (seconds >= 0 ? u" s ago" : u" s in the future");
    return side;
}

// rate() and delta(): read X, compare with the remembered samples, then remember X.
Side historySide(const Call& call, const QString& text, const EvalContext& ctx)
{
    Side side = readPlaceholder(call.argument, ctx);
    if (!side.value)
        return side;
    const double current = *side.value;
    side.value.reset();
    side.shown.clear();

    const std::deque<ConditionMemory::Sample>* samples = ctx.memory ? ctx.memory->samples(call.argument) : nullptr;
    std::optional<ConditionMemory::Sample> earlier;
    // A counter's increase over the window, step by step: after a drop (a restart) it counts from zero.
    std::optional<double> previous;
    double increase = 0;
    const auto step = [&](double value) {
        if (previous)
            increase += value >= *previous ? value - *previous : value;
        previous = value;
    };
    if (samples) {
        const QDateTime windowStart = ctx.now.addMSecs(-call.windowMs);
        for (const ConditionMemory::Sample& s : *samples) {
            if (s.time >= ctx.now)
                break;
            if (call.kind == Call::Rate) {
                earlier = s; // the latest before now
            } else if (s.time >= windowStart) {
                if (!earlier)
                    earlier = s; // the oldest inside the window
                step(s.value);
            }
        }
    }
    step(current);
    if (ctx.memory)
        ctx.memory->record(call.argument, ctx.now, current, call.windowMs);
    if (!earlier) {
        side.insufficient = true;
        side.detail = u"not enough data for " + text;
        return side;
    }
    double result = side.counter && call.kind == Call::Delta ? increase : current - earlier->value;
    if (call.kind == Call::Rate) {
        if (result < 0)
            result = current; // a counter reset, counted from zero as Prometheus does
        result /= earlier->time.msecsTo(ctx.now) / 1000.0;
    }
    side.value = result;
    side.shown = formatNumber(result);
    return side;
}

Side evaluateSide(const QString& text, const EvalContext& ctx)
{
    if (const auto call = healthdeckCall(text))
        return call->kind == Call::Age ? ageSide(*call, ctx) : historySide(*call, text, ctx);
    if (isPlaceholder(text))
        return readPlaceholder(text, ctx);
    Side side;
    side.value = literalNumber(text);
    return side;
}

} // namespace

std::optional<Condition> Condition::parse(const QString& expression, QString* error)
{
    for (const QLatin1String op : kOperators) {
        const qsizetype at = expression.indexOf(op);
        if (at < 0)
            continue;
        // Like Go's strings.Split: the right side ends where the operator appears again.
        const qsizetype rightStart = at + op.size();
        const qsizetype next = expression.indexOf(op, rightStart);
        Condition c;
        c.m_expression = expression;
        c.m_op = QString(op).trimmed();
        c.m_left = expression.left(at).trimmed();
        c.m_right = expression.mid(rightStart, next < 0 ? -1 : next - rightStart).trimmed();
        if (const QString why = healthdeckError(c.m_left, c.m_right); !why.isEmpty()) {
            if (error)
                *error = why;
            return std::nullopt;
        }
        return c;
    }
    if (error)
        *error = u"invalid condition: " + expression;
    return std::nullopt;
}

ConditionOutcome Condition::evaluate(const ConditionInput& input) const
{
    static const ProbeResult noResult;
    const ProbeResult& result = input.result ? *input.result : noResult;
    ConditionOutcome out;
    out.display = m_expression;
    if (m_op.isEmpty()) { // a default-constructed Condition
        out.detail = u"invalid condition: " + m_expression;
        return out;
    }
    const auto showValues = [&](bool success) { return success ? input.resolveSuccessful : !input.dontResolveFailed; };
    const std::array<QString, 2> params = { m_left, m_right };

    MetricsSource metrics(result, input.metrics);
    if (isNumericSide(m_left) || isNumericSide(m_right)) {
        QDateTime now = input.now.isValid() ? input.now : result.finishedAt;
        if (!now.isValid())
            now = QDateTime::currentDateTimeUtc();
        const EvalContext ctx { result, now, input.memory, &metrics };
        const std::array<Side, 2> sides = { evaluateSide(m_left, ctx), evaluateSide(m_right, ctx) };
        const auto missing
            = std::find_if(sides.begin(), sides.end(), [](const Side& s) { return !s.value && !s.insufficient; });
        const auto waiting = std::find_if(sides.begin(), sides.end(), [](const Side& s) { return s.insufficient; });
        const auto displayed = [&] {
            std::array<QString, 2> shown;
            for (int i = 0; i < 2; ++i)
                shown[i] = sides[i].shown.isEmpty() ? params[i] : sides[i].shown;
            return prettify(params, shown, m_op);
        };
        if (missing != sides.end()) {
            out.detail = missing->detail;
            if (showValues(false))
                out.display = displayed();
        } else if (waiting != sides.end()) {
            out.insufficientData = true;
            out.detail = waiting->detail;
        } else {
            out.success = compare(*sides[0].value, m_op, *sides[1].value);
            if (showValues(out.success))
                out.display = displayed();
            if (!out.success && (sides[0].age || sides[1].age)) {
                out.ageFailure = true;
                out.detail = sides[0].age ? sides[0].detail : sides[1].detail;
            }
        }
        return out;
    }

    const std::array<QString, 2> resolved = { resolve(m_left, result, &metrics), resolve(m_right, result, &metrics) };
    // A label of a prometheus: series that is not there says so, rather than failing without a word.
    for (int i = 0; i < 2; ++i) {
        if (params[i].startsWith(kLabels, Qt::CaseInsensitive) && resolved[i] == params[i] + kInvalid)
            out.detail = u"the series has no label " + params[i].mid(kLabels.size());
    }
    if (m_op == u"==" || m_op == u"!=") {
        out.success = isEqual(resolved[0], resolved[1]) == (m_op == u"==");
        if (showValues(out.success))
            out.display = prettify(params, resolved, m_op);
        if (out.success)
            out.detail.clear();
        return out;
    }
    const qint64 a = gatusNumber(resolved[0]);
    const qint64 b = gatusNumber(resolved[1]);
    out.success = compare(a, m_op, b);
    if (showValues(out.success)) {
        // Gatus means a duration literal ("1s") to show as written; its formatter would
        // turn "10s" into "1", so the literal is kept instead.
        // [CERTIFICATE_EXPIRATION] shows as Gatus shows it, a duration: "(336h)".
        const auto shown = [](const QString& param, qint64 value) {
            if (param.compare(u"[CERTIFICATE_EXPIRATION]", Qt::CaseInsensitive) == 0)
                return goDurationText(value);
            return goParseDurationNs(param) ? param : QString::number(value);
        };
        out.display = prettify(params, { shown(params[0], a), shown(params[1], b) }, m_op);
    }
    if (out.success)
        out.detail.clear();
    return out;
}

bool Condition::usesMetrics() const
{
    return m_left.contains(QLatin1String("[METRIC]"), Qt::CaseInsensitive)
        || m_right.contains(QLatin1String("[METRIC]"), Qt::CaseInsensitive);
}

} // namespace hd
