#include "promtext.h"

#include <QHash>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace hd::prom {
namespace {

using Bytes = std::string_view;

constexpr double kInf = std::numeric_limits<double>::infinity();

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isLabelStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isLabelChar(char c)
{
    return isLabelStart(c) || isDigit(c);
}
bool isMetricStart(char c)
{
    return isLabelStart(c) || c == ':';
}
bool isMetricChar(char c)
{
    return isLabelChar(c) || c == ':';
}

bool legacyName(Bytes s, bool metric)
{
    if (s.empty() || !(metric ? isMetricStart(s[0]) : isLabelStart(s[0])))
        return false;
    return std::all_of(s.begin() + 1, s.end(), [metric](char c) { return metric ? isMetricChar(c) : isLabelChar(c); });
}

QString text(Bytes s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// Length of the valid UTF-8 sequence at s[i], or 0 (overlong forms and surrogates are invalid, as in Go).
size_t utf8Length(Bytes s, size_t i)
{
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = b(i);
    if (c < 0x80)
        return 1;
    size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi)
        return 0;
    for (size_t k = 2; k < n; ++k) {
        if (b(i + k) < 0x80 || b(i + k) > 0xBF)
            return 0;
    }
    return n;
}

// Offset of the first invalid UTF-8 byte, or npos.
size_t invalidUtf8At(Bytes s)
{
    for (size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const size_t n = utf8Length(s, i);
        if (n == 0)
            return i;
        i += n;
    }
    return Bytes::npos;
}

// Go's %q, which Prometheus' messages use: "a\"b\xbd".
QString goQuote(Bytes s)
{
    QString out = QStringLiteral("\"");
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const size_t n = utf8Length(s, i);
            if (n == 0) {
                out += u"\\x" + QString(QLatin1Char(hex[c >> 4])) + QLatin1Char(hex[c & 15]);
                ++i;
            } else {
                out += text(s.substr(i, n));
                i += n;
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out += u"\\\"";
            break;
        case '\\':
            out += u"\\\\";
            break;
        case '\n':
            out += u"\\n";
            break;
        case '\t':
            out += u"\\t";
            break;
        case '\r':
            out += u"\\r";
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                out += u"\\x" + QString(QLatin1Char(hex[c >> 4])) + QLatin1Char(hex[c & 15]);
            else
                out += QLatin1Char(char(c));
        }
    }
    return out + u'"';
}

QString goQuoteChar(char c)
{
    if (c == '\'')
        return QStringLiteral("'\\''");
    const QString q = goQuote(Bytes(&c, 1));
    return u'\'' + q.mid(1, q.size() - 2) + u'\'';
}

bool equalsIgnoreCase(Bytes a, Bytes b)
{
    return a.size() == b.size()
        && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

// A decimal float as Go's strconv.ParseFloat reads it, without hex or '_' (which neither format allows):
// [+-] digits [. digits] [e [+-] digits], or [+-]Inf/Infinity, or NaN, in any case. Overflow is an error.
std::optional<double> parseFloat(Bytes s)
{
    bool negative = false;
    Bytes rest = s;
    if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
        negative = rest[0] == '-';
        rest.remove_prefix(1);
    }
    if (equalsIgnoreCase(rest, "inf") || equalsIgnoreCase(rest, "infinity"))
        return negative ? -kInf : kInf;
    if (equalsIgnoreCase(s, "nan"))
        return std::numeric_limits<double>::quiet_NaN();
    size_t i = 0;
    size_t intDigits = 0; // significant digits before the point
    size_t leadingFractionZeros = 0;
    bool digits = false;
    bool significant = false;
    while (i < rest.size() && isDigit(rest[i])) {
        significant = significant || rest[i] != '0';
        intDigits += significant ? 1 : 0;
        digits = true;
        ++i;
    }
    if (i < rest.size() && rest[i] == '.') {
        ++i;
        while (i < rest.size() && isDigit(rest[i])) {
            if (!significant && rest[i] == '0')
                ++leadingFractionZeros;
            significant = significant || rest[i] != '0';
            digits = true;
            ++i;
        }
    }
    if (!digits)
        return std::nullopt;
    long long exponent = 0;
    if (i < rest.size() && (rest[i] == 'e' || rest[i] == 'E')) {
        ++i;
        bool negativeExponent = false;
        if (i < rest.size() && (rest[i] == '+' || rest[i] == '-')) {
            negativeExponent = rest[i] == '-';
            ++i;
        }
        const size_t start = i;
        while (i < rest.size() && isDigit(rest[i])) {
            if (exponent < 1'000'000'000)
                exponent = exponent * 10 + (rest[i] - '0');
            ++i;
        }
        if (i == start)
            return std::nullopt;
        if (negativeExponent)
            exponent = -exponent;
    }
    if (i != rest.size())
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
        const long long magnitude
            = intDigits > 0 ? (long long)intDigits + exponent : exponent - (long long)leadingFractionZeros;
        if (magnitude > 0)
            return std::nullopt; // overflow, as Go's ErrRange
        value = 0;
    } else if (ec != std::errc() || end != rest.data() + rest.size()) {
        return std::nullopt;
    }
    return negative ? -value : value;
}

// strconv.ParseInt(s, 10, 64)
std::optional<qint64> parseInt(Bytes s)
{
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty())
        return std::nullopt;
    const quint64 limit = negative ? quint64(1) << 63 : (quint64(1) << 63) - 1;
    quint64 n = 0;
    for (char c : s) {
        if (!isDigit(c))
            return std::nullopt;
        const unsigned d = unsigned(c - '0');
        if (n > (limit - d) / 10)
            return std::nullopt;
        n = n * 10 + d;
    }
    return negative ? qint64(0 - n) : qint64(n);
}

bool endsWith(QStringView s, QLatin1String suffix)
{
    return s.size() > suffix.size() && s.endsWith(suffix);
}

void sortLabels(Labels& labels)
{
    std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

bool hasDuplicateNames(const Labels& sorted)
{
    for (qsizetype i = 1; i < sorted.size(); ++i) {
        if (sorted[i].first == sorted[i - 1].first)
            return true;
    }
    return false;
}

const QString* labelValue(const Labels& labels, QStringView name)
{
    for (const auto& [n, v] : labels) {
        if (n == name)
            return &v;
    }
    return nullptr;
}

// What both parsers share: the output, the line being read and its error.
class ParserBase {
protected:
    ParserBase(Bytes input, Exposition& out)
        : m_input(input)
        , m_out(out)
    {
    }

    bool fail(const QString& message)
    {
        if (!m_out.error)
            m_out.error = ParseError { m_lineNo, message };
        return false;
    }

    // Calls readLine(line, terminated) for each line, stops at the first error.
    template <typename F> void forEachLine(F&& readLine)
    {
        size_t start = 0;
        while (start < m_input.size() && !m_out.error) {
            const size_t newline = m_input.find('\n', start);
            const bool terminated = newline != Bytes::npos;
            const size_t end = terminated ? newline : m_input.size();
            ++m_lineNo;
            m_line = m_input.substr(start, end - start);
            m_pos = 0;
            readLine(terminated);
            start = end + 1;
        }
    }

    bool atEnd() const { return m_pos >= m_line.size(); }
    char current() const { return atEnd() ? '\n' : m_line[m_pos]; }
    void skipBlanks()
    {
        while (m_pos < m_line.size() && isBlank(m_line[m_pos]))
            ++m_pos;
    }
    Bytes tokenUntilBlank()
    {
        const size_t start = m_pos;
        while (m_pos < m_line.size() && !isBlank(m_line[m_pos]))
            ++m_pos;
        return m_line.substr(start, m_pos - start);
    }

    // Sample names repeat line after line: share one QString while the bytes stay the same.
    QString sampleName(Bytes name)
    {
        if (name != m_lastNameBytes || m_lastName.isNull()) {
            m_lastNameBytes = name;
            m_lastName = text(name);
        }
        return m_lastName;
    }

    // Families that never got a sample are left out, as Prometheus does.
    void dropEmptyFamilies()
    {
        QList<qsizetype> newIndex(m_out.families.size(), -1);
        QList<bool> used(m_out.families.size(), false);
        for (const Sample& s : std::as_const(m_out.samples))
            used[s.family] = true;
        QList<Family> kept;
        for (qsizetype i = 0; i < m_out.families.size(); ++i) {
            if (used[i]) {
                newIndex[i] = kept.size();
                kept.append(std::move(m_out.families[i]));
            }
        }
        m_out.families = std::move(kept);
        for (Sample& s : m_out.samples)
            s.family = newIndex[s.family];
    }

    Bytes m_input;
    Exposition& m_out;
    Bytes m_line;
    size_t m_pos = 0;
    int m_lineNo = 0;
    std::string m_lastNameBytes; // a copy: the bytes may come from a buffer that is gone
    QString m_lastName;
};

// ---- text format 0.0.4, after prometheus/common expfmt's TextParser and its messages ----

class TextParser : ParserBase {
public:
    TextParser(Bytes input, NameScheme scheme, Exposition& out)
        : ParserBase(input, out)
        , m_legacy(scheme == NameScheme::Legacy)
    {
    }

    void run()
    {
        forEachLine([this](bool terminated) {
            m_terminated = terminated;
            if (readLine() && !terminated) {
                skipBlanksFromStart();
                if (!m_line.empty())
                    fail(QStringLiteral("unexpected end of input stream"));
            }
        });
        dropEmptyFamilies();
    }

private:
    struct State {
        bool typeSet = false;
        bool helpSet = false;
    };

    void skipBlanksFromStart()
    {
        size_t i = 0;
        while (i < m_line.size() && isBlank(m_line[i]))
            ++i;
        m_line = m_line.substr(i);
    }

    // The end of a line inside a quoted token: a new-line in the input, or the end of the input.
    bool failInsideQuotes(const QString& message)
    {
        return fail(m_terminated ? message : QStringLiteral("unexpected end of input stream"));
    }

    // A metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]*, or any UTF-8 in double quotes.
    bool readName(bool metric, QByteArray& name, bool& quoted)
    {
        name.clear();
        quoted = current() == '"';
        if (!quoted) {
            if (atEnd() || !(metric ? isMetricStart(m_line[m_pos]) : isLabelStart(m_line[m_pos])))
                return true;
            const size_t start = m_pos++;
            while (m_pos < m_line.size() && (metric ? isMetricChar(m_line[m_pos]) : isLabelChar(m_line[m_pos])))
                ++m_pos;
            name = QByteArray(m_line.data() + start, qsizetype(m_pos - start));
            return true;
        }
        ++m_pos;
        while (true) {
            if (atEnd()) {
                const QString what = metric ? QStringLiteral("metric name") : QStringLiteral("label name");
                return failInsideQuotes(what + u' ' + goQuote(Bytes(name.constData(), size_t(name.size())))
                    + u" contains unescaped new-line");
            }
            const char c = m_line[m_pos++];
            if (c == '"')
                break;
            if (c != '\\') {
                name.append(c);
                continue;
            }
            const char e = current();
            if (e == '\\' || e == '"')
                name.append(e);
            else if (e == 'n')
                name.append('\n');
            else if (!atEnd())
                return fail(u"invalid escape sequence '\\" + QString(QLatin1Char(e)) + u'\'');
            else
                return failInsideQuotes(QStringLiteral("unexpected end of input stream"));
            ++m_pos;
        }
        if (invalidUtf8At(Bytes(name.constData(), size_t(name.size()))) != Bytes::npos)
            return fail(u"invalid " + (metric ? QStringLiteral("metric") : QStringLiteral("label")) + u" name "
                + goQuote(Bytes(name.constData(), size_t(name.size()))));
        return true;
    }

    // Quoted names pass only if the legacy scheme would also take them unquoted.
    bool checkScheme(const QByteArray& name, bool quoted, bool metric)
    {
        if (!m_legacy || !quoted || legacyName(name.toStdString(), metric))
            return true;
        return fail(u"invalid " + (metric ? QStringLiteral("metric") : QStringLiteral("label")) + u" name "
            + goQuote(name.toStdString()));
    }

    // expfmt's setOrCreateCurrentMF: x_sum and x_count belong to summary x, x_bucket to histogram x.
    qsizetype familyFor(const QString& name)
    {
        if (const auto it = m_byName.constFind(name); it != m_byName.cend())
            return it.value();
        const auto typed = [&](QLatin1String suffix, std::initializer_list<MetricType> types) -> qsizetype {
            if (!endsWith(name, suffix))
                return -1;
            const auto it = m_byName.constFind(name.chopped(suffix.size()));
            if (it == m_byName.cend())
                return -1;
            const MetricType t = m_out.families[it.value()].type;
            return std::find(types.begin(), types.end(), t) != types.end() ? it.value() : -1;
        };
        for (const auto suffix : { QLatin1String("_count"), QLatin1String("_sum") }) {
            if (const qsizetype f = typed(suffix, { MetricType::Summary }); f >= 0)
                return f;
        }
        for (const auto suffix : { QLatin1String("_count"), QLatin1String("_sum"), QLatin1String("_bucket") }) {
            if (const qsizetype f = typed(suffix, { MetricType::Histogram, MetricType::GaugeHistogram }); f >= 0)
                return f;
        }
        m_out.families.append(Family { name, MetricType::Unknown, {}, {} });
        m_state.append(State {});
        m_byName.insert(name, m_out.families.size() - 1);
        return m_out.families.size() - 1;
    }

    bool readLine()
    {
        skipBlanks();
        if (atEnd())
            return true;
        if (current() == '#')
            return readComment();
        m_family = -1;
        m_labels.clear();
        if (current() == '{') {
            ++m_pos;
            return readLabels(true);
        }
        QByteArray name;
        bool quoted = false;
        if (!readName(true, name, quoted))
            return false;
        if (name.isEmpty())
            return fail(QStringLiteral("invalid metric name"));
        if (!checkScheme(name, quoted, true))
            return false;
        setFamily(name);
        skipBlanks();
        if (current() == '{') {
            ++m_pos;
            return readLabels(false);
        }
        return readValue();
    }

    void setFamily(const QByteArray& name)
    {
        m_name = sampleName(Bytes(name.constData(), size_t(name.size())));
        m_family = familyFor(m_name);
        m_state[m_family].typeSet = true; // a sample fixes the type: a later TYPE line is an error
    }

    MetricType familyType() const { return m_family < 0 ? MetricType::Unknown : m_out.families[m_family].type; }

    bool readComment()
    {
        ++m_pos;
        skipBlanks();
        if (atEnd())
            return true;
        const Bytes keyword = tokenUntilBlank();
        if (atEnd() || (keyword != "HELP" && keyword != "TYPE"))
            return true; // a plain comment
        skipBlanks();
        QByteArray name;
        bool quoted = false;
        if (!readName(true, name, quoted))
            return false;
        if (atEnd())
            return true;
        if (!isBlank(current()) || name.isEmpty())
            return fail(QStringLiteral("invalid metric name in comment"));
        if (!checkScheme(name, quoted, true))
            return false;
        const qsizetype family = familyFor(text(Bytes(name.constData(), size_t(name.size()))));
        skipBlanks();
        if (atEnd())
            return true;
        Family& f = m_out.families[family];
        State& state = m_state[family];
        if (keyword == "HELP") {
            if (state.helpSet)
                return fail(u"second HELP line for metric name " + goQuote(name.toStdString()));
            QByteArray help;
            for (; m_pos < m_line.size(); ++m_pos) {
                const char c = m_line[m_pos];
                if (c != '\\') {
                    help.append(c);
                    continue;
                }
                const char e = ++m_pos < m_line.size() ? m_line[m_pos] : '\n';
                if (e == '\\' || e == '"')
                    help.append(e);
                else if (e == 'n')
                    help.append('\n');
                else if (e == '\n')
                    return fail(m_terminated ? QStringLiteral("invalid escape sequence '\\\n'")
                                             : QStringLiteral("unexpected end of input stream"));
                else
                    return fail(u"invalid escape sequence '\\" + QString(QLatin1Char(e)) + u'\'');
            }
            f.help = QString::fromUtf8(help);
            state.helpSet = true;
            return true;
        }
        if (state.typeSet)
            return fail(u"second TYPE line for metric name " + goQuote(name.toStdString())
                + u", or TYPE reported after samples");
        const Bytes word = m_line.substr(m_pos);
        static const std::pair<Bytes, MetricType> types[] = {
            { "counter", MetricType::Counter },
            { "gauge", MetricType::Gauge },
            { "summary", MetricType::Summary },
            { "untyped", MetricType::Unknown },
            { "histogram", MetricType::Histogram },
            { "gauge_histogram", MetricType::GaugeHistogram },
            { "gaugehistogram", MetricType::GaugeHistogram },
        };
        const auto it = std::find_if(
            std::begin(types), std::end(types), [&](const auto& t) { return equalsIgnoreCase(word, t.first); });
        if (it == std::end(types))
            return fail(u"unknown metric type " + goQuote(word));
        f.type = it->second;
        state.typeSet = true;
        return true;
    }

    bool readLabels(bool nameInBraces)
    {
        const bool needName = nameInBraces;
        bool haveName = !nameInBraces;
        const auto familyName = [&] { return goQuote(m_family < 0 ? Bytes() : m_name.toStdString()); };
        while (true) {
            skipBlanks();
            if (current() == '}') {
                ++m_pos;
                if (needName && !haveName)
                    return fail(QStringLiteral("invalid metric name"));
                skipBlanks();
                return readValue();
            }
            QByteArray name;
            bool quoted = false;
            if (!readName(false, name, quoted))
                return false;
            if (name.isEmpty())
                return fail(u"invalid label name for metric " + familyName());
            skipBlanks();
            if (current() != '=') {
                if (!nameInBraces || (current() != ',' && current() != '}'))
                    return fail(nameInBraces
                            ? QString(u"unexpected end of metric name " + goQuote(name.toStdString()))
                            : QString(u"expected '=' after label name, found " + goQuoteChar(current())));
                if (haveName)
                    return fail(QStringLiteral("multiple metric names"));
                if (!checkScheme(name, quoted, true))
                    return false;
                haveName = true;
                setFamily(name);
                if (current() == ',')
                    ++m_pos;
                continue;
            }
            ++m_pos;
            if (name == "__name__")
                return fail(QStringLiteral("label name \"__name__\" is reserved"));
            if (!checkScheme(name, quoted, false))
                return false;
            skipBlanks();
            if (current() != '"')
                return fail(u"expected '\"' at start of label value, found " + goQuoteChar(current()));
            ++m_pos;
            QByteArray value;
            while (true) {
                if (atEnd())
                    return failInsideQuotes(
                        u"label value " + goQuote(value.toStdString()) + u" contains unescaped new-line");
                const char c = m_line[m_pos++];
                if (c == '"')
                    break;
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (atEnd())
                    return failInsideQuotes(QStringLiteral("invalid escape sequence '\\\n'"));
                const char e = m_line[m_pos++];
                if (e == '\\' || e == '"')
                    value.append(e);
                else if (e == 'n')
                    value.append('\n');
                else
                    return fail(u"invalid escape sequence '\\" + QString(QLatin1Char(e)) + u'\'');
            }
            const Bytes valueBytes(value.constData(), size_t(value.size()));
            if (invalidUtf8At(valueBytes) != Bytes::npos)
                return fail(u"invalid label value " + goQuote(valueBytes));
            const MetricType type = familyType();
            if (type == MetricType::Summary && name == "quantile" && !parseFloat(valueBytes))
                return fail(u"expected float as value for 'quantile' label, got " + goQuote(valueBytes));
            if ((type == MetricType::Histogram || type == MetricType::GaugeHistogram) && name == "le"
                && !parseFloat(valueBytes))
                return fail(u"expected float as value for 'le' label, got " + goQuote(valueBytes));
            m_labels.append({ QString::fromUtf8(name), QString::fromUtf8(value) });
            skipBlanks();
            if (current() == ',') {
                ++m_pos;
            } else if (current() != '}') {
                return fail(u"unexpected end of label value " + goQuote(valueBytes));
            }
        }
    }

    bool readValue()
    {
        const Bytes token = tokenUntilBlank();
        const std::optional<double> value = parseFloat(token);
        if (!value)
            return fail(u"expected float as value, got " + goQuote(token));
        sortLabels(m_labels);
        if (hasDuplicateNames(m_labels))
            return fail(u"duplicate label names for metric " + goQuote(m_name.toStdString()));
        const Family& family = m_out.families[m_family];
        if (family.type == MetricType::Histogram || family.type == MetricType::GaugeHistogram) {
            if (*value < 0 && endsWith(QStringView(m_name), QLatin1String("_count")) && m_name != family.name)
                return fail(u"negative count for histogram " + goQuote(family.name.toStdString()));
            if (*value < 0 && labelValue(m_labels, u"le") && !endsWith(QStringView(m_name), QLatin1String("_sum")))
                return fail(u"negative bucket population for histogram " + goQuote(family.name.toStdString()));
        }
        Sample sample;
        sample.name = m_name;
        sample.labels = std::move(m_labels);
        sample.value = *value;
        sample.family = m_family;
        sample.line = m_lineNo;
        skipBlanks();
        if (!atEnd()) {
            const Bytes stamp = tokenUntilBlank();
            const std::optional<qint64> ms = parseInt(stamp);
            if (!ms)
                return fail(u"expected integer as timestamp, got " + goQuote(stamp));
            sample.timestampMs = double(*ms);
            skipBlanks();
            if (!atEnd())
                return fail(u"spurious string after timestamp: " + goQuote(m_line.substr(m_pos)));
        }
        m_out.samples.append(std::move(sample));
        m_labels = {};
        return true;
    }

    bool m_legacy;
    bool m_terminated = true;
    QHash<QString, qsizetype> m_byName;
    QList<State> m_state;
    qsizetype m_family = -1;
    QString m_name;
    Labels m_labels;
};

// ---- OpenMetrics 1.0, strict: what the OpenMetrics test suite demands ----

// The state of OpenMetrics reading: the family being read, and its label set being read.
struct OmMetric { // one label set of the current family
    QString key;
    bool bucket = false;
    double lastLe = 0;
    double lastBucket = 0;
    bool hasInf = false;
    double infValue = 0;
    bool negativeBucket = false;
    std::optional<double> count;
    std::optional<double> sum;
};
struct OmFamily {
    qsizetype index = -1;
    QString name;
    MetricType type = MetricType::Unknown;
    QList<QString> sampleNames; // what the family's samples may be called
    bool typeSet = false, helpSet = false, unitSet = false, hasSamples = false;
    std::optional<OmMetric> metric;
    QSet<QString> finishedMetrics;
    QHash<QString, std::optional<double>> seriesTimestamps;
};

class OpenMetricsParser : ParserBase {
public:
    OpenMetricsParser(Bytes input, Exposition& out)
        : ParserBase(input, out)
    {
    }

    void run()
    {
        if (const size_t bad = invalidUtf8At(m_input); bad != Bytes::npos) {
            m_lineNo = int(std::count(m_input.begin(), m_input.begin() + qsizetype(bad), '\n')) + 1;
            fail(QStringLiteral("invalid UTF-8"));
            return;
        }
        bool eof = false;
        forEachLine([&](bool terminated) {
            if (eof) {
                fail(QStringLiteral("text after \"# EOF\""));
                return;
            }
            if (m_line == "# EOF") {
                eof = true;
                if (terminated && m_input.size() > size_t(m_line.data() - m_input.data()) + m_line.size() + 1) {
                    ++m_lineNo;
                    fail(QStringLiteral("text after \"# EOF\""));
                }
                return;
            }
            if (m_line.empty()) {
                fail(QStringLiteral("blank line"));
                return;
            }
            if (m_line[0] == '#' ? readMetadata() : readSample()) {
                if (!terminated)
                    fail(QStringLiteral("the last line does not end with a new-line"));
            }
        });
        if (m_out.error)
            return;
        if (!eof) {
            ++m_lineNo;
            fail(QStringLiteral("no \"# EOF\" at the end"));
            return;
        }
        if (finishFamily())
            dropEmptyFamilies();
    }

private:
    static QList<QString> sampleNames(const QString& name, MetricType type)
    {
        const auto with = [&](std::initializer_list<const char16_t*> suffixes) {
            QList<QString> out;
            for (const char16_t* s : suffixes)
                out.append(name + QStringView(s));
            return out;
        };
        switch (type) {
        case MetricType::Counter:
            return with({ u"_total", u"_created" });
        case MetricType::Summary:
            return with({ u"", u"_sum", u"_count", u"_created" });
        case MetricType::Histogram:
            return with({ u"_bucket", u"_sum", u"_count", u"_created" });
        case MetricType::GaugeHistogram:
            return with({ u"_bucket", u"_gsum", u"_gcount" });
        case MetricType::Info:
            return with({ u"_info" });
        case MetricType::Unknown:
        case MetricType::Gauge:
        case MetricType::StateSet:
            break;
        }
        return { name };
    }

    bool claim(const QList<QString>& names)
    {
        for (const QString& n : names) {
            const auto it = m_claimed.constFind(n);
            if (it != m_claimed.cend() && it.value() != m_current.index)
                return fail(u"name " + n + u" clashes with an earlier metric family");
            m_claimed.insert(n, m_current.index);
        }
        return true;
    }

    bool startFamily(const QString& name)
    {
        if (!finishFamily())
            return false;
        if (m_claimed.contains(name))
            return fail(u"metric family " + name + u" appears twice or clashes with an earlier one");
        m_out.families.append(Family { name, MetricType::Unknown, {}, {} });
        m_current = OmFamily {};
        m_current.index = m_out.families.size() - 1;
        m_current.name = name;
        m_current.sampleNames = { name };
        return claim({ name });
    }

    bool finishFamily()
    {
        if (m_current.index >= 0 && m_current.metric && !finishMetric())
            return false;
        m_current.metric.reset();
        return true;
    }

    bool finishMetric()
    {
        const OmMetric& m = *m_current.metric;
        const MetricType type = m_current.type;
        if (type != MetricType::Histogram && type != MetricType::GaugeHistogram)
            return true;
        const QString& name = m_current.name;
        if (!m.hasInf)
            return fail(u"histogram " + name + u" has no +Inf bucket");
        if (m.count.has_value() != m.sum.has_value())
            return fail(u"histogram " + name + u" needs both its count and its sum, or neither");
        if (m.count && *m.count != m.infValue)
            return fail(u"histogram " + name + u": the count differs from the +Inf bucket");
        if (type == MetricType::Histogram && m.sum && m.negativeBucket)
            return fail(u"histogram " + name + u" has negative buckets and a _sum");
        if (type == MetricType::GaugeHistogram && m.sum && *m.sum < 0 && !m.negativeBucket)
            return fail(u"gauge histogram " + name + u" has a negative _gsum without negative buckets");
        return true;
    }

    bool readMetadata()
    {
        Bytes rest = m_line;
        Bytes keyword;
        for (const Bytes k : { Bytes("# HELP "), Bytes("# TYPE "), Bytes("# UNIT ") }) {
            if (rest.substr(0, k.size()) == k) {
                keyword = k.substr(2, 4);
                rest.remove_prefix(k.size());
            }
        }
        if (keyword.empty())
            return fail(QStringLiteral("expected \"# HELP\", \"# TYPE\", \"# UNIT\" or \"# EOF\""));
        size_t n = 0;
        while (n < rest.size() && (n == 0 ? isMetricStart(rest[n]) : isMetricChar(rest[n])))
            ++n;
        if (n == 0)
            return fail(QStringLiteral("invalid metric name"));
        if (n >= rest.size() || rest[n] != ' ')
            return fail(u"expected a space after the metric name in # " + text(keyword));
        const QString name = text(rest.substr(0, n));
        const Bytes value = rest.substr(n + 1);
        if (m_current.index < 0 || name != m_current.name) {
            if (!startFamily(name))
                return false;
        } else if (m_current.hasSamples) {
            return fail(u"# " + text(keyword) + u" for " + name + u" after its samples");
        }
        Family& f = m_out.families[m_current.index];
        if (keyword == "HELP") {
            if (m_current.helpSet)
                return fail(u"second # HELP for " + name);
            m_current.helpSet = true;
            f.help = unescape(value);
            return true;
        }
        if (keyword == "TYPE") {
            if (m_current.typeSet)
                return fail(u"second # TYPE for " + name);
            static const std::pair<Bytes, MetricType> types[] = {
                { "counter", MetricType::Counter },
                { "gauge", MetricType::Gauge },
                { "histogram", MetricType::Histogram },
                { "gaugehistogram", MetricType::GaugeHistogram },
                { "stateset", MetricType::StateSet },
                { "info", MetricType::Info },
                { "summary", MetricType::Summary },
                { "unknown", MetricType::Unknown },
            };
            const auto it
                = std::find_if(std::begin(types), std::end(types), [&](const auto& t) { return t.first == value; });
            if (it == std::end(types))
                return fail(u"unknown metric type " + goQuote(value));
            m_current.typeSet = true;
            m_current.type = f.type = it->second;
            if (!f.unit.isEmpty() && (f.type == MetricType::Info || f.type == MetricType::StateSet))
                return fail(u"an " + typeName(f.type).toString() + u" metric cannot have a unit");
            m_current.sampleNames = sampleNames(name, f.type);
            return claim(m_current.sampleNames);
        }
        if (m_current.unitSet)
            return fail(u"second # UNIT for " + name);
        m_current.unitSet = true;
        if (!std::all_of(value.begin(), value.end(), isMetricChar))
            return fail(u"invalid unit " + goQuote(value));
        f.unit = text(value);
        if (!f.unit.isEmpty() && !name.endsWith(u'_' + f.unit))
            return fail(u"metric name " + name + u" does not end with its unit _" + f.unit);
        if (!f.unit.isEmpty() && (f.type == MetricType::Info || f.type == MetricType::StateSet))
            return fail(u"an " + typeName(f.type).toString() + u" metric cannot have a unit");
        return true;
    }

    // HELP text: \\, \" and \n; any other escape stays as written.
    static QString unescape(Bytes s)
    {
        QByteArray out;
        out.reserve(qsizetype(s.size()));
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '\\' || i + 1 == s.size()) {
                out.append(s[i]);
                continue;
            }
            const char e = s[++i];
            if (e == 'n')
                out.append('\n');
            else if (e == '\\' || e == '"')
                out.append(e);
            else
                out.append('\\').append(e);
        }
        return QString::fromUtf8(out);
    }

    bool readLabels(Labels& labels)
    {
        ++m_pos; // '{'
        if (current() == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            const size_t start = m_pos;
            while (m_pos < m_line.size() && (m_pos == start ? isLabelStart(m_line[m_pos]) : isLabelChar(m_line[m_pos])))
                ++m_pos;
            if (m_pos == start)
                return fail(QStringLiteral("invalid label name"));
            const Bytes name = m_line.substr(start, m_pos - start);
            if (current() != '=' || (++m_pos, current() != '"'))
                return fail(u"expected =\" after label name " + text(name));
            ++m_pos;
            QByteArray value;
            while (true) {
                if (atEnd())
                    return fail(u"unterminated value of label " + text(name));
                const char c = m_line[m_pos++];
                if (c == '"')
                    break;
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (atEnd())
                    return fail(u"unterminated value of label " + text(name));
                const char e = m_line[m_pos++];
                if (e == 'n')
                    value.append('\n');
                else if (e == '\\' || e == '"')
                    value.append(e);
                else
                    value.append('\\').append(e);
            }
            labels.append({ text(name), QString::fromUtf8(value) });
            if (current() == '}') {
                ++m_pos;
                break;
            }
            if (current() != ',')
                return fail(u"expected , or } after the value of label " + text(name));
            ++m_pos;
        }
        sortLabels(labels);
        if (hasDuplicateNames(labels))
            return fail(QStringLiteral("duplicate label names"));
        return true;
    }

    Bytes tokenUntilSpace()
    {
        const size_t start = m_pos;
        while (m_pos < m_line.size() && m_line[m_pos] != ' ')
            ++m_pos;
        return m_line.substr(start, m_pos - start);
    }

    bool readTimestamp(std::optional<double>& out)
    {
        const Bytes token = tokenUntilSpace();
        const std::optional<double> t = parseFloat(token);
        if (!t || !std::isfinite(*t))
            return fail(u"invalid timestamp " + goQuote(token));
        out = *t;
        return true;
    }

    bool readExemplar(Exemplar& e)
    {
        if (m_line.substr(m_pos, 3) != "# {")
            return fail(QStringLiteral("expected \"# {\" to start an exemplar"));
        m_pos += 2;
        if (!readLabels(e.labels))
            return false;
        qsizetype length = 0;
        for (const auto& [n, v] : std::as_const(e.labels))
            length
                += n.size() + v.size() - std::count_if(v.begin(), v.end(), [](QChar c) { return c.isLowSurrogate(); });
        if (length > 128)
            return fail(QStringLiteral("exemplar labels longer than 128 characters"));
        if (current() != ' ')
            return fail(QStringLiteral("expected a space before the exemplar value"));
        ++m_pos;
        const Bytes token = tokenUntilSpace();
        const std::optional<double> value = parseFloat(token);
        if (!value)
            return fail(u"invalid exemplar value " + goQuote(token));
        e.value = *value;
        if (atEnd())
            return true;
        ++m_pos;
        if (!readTimestamp(e.timestamp))
            return false;
        return atEnd() || fail(QStringLiteral("text after the exemplar"));
    }

    bool readSample()
    {
        size_t n = 0;
        while (n < m_line.size() && (n == 0 ? isMetricStart(m_line[n]) : isMetricChar(m_line[n])))
            ++n;
        if (n == 0)
            return fail(QStringLiteral("invalid metric name"));
        Sample sample;
        sample.name = sampleName(m_line.substr(0, n));
        sample.line = m_lineNo;
        m_pos = n;
        if (current() == '{' && !readLabels(sample.labels))
            return false;
        if (current() != ' ')
            return fail(u"expected a space before the value of " + sample.name);
        ++m_pos;
        const Bytes token = tokenUntilSpace();
        const std::optional<double> value = parseFloat(token);
        if (!value)
            return fail(u"invalid value " + goQuote(token));
        sample.value = *value;
        std::optional<double> seconds;
        if (!atEnd()) {
            ++m_pos;
            if (current() != '#' && !readTimestamp(seconds))
                return false;
            if (!atEnd()) {
                if (seconds) {
                    if (m_line.substr(m_pos, 2) != " #")
                        return fail(QStringLiteral("text after the timestamp"));
                    ++m_pos;
                }
                sample.exemplar.emplace();
                if (!readExemplar(*sample.exemplar))
                    return false;
            }
        }
        if (seconds)
            sample.timestampMs = *seconds * 1000;
        if (m_current.index < 0 || !m_current.sampleNames.contains(sample.name)) {
            if (!startFamily(sample.name))
                return false;
        }
        m_current.hasSamples = true;
        sample.family = m_current.index;
        if (!checkSample(sample, seconds))
            return false;
        m_out.samples.append(std::move(sample));
        return true;
    }

    static QString labelsKey(const Labels& labels, QStringView skip)
    {
        QString key;
        for (const auto& [n, v] : labels) {
            if (n != skip)
                key += n + u'\x1f' + v + u'\x1e';
        }
        return key;
    }

    bool checkSample(const Sample& s, std::optional<double> seconds)
    {
        const MetricType type = m_current.type;
        const QString& family = m_current.name;
        const QStringView suffix = QStringView(s.name).mid(family.size());
        const bool histogram = type == MetricType::Histogram || type == MetricType::GaugeHistogram;
        const bool bucket = histogram && suffix == u"_bucket";
        const bool quantile = type == MetricType::Summary && suffix.isEmpty();

        if (s.exemplar && !(bucket || (type == MetricType::Counter && suffix == u"_total")))
            return fail(u"exemplar on " + s.name + u": only counter totals and histogram buckets have exemplars");

        const QString key = labelsKey(s.labels, bucket ? u"le" : quantile ? u"quantile" : u"");
        if (!m_current.metric || m_current.metric->key != key) {
            if (m_current.metric) {
                if (!finishMetric())
                    return false;
                m_current.finishedMetrics.insert(m_current.metric->key);
            }
            if (m_current.finishedMetrics.contains(key))
                return fail(u"the samples of one " + family + u" metric are not together");
            m_current.metric.emplace();
            m_current.metric->key = key;
        }

        const QString series = s.name + u'\x1d' + labelsKey(s.labels, {});
        const auto seen = m_current.seriesTimestamps.constFind(series);
        if (seen != m_current.seriesTimestamps.cend()) {
            if (!seen.value() || !seconds)
                return fail(u"duplicate sample of " + s.name + u", or one with and one without timestamp");
            if (*seconds < *seen.value())
                return fail(u"timestamps of " + s.name + u" go backwards");
        }
        m_current.seriesTimestamps.insert(series, seconds);

        const double v = s.value;
        const auto nonNegative
            = [&] { return (std::isnan(v) || v < 0) ? fail(s.name + u" must not be negative or NaN") : true; };
        OmMetric& m = *m_current.metric;
        switch (type) {
        case MetricType::Counter:
            return suffix == u"_total" ? nonNegative() : true;
        case MetricType::StateSet:
            if (!labelValue(s.labels, family))
                return fail(u"stateset " + family + u" needs a label named " + family);
            return (v == 0 || v == 1) || fail(QStringLiteral("a stateset value is 0 or 1"));
        case MetricType::Info:
            return v == 1 || fail(QStringLiteral("an info value is 1"));
        case MetricType::Summary:
            if (quantile) {
                const QString* q = labelValue(s.labels, u"quantile");
                const std::optional<double> qv = q ? parseFloat(q->toStdString()) : std::nullopt;
                if (!qv || !(*qv >= 0 && *qv <= 1))
                    return fail(u"summary " + family + u" needs a quantile label between 0 and 1");
                return (std::isnan(v) || v >= 0) || fail(s.name + u" must not be negative");
            }
            return (suffix == u"_sum" || suffix == u"_count") ? nonNegative() : true;
        case MetricType::Histogram:
        case MetricType::GaugeHistogram:
            if (bucket) {
                const QString* le = labelValue(s.labels, u"le");
                const std::optional<double> bound = le ? parseFloat(le->toStdString()) : std::nullopt;
                if (!bound || std::isnan(*bound) || (std::isinf(*bound) && *le != u"+Inf"))
                    return fail(u"histogram " + family + u" needs an le label (a number, or +Inf)");
                if (!nonNegative())
                    return false;
                if (m.bucket && (*bound <= m.lastLe || v < m.lastBucket))
                    return fail(u"the buckets of histogram " + family + u" are out of order");
                m.bucket = true;
                m.lastLe = *bound;
                m.lastBucket = v;
                m.negativeBucket = m.negativeBucket || *bound < 0;
                if (std::isinf(*bound)) {
                    m.hasInf = true;
                    m.infValue = v;
                }
                return true;
            }
            if (suffix == u"_count" || suffix == u"_gcount") {
                m.count = v;
                return nonNegative();
            }
            if (suffix == u"_sum" || suffix == u"_gsum") {
                m.sum = v;
                return suffix == u"_gsum" ? (!std::isnan(v) || fail(s.name + u" must not be NaN")) : nonNegative();
            }
            return true;
        case MetricType::Gauge:
        case MetricType::Unknown:
            break;
        }
        return true;
    }

    OmFamily m_current;
    QHash<QString, qsizetype> m_claimed;
};

} // namespace

QString ParseError::toString() const
{
    return QStringLiteral("text format parsing error in line %1: %2").arg(line).arg(message);
}

const Family* Exposition::familyOf(const Sample& sample) const
{
    return sample.family >= 0 && sample.family < families.size() ? &families[sample.family] : nullptr;
}

QList<qsizetype> Exposition::find(QStringView name, const Labels& labels) const
{
    QList<qsizetype> out;
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const Sample& s = samples[i];
        if (s.name != name)
            continue;
        const bool all = std::all_of(labels.begin(), labels.end(), [&](const auto& pair) {
            const QString* v = labelValue(s.labels, pair.first);
            return v && *v == pair.second;
        });
        if (all)
            out.append(i);
    }
    return out;
}

Exposition parse(QByteArrayView input, Format format, NameScheme names)
{
    Exposition out;
    out.format = format;
    const Bytes bytes(input.data(), size_t(input.size()));
    if (format == Format::OpenMetrics)
        OpenMetricsParser(bytes, out).run();
    else
        TextParser(bytes, names, out).run();
    return out;
}

bool isExpositionContentType(QByteArrayView contentType)
{
    const QByteArray type = contentType.toByteArray().toLower();
    if (type.startsWith("application/openmetrics-text"))
        return true;
    return type.startsWith("text/plain") && type.contains("version=0.0.4");
}

Format formatOf(QByteArrayView contentType, QByteArrayView body)
{
    const QByteArray type = contentType.toByteArray().toLower();
    if (type.startsWith("application/openmetrics-text"))
        return Format::OpenMetrics;
    if (isExpositionContentType(contentType))
        return Format::Text;
    const QByteArrayView end = body.endsWith('\n') ? body.chopped(1) : body;
    return end == "# EOF" || end.endsWith("\n# EOF") ? Format::OpenMetrics : Format::Text;
}

QStringView typeName(MetricType type)
{
    switch (type) {
    case MetricType::Counter:
        return u"counter";
    case MetricType::Gauge:
        return u"gauge";
    case MetricType::Histogram:
        return u"histogram";
    case MetricType::GaugeHistogram:
        return u"gaugehistogram";
    case MetricType::Summary:
        return u"summary";
    case MetricType::Info:
        return u"info";
    case MetricType::StateSet:
        return u"stateset";
    case MetricType::Unknown:
        break;
    }
    return u"unknown";
}

bool isValidMetricName(QStringView name)
{
    return legacyName(name.toUtf8().toStdString(), true);
}

bool isValidLabelName(QStringView name)
{
    return legacyName(name.toUtf8().toStdString(), false);
}

// Backslash, new-line and (in label values) the double quote, escaped as both formats read them.
static QString escaped(QStringView text, bool quotes)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\\')
            out += u"\\\\";
        else if (c == u'"' && quotes)
            out += u"\\\"";
        else if (c == u'\n')
            out += u"\\n";
        else
            out += c;
    }
    return out;
}

QString escapeLabelValue(QStringView value)
{
    return escaped(value, true);
}

QString escapeHelp(QStringView help)
{
    return escaped(help, false);
}

QString formatValue(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

} // namespace hd::prom
