#include "admin/admincatalog.h"

namespace hd {

void AdminCatalog::setConfig(const Config& config)
{
    m_configReadOnly = config.adminReadOnly;
    m_services = config.admin;
}

void AdminCatalog::setServices(const QMap<QString, AdminServiceConfig>& services)
{
    m_services = services;
}

QList<AdminAction> AdminCatalog::actions(const QString& service) const
{
    const auto it = m_services.constFind(service);
    return it == m_services.cend() ? QList<AdminAction>() : adminActionsFor(*it);
}

std::optional<AdminAction> AdminCatalog::action(const QString& service, const QString& action) const
{
    const QList<AdminAction> list = actions(service);
    for (const AdminAction& a : list) {
        if (a.name == action)
            return a;
    }
    return std::nullopt;
}

bool AdminCatalog::needsConfirmation(const QString& service, const QString& actionName) const
{
    const auto a = action(service, actionName);
    return a && a->confirm;
}

QString AdminCatalog::confirmationText(
    const QString& service, const QString& actionName, const AdminParams& params) const
{
    const auto a = action(service, actionName);
    return a ? adminConfirmationText(service, *a, params) : QString();
}

QString AdminCatalog::validate(const QString& service, const QString& actionName, const AdminParams& params) const
{
    if (!m_services.contains(service)) {
        const QStringList known = services();
        return u"no admin service '" + service + u"'; "
            + (known.isEmpty() ? QStringLiteral("the config has no admin: section")
                               : u"configured: " + known.join(u", "));
    }
    const auto a = action(service, actionName);
    if (!a) {
        QStringList names;
        const QList<AdminAction> list = actions(service);
        for (const AdminAction& x : list)
            names += x.name;
        return u"unknown action '" + actionName + u"' for " + service + u"; valid actions: " + names.join(u", ");
    }
    return validateAdminParams(*a, params);
}

bool AdminCatalog::usesStoredSecret(const QString& service) const
{
    const auto it = m_services.constFind(service);
    if (it == m_services.cend())
        return false;
    // The auth kinds that take a password: a login form first, then basic auth (a bearer token is the config's).
    if (!it->loginUrl.isEmpty())
        return it->loginPassword.isEmpty();
    return it->basic && it->basic->password.isEmpty();
}

std::optional<AdminRefusal> AdminCatalog::refusal(
    const QString& service, const QString& actionName, const AdminParams& params, AdminConfirmation confirmation) const
{
    if (isReadOnly())
        return AdminRefusal { AdminOutcome::Refused,
            QStringLiteral("read-only mode: admin actions are disabled (--read-only or admin: read_only: true)") };
    if (const QString problem = validate(service, actionName, params); !problem.isEmpty())
        return AdminRefusal { AdminOutcome::Invalid, problem };
    const AdminAction a = *action(service, actionName);
    if (a.confirm && confirmation != AdminConfirmation::Confirmed)
        return AdminRefusal { AdminOutcome::Refused,
            u"not confirmed: " + adminConfirmationText(service, a, params) + u" Nothing was sent." };
    return std::nullopt;
}

QString adminBusyMessage(const QString& service)
{
    return u"another admin action on " + service + u" is still waiting for its answer; nothing was sent";
}

} // namespace hd
