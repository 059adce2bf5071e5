#include "jsonpath.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace hd {
namespace {

// Shortest round-trip digits of a finite double and its decimal exponent:
// 123.4 -> ("1234", 2).
struct Digits {
    bool negative = false;
    QByteArray digits;
    int exponent = 0;
};

Digits shortestDigits(double value)
{
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const QByteArray text(buf, res.ptr - buf); // "-1.234e+02"
    Digits d;
    const qsizetype e = text.indexOf('e');
    QByteArray mantissa = text.left(e);
    if (mantissa.startsWith('-')) {
        d.negative = true;
        mantissa.remove(0, 1);
    }
    d.digits = mantissa.replace(".", "");
    d.exponent = text.mid(e + 1).toInt();
    return d;
}

QString renderFixed(const Digits& d)
{
    QByteArray out;
    if (d.exponent < 0) {
        out = "0." + QByteArray(-d.exponent - 1, '0') + d.digits;
    } else if (d.digits.size() <= d.exponent + 1) {
        out = d.digits + QByteArray(d.exponent + 1 - d.digits.size(), '0');
    } else {
        out = d.digits.left(d.exponent + 1) + '.' + d.digits.mid(d.exponent + 1);
    }
    return QString::fromLatin1((d.negative ? "-" : "") + out);
}

QString renderExponent(const Digits& d, int minExponentDigits)
{
    QByteArray out = d.digits.left(1);
    if (d.digits.size() > 1)
        out += '.' + d.digits.mid(1);
    out += d.exponent < 0 ? "e-" : "e+";
    out += QByteArray::number(std::abs(d.exponent)).rightJustified(minExponentDigits, '0');
    return QString::fromLatin1((d.negative ? "-" : "") + out);
}

QString specialFloat(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
}

// encoding/json's float64: fixed notation unless tiny or huge, then "1e-7" style.
QString jsonFloat(double value)
{
    if (!std::isfinite(value))
        return specialFloat(value);
    const double abs = std::fabs(value);
    const Digits d = shortestDigits(value);
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        return renderExponent(d, 1);
    return renderFixed(d);
}

// encoding/json string escaping, HTML-safe like json.Marshal.
QString jsonString(const QString& s)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : s) {
        switch (c.unicode()) {
        case '"':
            out += u"\\\"";
            break;
        case '\\':
            out += u"\\\\";
            break;
        case '\n':
            out += u"\\n";
            break;
        case '\r':
            out += u"\\r";
            break;
        case '\t':
            out += u"\\t";
            break;
        default:
            if (c.unicode() < 0x20 || c == u'<' || c == u'>' || c == u'&' || c.unicode() == 0x2028
                || c.unicode() == 0x2029)
                out += u"\\u" + QString::number(c.unicode(), 16).rightJustified(4, u'0');
            else
                out += c;
        }
    }
    return out + u'"';
}

QStringList sortedKeys(const QJsonObject& object)
{
    QStringList keys = object.keys();
    // Go sorts map keys by their bytes.
    std::sort(keys.begin(), keys.end(), [](const QString& a, const QString& b) { return a.toUtf8() < b.toUtf8(); });
    return keys;
}

QString marshal(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return jsonFloat(v.toDouble());
    case QJsonValue::String:
        return jsonString(v.toString());
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue& e : v.toArray())
            parts << marshal(e);
        return u'[' + parts.join(u',') + u']';
    }
    case QJsonValue::Object: {
        const QJsonObject object = v.toObject();
        QStringList parts;
        for (const QString& key : sortedKeys(object))
            parts << jsonString(key) + u':' + marshal(object.value(key));
        return u'{' + parts.join(u',') + u'}';
    }
    default:
        return QStringLiteral("null");
    }
}

// fmt's %v of what encoding/json decodes into an interface{}.
QString goPrint(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return goFormatFloat(v.toDouble());
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue& e : v.toArray())
            parts << goPrint(e);
        return u'[' + parts.join(u' ') + u']';
    }
    case QJsonValue::Object: {
        const QJsonObject object = v.toObject();
        QStringList parts;
        for (const QString& key : sortedKeys(object))
            parts << key + u':' + goPrint(object.value(key));
        return u"map[" + parts.join(u' ') + u']';
    }
    default:
        return QStringLiteral("<nil>");
    }
}

bool isNil(const QJsonValue& v)
{
    return v.isNull() || v.isUndefined();
}

// QJsonDocument holds only objects and arrays; wrapping the body in [...] lets it
// read any JSON value, scalars and null included, as Go does.
std::optional<QJsonValue> parseJson(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + body + ']', &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().first();
}

// strconv.Atoi, refusing negative indexes.
std::optional<qsizetype> arrayIndex(QStringView text)
{
    qsizetype i = 0;
    if (!text.isEmpty() && (text[0] == u'+' || text[0] == u'-'))
        i = 1;
    if (i == text.size())
        return std::nullopt;
    qint64 n = 0;
    for (; i < text.size(); ++i) {
        if (!text[i].isDigit() || text[i].unicode() > '9')
            return std::nullopt;
        n = n * 10 + (text[i].unicode() - '0');
        if (n > 1'000'000'000)
            return std::nullopt;
    }
    if (text[0] == u'-' && n != 0)
        return std::nullopt;
    return n;
}

QJsonValue element(const QJsonValue& array, qsizetype index)
{
    const QJsonArray a = array.toArray(); // empty unless it is one
    return index < a.size() ? a.at(index) : QJsonValue(QJsonValue::Undefined);
}

// Gatus' extractValue: one key of the path ("name", "items[0]", "[1][2]").
QJsonValue extractValue(QStringView key, const QJsonValue& value)
{
    const QJsonValue nil(QJsonValue::Undefined);
    if (key.endsWith(u']') && key.contains(u'[')) {
        qsizetype start = 0;
        qsizetype end = 0;
        int depth = 0;
        bool nested = false;
        QStringView index;
        for (qsizetype i = 0; i < key.size(); ++i) {
            if (key[i] == u'[') {
                start = i;
                ++depth;
            } else if (key[i] == u']' && depth == 1) {
                end = i;
                index = key.mid(start + 1, i - start - 1);
                nested = i + 1 < key.size() && key[i + 1] == u'[';
                break;
            }
        }
        const std::optional<qsizetype> n = arrayIndex(index);
        if (!n)
            return nil;
        const QStringView name = key.left(start);
        QJsonValue item;
        if (name.isEmpty()) {
            item = element(value, *n);
        } else {
            if (!value.isObject())
                return nil;
            item = element(value.toObject().value(name.toString()), *n);
        }
        if (isNil(item) || !nested)
            return item;
        return extractValue(key.mid(end + 1), item);
    }
    if (value.isArray())
        return value; // Gatus ignores a plain key on an array
    if (value.isObject())
        return value.toObject().value(key.toString());
    return value;
}

JsonPathResult walk(QStringView path, const QJsonValue& object)
{
    // The first key ends at the first dot outside brackets.
    qsizetype dot = -1;
    int depth = 0;
    for (qsizetype i = 0; i < path.size(); ++i) {
        if (path[i] == u'[')
            ++depth;
        else if (path[i] == u']')
            --depth;
        else if (path[i] == u'.' && depth == 0) {
            dot = i;
            break;
        }
    }
    const bool last = dot < 0;
    const QJsonValue value = extractValue(last ? path : path.left(dot), object);
    switch (value.type()) {
    case QJsonValue::Object: {
        if (!last)
            return walk(path.mid(dot + 1), value);
        const QString text = marshal(value);
        return { true, text, text.toUtf8().size() };
    }
    case QJsonValue::String: {
        if (!last)
            return {};
        const QString text = value.toString();
        return { true, text, text.toUtf8().size() };
    }
    case QJsonValue::Array:
        return { true, goPrint(value), value.toArray().size() };
    case QJsonValue::Bool:
    case QJsonValue::Double: {
        // Gatus stops at a scalar, even with keys left over.
        const QString text = goPrint(value);
        return { true, text, text.toUtf8().size() };
    }
    default:
        return {};
    }
}

} // namespace

QString goFormatFloat(double value)
{
    if (!std::isfinite(value))
        return specialFloat(value);
    const Digits d = shortestDigits(value);
    if (d.exponent < -4 || d.exponent >= 6)
        return renderExponent(d, 2);
    return renderFixed(d);
}

JsonPathResult evalJsonPath(QStringView path, const QByteArray& body)
{
    if (path.isEmpty() && !(body.startsWith('[') && body.endsWith(']')))
        return { true, QString::fromUtf8(body), body.size() };
    const std::optional<QJsonValue> root = parseJson(body);
    if (!root)
        return {};
    return walk(path, *root);
}

} // namespace hd
