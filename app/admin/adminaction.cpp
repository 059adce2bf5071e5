#include "admin/adminaction.h"

#include "config/configvalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace hd {

namespace {

const QRegularExpression& placeholderPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    return pattern;
}

// The parameter a string stands for when it is nothing but "{name}".
QString wholePlaceholder(const QString& text)
{
    const QRegularExpressionMatch m = placeholderPattern().match(text);
    return m.hasMatch() && m.capturedStart() == 0 && m.capturedLength() == text.size() ? m.captured(1) : QString();
}

QString fill(const QString& text, const AdminParams& params, bool percentEncode)
{
    QString out;
    qsizetype last = 0;
    for (auto it = placeholderPattern().globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        const QString value = params.value(m.captured(1));
        out += percentEncode ? QString::fromLatin1(QUrl::toPercentEncoding(value)) : value;
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

// Returns nullopt for a value that is to be left out.
std::optional<QJsonValue> fillJson(const QJsonValue& value, const AdminParams& params)
{
    if (value.isString()) {
        const QString text = value.toString();
        const QString whole = wholePlaceholder(text);
        if (!whole.isEmpty() && !params.contains(whole))
            return std::nullopt;
        return QJsonValue(fill(text, params, false));
    }
    if (value.isArray()) {
        QJsonArray out;
        const QJsonArray in = value.toArray();
        for (const QJsonValue& v : in)
            out.append(fillJson(v, params).value_or(QJsonValue(QJsonValue::Null)));
        return out;
    }
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            if (const auto v = fillJson(it.value(), params))
                out.insert(it.key(), *v);
        }
        return out;
    }
    return value;
}

AdminAction presetAction(const char* name, const char* method, const char* path, const QJsonValue& body = {},
    bool confirm = false, const QList<AdminParam>& params = {})
{
    AdminAction a;
    a.name = QLatin1String(name);
    a.method = method;
    a.path = QLatin1String(path);
    a.body = body;
    a.confirm = confirm;
    a.params = params;
    a.fromPreset = true;
    return a;
}

QString paramUsage(const AdminParam& p)
{
    const QString value = p.allowed.isEmpty() ? p.name.toUpper() : p.allowed.join(u'|');
    const QString text = p.name + u'=' + value;
    return p.required ? text : u'[' + text + u']';
}

} // namespace

const AdminParam* AdminAction::param(const QString& name) const
{
    for (const AdminParam& p : params) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

QStringList AdminAction::paramNames() const
{
    QStringList names;
    for (const AdminParam& p : params)
        names += p.name;
    return names;
}

QString AdminAction::usage() const
{
    QStringList parts;
    for (const AdminParam& p : params)
        parts += paramUsage(p);
    return parts.join(u' ');
}

QList<AdminAction> adminPresetActions(const QString& preset)
{
    if (preset != u"trading-system")
        return {};
    const auto control = [](const char* action) {
        return QJsonObject { { QStringLiteral("action"), QLatin1String(action) } };
    };
    const AdminParam jobType { QStringLiteral("job_type"),
        { QStringLiteral("update_orders"), QStringLiteral("calculate_pnl"), QStringLiteral("daily_summary"),
            QStringLiteral("calculate_performance") },
        true };
    const AdminParam cacheType { QStringLiteral("type"),
        { QStringLiteral("price"), QStringLiteral("exchange"), QStringLiteral("all") }, true };
    const QJsonObject clearBody { { QStringLiteral("type"), QStringLiteral("{type}") },
        { QStringLiteral("exchange"), QStringLiteral("{exchange}") },
        { QStringLiteral("market_type"), QStringLiteral("{market_type}") } };
    return {
        presetAction("scheduler-status", "GET", "/api/system/scheduler-status"),
        presetAction("scheduler-start", "POST", "/api/system/scheduler-control", control("start")),
        presetAction("scheduler-stop", "POST", "/api/system/scheduler-control", control("stop"), true),
        presetAction("scheduler-restart", "POST", "/api/system/scheduler-control", control("restart"), true),
        presetAction("trigger-job", "POST", "/api/system/trigger-job",
            QJsonObject { { QStringLiteral("job_type"), QStringLiteral("{job_type}") } }, true, { jobType }),
        presetAction("cache-stats", "GET", "/api/system/cache-stats"),
        presetAction("cache-clear", "POST", "/api/system/cache-clear", clearBody, true,
            { cacheType, { QStringLiteral("exchange"), {}, false }, { QStringLiteral("market_type"), {}, false } }),
        presetAction("test-telegram", "POST", "/api/system/test-telegram"),
    };
}

AdminAction adminActionFromConfig(const AdminActionConfig& config)
{
    AdminAction a;
    a.name = config.name;
    a.method = config.method.toUpper();
    a.path = config.path;
    a.body = config.body;
    a.confirm = config.confirm;
    // Required ones first, then placeholders as they appear, then the rest of params:.
    QStringList order = config.required;
    QStringList placeholders;
    collectAdminPlaceholders(QJsonValue(config.path), placeholders);
    collectAdminPlaceholders(config.body, placeholders);
    for (const QString& p : std::as_const(placeholders)) {
        if (!order.contains(p))
            order += p;
    }
    for (auto it = config.allowed.begin(); it != config.allowed.end(); ++it) {
        if (!order.contains(it.key()))
            order += it.key();
    }
    for (const QString& name : std::as_const(order))
        a.params += AdminParam { name, config.allowed.value(name), config.required.contains(name) };
    return a;
}

QList<AdminAction> adminActionsFor(const AdminServiceConfig& service)
{
    QList<AdminAction> actions = adminPresetActions(service.preset);
    for (const AdminActionConfig& c : service.actions) {
        const AdminAction custom = adminActionFromConfig(c);
        const auto same
            = std::find_if(actions.begin(), actions.end(), [&](const AdminAction& a) { return a.name == custom.name; });
        if (same != actions.end())
            *same = custom;
        else
            actions += custom;
    }
    return actions;
}

QString validateAdminParams(const AdminAction& action, const AdminParams& params)
{
    const QString usage = action.params.isEmpty() ? QStringLiteral("it takes no parameters")
                                                  : u"usage: " + action.name + u' ' + action.usage();
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (!action.param(it.key()))
            return u"unknown parameter '" + it.key() + u"' for " + action.name + u"; " + usage;
    }
    for (const AdminParam& p : action.params) {
        const auto given = params.constFind(p.name);
        if (given == params.cend() || given->isEmpty()) {
            if (p.required)
                return action.name + u" needs " + p.name + u"="
                    + (p.allowed.isEmpty() ? p.name.toUpper() : p.allowed.join(u'|')) + u"; " + usage;
            continue;
        }
        if (!p.allowed.isEmpty() && !p.allowed.contains(*given)) {
            return p.name + u" '" + *given + u"' is not valid for " + action.name + u"; valid values: "
                + p.allowed.join(u", ");
        }
    }
    return {};
}

AdminRequest buildAdminRequest(const AdminAction& action, const AdminParams& params)
{
    // An empty optional value means "not given": the body then leaves it out.
    AdminParams given;
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (!it->isEmpty())
            given.insert(it.key(), it.value());
    }
    AdminRequest r;
    r.method = action.method;
    r.path = fill(action.path, given, true);
    if (!action.body.isUndefined() && !action.body.isNull()) {
        const QJsonValue body = fillJson(action.body, given).value_or(QJsonValue(QJsonValue::Null));
        if (body.isObject())
            r.body = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        else if (body.isArray())
            r.body = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        else
            r.body = QJsonDocument(QJsonArray { body }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    }
    return r;
}

QString describeAdminAction(const QString& service, const AdminAction& action, const AdminParams& params)
{
    const QString on = u" on " + service;
    if (action.fromPreset) {
        const QString& n = action.name;
        if (n == u"scheduler-status")
            return u"read the scheduler status of " + service;
        if (n == u"scheduler-start")
            return u"start the scheduler" + on;
        if (n == u"scheduler-stop")
            return u"stop the scheduler" + on;
        if (n == u"scheduler-restart")
            return u"restart the scheduler" + on;
        if (n == u"trigger-job")
            return u"run the job " + params.value(QStringLiteral("job_type")) + on + u" now";
        if (n == u"cache-stats")
            return u"read the cache statistics of " + service;
        if (n == u"test-telegram")
            return u"send a Telegram test message from " + service;
        if (n == u"cache-clear") {
            const QString type = params.value(QStringLiteral("type"));
            QString what = type == u"all" ? QStringLiteral("clear every cache")
                : type == u"price"        ? QStringLiteral("clear the price cache")
                : type == u"exchange"     ? QStringLiteral("clear the exchange client cache")
                                          : u"clear the " + type + u" cache";
            const QString exchange = params.value(QStringLiteral("exchange"));
            const QString market = params.value(QStringLiteral("market_type"));
            if (!exchange.isEmpty())
                what += u" of exchange " + exchange;
            if (!market.isEmpty())
                what += (exchange.isEmpty() ? u" of market type " : u", market type ") + market;
            if (exchange.isEmpty() && market.isEmpty() && type != u"all")
                what += QStringLiteral(" for every exchange");
            return what + on;
        }
    }
    QStringList given;
    for (const AdminParam& p : action.params) {
        if (!params.value(p.name).isEmpty())
            given += p.name + u'=' + params.value(p.name);
    }
    const AdminRequest request = buildAdminRequest(action, params);
    QString text = u"run " + action.name + on + u" (" + QString::fromLatin1(request.method) + u' ' + request.path;
    if (!given.isEmpty())
        text += u", " + given.join(u", ");
    return text + u')';
}

QString adminConfirmationText(const QString& service, const AdminAction& action, const AdminParams& params)
{
    QString text = describeAdminAction(service, action, params);
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text + u'?';
}

QList<ConfigError> validateRemediationActions(const Config& config)
{
    QList<ConfigError> errors;
    const auto check = [&](const QString& service, const RemediationConfig* r) {
        if (!r || r->action.isEmpty())
            return;
        const auto admin = config.admin.constFind(service);
        if (admin == config.admin.cend())
            return;
        const QList<AdminAction> actions = adminActionsFor(*admin);
        QStringList names;
        for (const AdminAction& a : actions) {
            if (a.name != r->action) {
                names += a.name;
                continue;
            }
            if (const QString problem = validateAdminParams(a, r->params); !problem.isEmpty())
                errors += ConfigError { r->paramsWhere, u"remediate: " + problem };
            return;
        }
        errors += ConfigError { r->actionWhere,
            u"remediate: unknown action '" + r->action + u"' for " + service + u"; valid actions: "
                + names.join(u", ") };
    };
    for (const ServiceConfig& s : config.services) {
        check(s.name, s.remediate.get());
        for (const CheckConfig& c : s.checks)
            check(s.name, c.remediate.get());
    }
    return errors;
}

} // namespace hd
