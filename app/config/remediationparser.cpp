#include "remediationparser.h"

namespace hd::configparse {

// remediate: { action, params } or { exec: [argv] }, with after, max_attempts, backoff and window.
std::shared_ptr<const RemediationConfig> RemediationParser::parseRemediate(
    const YamlField& field, const QString& service)
{
    static const QStringList k = keys("action params exec after max_attempts backoff window");
    const auto f = m_yaml.map(field, QStringLiteral("'remediate'"), k);
    if (!f)
        return nullptr;
    auto r = std::make_shared<RemediationConfig>();
    r->where = m_yaml.at(field.key);
    r->actionWhere = r->where;
    r->paramsWhere = r->where;
    const YamlField* which = exactlyOne(*f, keys("action exec"),
        QStringLiteral("'remediate' needs an admin action (action: scheduler-restart) or a command (exec: [...])"),
        QStringLiteral("'remediate' takes one of action or exec"));
    if (which && which->name == u"action") {
        r->action = m_yaml.string(*which).value_or(QString()).trimmed();
        r->actionWhere = m_yaml.atKeyOrValue(*which);
        r->paramsWhere = r->actionWhere;
        if (r->action.isEmpty())
            m_yaml.error(r->actionWhere, QStringLiteral("'action' needs the name of an admin action of the service"));
        else
            m_state.remediations += { service, r->action, r->actionWhere };
    } else if (which) {
        const QString example
            = QStringLiteral(" such as [\"systemctl\", \"--user\", \"restart\", \"api\"]; it runs without a shell");
        if (which->value.IsScalar()) {
            m_yaml.error(m_yaml.at(which->value), u"'exec' must be a list of arguments" + example);
        } else if (const auto argv = m_yaml.stringList(*which)) {
            for (const LocatedString& arg : *argv)
                r->exec += arg.text;
            if (r->exec.isEmpty() || r->exec.first().trimmed().isEmpty())
                m_yaml.error(m_yaml.atKeyOrValue(*which), u"'exec' needs a program" + example);
        }
    }
    if (const YamlField* params = f->find(u"params")) {
        if (!r->exec.isEmpty())
            m_yaml.error(m_yaml.at(params->key), QStringLiteral("'params' go with 'action', not with 'exec'"));
        r->paramsWhere = m_yaml.at(params->key);
        if (const auto p = m_yaml.map(*params, QStringLiteral("'params'"), {}, QStringLiteral("parameter"))) {
            for (const YamlField& param : p->all()) {
                if (const auto value = m_yaml.string(param))
                    r->params.insert(param.name, value->trimmed());
            }
        }
    }
    r->afterMs = m_yaml.duration(*f, u"after").value_or(r->afterMs);
    r->maxAttempts = m_yaml.integer(*f, u"max_attempts", 1, 100).value_or(r->maxAttempts);
    r->backoffMs = m_yaml.duration(*f, u"backoff").value_or(r->backoffMs);
    r->windowMs = m_yaml.duration(*f, u"window").value_or(r->windowMs);
    return r;
}

// An admin action to remediate with needs an admin: entry for its service; whether the action exists there
// (preset or custom) and takes those params is checked with the admin actions (loadValidatedConfig).
void RemediationParser::checkRemediations()
{
    for (const ConfigLoadState::PendingRemediation& r : std::as_const(m_state.remediations)) {
        if (!m_cfg.admin.contains(r.service))
            m_yaml.error(r.where,
                u"remediate: action " + quoted(r.action) + u" needs an admin: entry for service " + quoted(r.service)
                    + u" (or use exec: [...])");
    }
}

} // namespace hd::configparse
