#include "adminparser.h"

#include "config/configloader.h"
#include "config/configvalues.h"

#include <QHash>
#include <QJsonValue>

namespace hd {

QStringList knownAdminPresets()
{
    return { QStringLiteral("trading-system") };
}

} // namespace hd

namespace hd::configparse {

void AdminParser::parseAdmin(const YamlField& field)
{
    const auto entries = m_yaml.map(field, QStringLiteral("'admin'"), {}, QStringLiteral("admin entry"));
    if (!entries)
        return;
    static const QStringList k = keys("base_url preset auth actions tls timeout");
    QStringList serviceNames;
    for (const ServiceConfig& s : std::as_const(m_cfg.services))
        serviceNames += s.name;
    for (const YamlField& entry : entries->all()) {
        if (entry.name == u"read_only") {
            m_cfg.adminReadOnly = m_yaml.boolean(entry).value_or(false);
            continue;
        }
        AdminServiceConfig a;
        a.service = entry.name;
        a.where = m_yaml.at(entry.key);
        const QString label = u"admin entry " + quoted(entry.name);
        const auto f = m_yaml.map(entry, label, k);
        if (!f)
            continue;
        const ServiceConfig* svc = m_cfg.service(entry.name);
        if (const YamlField* base = f->find(u"base_url")) {
            a.baseUrl = httpUrl(*base, label + u" needs a base_url").value_or(QUrl());
        } else if (!svc) {
            const QString hint = didYouMean(entry.name, serviceNames);
            m_yaml.error(a.where, label + u" is not a service under services: and has no base_url" + hint);
        } else {
            a.baseUrl = baseUrlOf(*svc);
            if (a.baseUrl.isEmpty())
                m_yaml.error(a.where,
                    label + u" needs a base_url: service " + quoted(entry.name)
                        + u" has no http check to take it from");
        }
        if (const YamlField* preset = f->find(u"preset")) {
            a.preset = m_yaml.string(*preset).value_or(QString()).trimmed();
            if (!knownAdminPresets().contains(a.preset)) {
                const QString hint = didYouMean(a.preset, knownAdminPresets());
                m_yaml.error(m_yaml.atKeyOrValue(*preset),
                    u"unknown preset " + quoted(a.preset)
                        + (hint.isEmpty() ? u": known presets: " + knownAdminPresets().join(u", ") : hint));
            }
        }
        if (const YamlField* auth = f->find(u"auth"))
            parseAdminAuth(*auth, a);
        if (const YamlField* actions = f->find(u"actions"))
            parseActions(*actions, a);
        if (const YamlField* tls = f->find(u"tls"))
            parseTls(*tls, a.tls);
        a.timeoutMs = m_yaml.duration(*f, u"timeout").value_or(a.timeoutMs);
        if (a.preset.isEmpty() && a.actions.isEmpty() && !f->has(u"actions"))
            m_yaml.warning(a.where, label + u" has no preset and no actions");
        m_cfg.admin.insert(a.service, a);
    }
}

// The origin of the service's first http check: where its admin API most likely lives.
QUrl AdminParser::baseUrlOf(const ServiceConfig& svc)
{
    for (const CheckConfig& c : svc.checks) {
        if (c.kind == ProbeKind::Http && c.http.url.isValid())
            return c.http.url.adjusted(
                QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    }
    return {};
}

void AdminParser::parseAdminAuth(const YamlField& field, AdminServiceConfig& a)
{
    static const QStringList k = keys("login bearer basic");
    const auto f = m_yaml.map(field, QStringLiteral("'auth'"), k);
    if (!f)
        return;
    const YamlField* which = exactlyOne(*f, k, QStringLiteral("'auth' needs one of login, bearer or basic"),
        QStringLiteral("'auth' takes one of login, bearer or basic"));
    if (!which)
        return;
    if (which->name == u"bearer") {
        a.bearer = m_yaml.secret(*which).value_or(QString());
    } else if (which->name == u"basic") {
        a.basic = parseBasic(*which);
    } else if (const auto login = m_yaml.map(*which, QStringLiteral("'login'"), keys("url username password"))) {
        a.loginUrl = required(*login, u"url", QStringLiteral("'login' needs the url of the login form, such as /login"))
                         .value_or(QString())
                         .trimmed();
        a.loginUsername = m_yaml.string(*login, u"username").value_or(QString());
        a.loginPassword = m_yaml.secret(*login, u"password").value_or(QString());
    }
}

void AdminParser::parseActions(const YamlField& field, AdminServiceConfig& a)
{
    if (field.value.IsNull())
        return;
    if (!field.value.IsSequence()) {
        m_yaml.error(m_yaml.at(field.value),
            u"'actions' must be a list (- name: ...), found " + YamlReader::describe(field.value));
        return;
    }
    static const QStringList k = keys("name method path body confirm params required");
    QHash<QString, SourceLocation> seen;
    for (const YamlNode& node : field.value) {
        const auto f = m_yaml.map(node, m_yaml.at(node), QStringLiteral("an admin action"), k);
        if (!f)
            continue;
        AdminActionConfig action;
        action.where = m_yaml.at(node);
        action.name = name(*f, QStringLiteral("an admin action")).value_or(QString());
        if (!action.name.isEmpty()) {
            const SourceLocation at = m_yaml.at(f->find(u"name")->value);
            if (seen.contains(action.name))
                m_yaml.error(at, u"duplicate action " + quoted(action.name) + u' ' + lineOf(seen.value(action.name)));
            else
                seen.insert(action.name, at);
        }
        if (const YamlField* m = f->find(u"method"))
            action.method = method(*m).value_or(action.method);
        action.path
            = required(*f, u"path", u"action " + quoted(action.name) + u" needs a path such as /api/system/cache-stats")
                  .value_or(QString())
                  .trimmed();
        if (const YamlField* body = f->find(u"body"))
            action.body = m_yaml.json(body->value).value_or(QJsonValue());
        action.confirm = m_yaml.boolean(*f, u"confirm").value_or(false);
        if (const YamlField* params = f->find(u"params"))
            parseParams(*params, action);
        // Placeholders the request uses are parameters too: free text unless listed under params.
        QStringList placeholders;
        collectAdminPlaceholders(QJsonValue(action.path), placeholders);
        collectAdminPlaceholders(action.body, placeholders);
        for (const QString& p : std::as_const(placeholders)) {
            if (!action.allowed.contains(p))
                action.allowed.insert(p, {});
        }
        if (const auto req = m_yaml.stringList(*f, u"required")) {
            for (const LocatedString& s : *req)
                action.required += s.text;
        } else if (!f->has(u"required")) {
            action.required = placeholders;
        }
        a.actions += action;
    }
}

void AdminParser::parseParams(const YamlField& field, AdminActionConfig& action)
{
    const auto f = m_yaml.map(field, QStringLiteral("'params'"), {}, QStringLiteral("parameter"));
    if (!f)
        return;
    for (const YamlField& param : f->all()) {
        QStringList values;
        for (const LocatedString& v : m_yaml.stringList(param).value_or(QList<LocatedString>()))
            values += v.text;
        action.allowed.insert(param.name, values);
    }
}

} // namespace hd::configparse
