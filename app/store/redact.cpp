#include "redact.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace hd {

QString redactedMarker()
{
    return QStringLiteral("[redacted]");
}

bool isSecretKey(QStringView key)
{
    QString k;
    k.reserve(key.size());
    for (QChar c : key) {
        if (c != u'_' && c != u'-' && c != u' ' && c != u'.')
            k += c.toLower();
    }
    static const QLatin1StringView exact[]
        = { QLatin1StringView("pwd"), QLatin1StringView("pass"), QLatin1StringView("auth") };
    static const QLatin1StringView parts[] = { QLatin1StringView("password"), QLatin1StringView("passwd"),
        QLatin1StringView("passphrase"), QLatin1StringView("secret"), QLatin1StringView("token"),
        QLatin1StringView("authorization"), QLatin1StringView("apikey"), QLatin1StringView("cookie"),
        QLatin1StringView("credential"), QLatin1StringView("privatekey"), QLatin1StringView("sessionid") };
    for (auto e : exact) {
        if (k == e)
            return true;
    }
    for (auto p : parts) {
        if (k.contains(p))
            return true;
    }
    return false;
}

QJsonObject redactSecrets(const QJsonObject& object)
{
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (isSecretKey(it.key()) && !it.value().isNull())
            out.insert(it.key(), redactedMarker());
        else
            out.insert(it.key(), redactSecrets(it.value()));
    }
    return out;
}

QJsonValue redactSecrets(const QJsonValue& value)
{
    if (value.isObject())
        return redactSecrets(value.toObject());
    if (value.isArray()) {
        QJsonArray out;
        const QJsonArray in = value.toArray();
        for (const QJsonValue& v : in)
            out.append(redactSecrets(v));
        return out;
    }
    if (value.isString())
        return redactSecretsInText(value.toString());
    return value;
}

QString redactSecretsInText(const QString& text)
{
    // The scheme is kept so that a reader still sees which kind of credential was sent.
    static const QRegularExpression scheme(QStringLiteral(R"((?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,})"));
    static const QRegularExpression keyed(QStringLiteral(
        R"((?i)\b([a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|authorization|cookie|credential)[a-z0-9_-]*)(["']?\s*[:=]\s*["']?)([^\s"'&,;}]+))"));
    QString out = text;
    out.replace(scheme, QStringLiteral("\\1 ") + redactedMarker());
    QString result;
    qsizetype last = 0;
    auto it = keyed.globalMatch(out);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.captured(3) == redactedMarker())
            continue;
        result += QStringView(out).mid(last, m.capturedStart(3) - last);
        result += redactedMarker();
        last = m.capturedEnd(3);
    }
    result += QStringView(out).mid(last);
    return result;
}

} // namespace hd
