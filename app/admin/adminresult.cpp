#include "admin/adminresult.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <optional>

namespace hd {

namespace {

constexpr int snippetChars = 160;

QString snippet(const QString& text)
{
    const QString line = text.simplified();
    return line.size() > snippetChars ? line.left(snippetChars) + u'…' : line;
}

// The seed backend says {"success", "message"}; other backends use msg, detail or error.
QString messageOf(const QJsonObject& object)
{
    for (const char* key : { "message", "msg", "detail", "error", "error_message", "reason" }) {
        const QJsonValue v = object.value(QLatin1String(key));
        if (v.isString() && !v.toString().trimmed().isEmpty())
            return v.toString().trimmed();
        if (v.isObject()) {
            const QString inner = messageOf(v.toObject());
            if (!inner.isEmpty())
                return inner;
        }
    }
    return {};
}

// true/false when the body says whether it worked, nullopt when it does not say.
std::optional<bool> successOf(const QJsonObject& object)
{
    const QJsonValue success = object.value(u"success");
    if (success.isBool())
        return success.toBool();
    const QJsonValue ok = object.value(u"ok");
    if (ok.isBool())
        return ok.toBool();
    const QString status = object.value(u"status").toString().toLower();
    if (status == u"success" || status == u"ok")
        return true;
    if (status == u"error" || status == u"fail" || status == u"failed" || status == u"failure")
        return false;
    // {"error": "..."} without a success flag is how FastAPI/Express style backends say no.
    const QJsonValue error = object.value(u"error");
    const bool saysNothing = error.isUndefined() || error.isNull() || (error.isBool() && !error.toBool())
        || (error.isString() && error.toString().isEmpty());
    if (!saysNothing)
        return false;
    return std::nullopt;
}

QString htmlTitle(const QString& html)
{
    static const QRegularExpression title(QStringLiteral("<title[^>]*>(.*?)</title>"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression heading(QStringLiteral("<h1[^>]*>(.*?)</h1>"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    for (const QRegularExpression* re : { &title, &heading }) {
        const QRegularExpressionMatch m = re->match(html);
        if (m.hasMatch()) {
            QString text = m.captured(1);
            text.remove(tags);
            if (!text.simplified().isEmpty())
                return snippet(text);
        }
    }
    return {};
}

bool looksLikeHtml(const QByteArray& contentType, const QString& body)
{
    if (contentType.toLower().contains("html"))
        return true;
    const QString start = body.left(512).trimmed().toLower();
    return start.startsWith(u"<!doctype html") || start.startsWith(u"<html") || start.contains(u"<body");
}

// The last line of a Python, Java or Node stack trace names the error.
QString stackTraceError(const QString& body)
{
    const bool python = body.contains(u"Traceback (most recent call last)");
    static const QRegularExpression javaFrame(
        QStringLiteral("^\\s+at [\\w$.<>]+\\("), QRegularExpression::MultilineOption);
    const bool java = body.contains(javaFrame);
    if (!python && !java)
        return {};
    const QStringList lines = body.split(u'\n', Qt::SkipEmptyParts);
    if (python) {
        for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
            if (!it->startsWith(u' ') && !it->trimmed().isEmpty())
                return snippet(*it);
        }
    }
    // Java and Node name the exception first.
    for (const QString& line : lines) {
        if (!line.trimmed().isEmpty() && !line.startsWith(u' ') && !line.startsWith(u'\t'))
            return snippet(line);
    }
    return snippet(lines.value(0));
}

QString httpLabel(int status)
{
    return u"HTTP " + QString::number(status);
}

} // namespace

QString adminOutcomeName(AdminOutcome outcome)
{
    switch (outcome) {
    case AdminOutcome::Success:
        return QStringLiteral("success");
    case AdminOutcome::Failure:
        return QStringLiteral("failure");
    case AdminOutcome::Unknown:
        return QStringLiteral("unknown");
    case AdminOutcome::Refused:
        return QStringLiteral("refused");
    case AdminOutcome::Invalid:
        return QStringLiteral("invalid");
    case AdminOutcome::AuthFailed:
        return QStringLiteral("auth-failed");
    }
    return {};
}

QString adminUnknownPrefix()
{
    return QStringLiteral("unknown — check before repeating: ");
}

AdminVerdict interpretAdminResponse(int httpStatus, const QByteArray& contentType, const QByteArray& body)
{
    AdminVerdict v;
    const bool httpOk = httpStatus >= 200 && httpStatus < 300;
    // A 2xx answer we cannot read leaves open whether the action ran; an error status says it did not.
    const auto unreadable = [&](const QString& what) {
        v.outcome = httpOk ? AdminOutcome::Unknown : AdminOutcome::Failure;
        v.message = (httpOk ? adminUnknownPrefix() : QString()) + httpLabel(httpStatus) + u": " + what;
        return v;
    };

    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return unreadable(QStringLiteral("the answer has an empty body, not the JSON the action returns"));

    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &error);
    if (error.error == QJsonParseError::NoError) {
        v.json = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        const QJsonObject object = doc.object();
        const QString message = messageOf(object);
        const std::optional<bool> success = doc.isObject() ? successOf(object) : std::nullopt;
        if (!httpOk) {
            v.outcome = AdminOutcome::Failure;
            v.message = message.isEmpty() ? httpLabel(httpStatus) : httpLabel(httpStatus) + u": " + message;
        } else if (success == false) {
            v.outcome = AdminOutcome::Failure;
            v.message = message.isEmpty() ? QStringLiteral("the backend answered success: false") : message;
        } else {
            v.outcome = AdminOutcome::Success;
            v.message = message.isEmpty() ? httpLabel(httpStatus) : message;
        }
        return v;
    }

    const QString text = QString::fromUtf8(trimmed);
    if (looksLikeHtml(contentType, text)) {
        const QString title = htmlTitle(text);
        return unreadable(title.isEmpty() ? QStringLiteral("the answer is an HTML page, not JSON")
                                          : u"the answer is an HTML page (\"" + title + u"\"), not JSON");
    }
    if (const QString trace = stackTraceError(text); !trace.isEmpty())
        return unreadable(u"the backend failed with a stack trace, not JSON: " + trace);
    if (contentType.toLower().contains("json") || trimmed.startsWith('{') || trimmed.startsWith('[')) {
        return unreadable(u"the answer is not valid JSON (" + error.errorString() + u" at byte "
            + QString::number(error.offset) + u"): " + snippet(text));
    }
    return unreadable(u"the answer is text, not JSON: " + snippet(text));
}

QString adminOutcomeSummary(int httpStatus, AdminOutcome outcome, const QString& message)
{
    if (httpStatus <= 0)
        return message.isEmpty() ? adminOutcomeName(outcome) : adminOutcomeName(outcome) + u": " + message;
    QString rest = message;
    const QString label = httpLabel(httpStatus);
    if (rest.startsWith(label)) // "HTTP 500: boom" -> "500 boom"
        rest = rest.mid(label.size()).remove(QRegularExpression(QStringLiteral("^:\\s*")));
    return rest.isEmpty() ? QString::number(httpStatus) : QString::number(httpStatus) + u' ' + rest;
}

} // namespace hd
