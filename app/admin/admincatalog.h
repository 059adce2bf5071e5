#pragma once

#include "admin/adminaction.h"
#include "admin/adminresult.h"
#include "config/config.h"

#include <QMap>
#include <QStringList>
#include <optional>

namespace hd {

enum class AdminConfirmation { NotConfirmed, Confirmed };

// Why an attempt is not sent, decided before anything goes out.
struct AdminRefusal {
    AdminOutcome outcome = AdminOutcome::Refused;
    QString message;
};

// The admin services of a config and the questions about them that need no network: which services and actions
// there are, what an action's parameters must be, whether it needs confirming, whether a password must come from
// the secret store, and whether admin actions are off (read-only). A plain value: AdminClient keeps one, and so
// does AdminService on its caller's thread, so that neither asks the other's thread.
class AdminCatalog {
public:
    // Takes the `admin:` section and `read_only`.
    void setConfig(const Config& config);
    void setServices(const QMap<QString, AdminServiceConfig>& services);
    const QMap<QString, AdminServiceConfig>& serviceConfigs() const { return m_services; }
    // --read-only; read-only when this or the config says so.
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    bool isReadOnly() const { return m_readOnly || m_configReadOnly; }

    QStringList services() const { return m_services.keys(); }
    bool hasService(const QString& service) const { return m_services.contains(service); }
    QList<AdminAction> actions(const QString& service) const;
    std::optional<AdminAction> action(const QString& service, const QString& action) const;
    bool needsConfirmation(const QString& service, const QString& action) const;
    QString confirmationText(const QString& service, const QString& action, const AdminParams& params = {}) const;
    // Empty when the action can be sent; otherwise why not (unknown service or action, bad parameters).
    QString validate(const QString& service, const QString& action, const AdminParams& params) const;
    // True when the config holds no secret for the service's auth, so it comes from the secret store.
    bool usesStoredSecret(const QString& service) const;

    // Why run() would not send the action, in the order it is checked: read-only mode, an invalid service, action or
    // parameters, a confirmation that was not given. nullopt: nothing here stops it (one in flight per service
    // still may).
    std::optional<AdminRefusal> refusal(
        const QString& service, const QString& action, const AdminParams& params, AdminConfirmation confirmation) const;

private:
    QMap<QString, AdminServiceConfig> m_services;
    bool m_configReadOnly = false;
    bool m_readOnly = false;
};

// The refusal of an action on a service that already has one in flight.
QString adminBusyMessage(const QString& service);

} // namespace hd
