#pragma once

#include "admin/admincatalog.h"
#include "admin/adminrunner.h"
#include "core/threadhost.h"

#include <QHash>
#include <memory>

namespace hd {

class AdminClient;
class HistoryStore;
class SecretStore;

// The dashboard's admin client: it lives on its caller's thread and runs the actions through an AdminClient hosted
// on a thread of its own (ThreadHost), so that a slow backend, a login or the system keychain never holds up the
// window.
//
// The questions that need no network (services, actions, validation, confirmation, read-only, busy) are answered
// from its own copy of the config, never by asking the other thread. Every call that does work is posted to the
// hosted client, in order; its results come back as this object's signals, on this object's thread.
//
// Request ids are handed out here, so run() returns one at once. started() and busyChanged(service, true) are
// emitted from inside run() when the action will be sent, so a button is disabled before control returns to the
// event loop; finished() never comes from inside run(). While one action of a service is in flight, another run()
// on it is refused (and audited) without being sent, as AdminClient does.
class AdminService final : public AdminRunner {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminService)

public:
    explicit AdminService(QObject* parent = nullptr);
    // Stops the admin thread: requests in flight are dropped without finished(), as AdminClient drops them.
    ~AdminService() override;

    // Takes the `admin:` section and `read_only`.
    void setConfig(const Config& config);
    void setReadOnly(bool readOnly); // --read-only
    bool isReadOnly() const override { return m_catalog.isReadOnly(); }
    // Where the audit rows go; not owned. Its appends are made from the admin thread.
    void setHistoryStore(HistoryStore* store);
    // Where missing passwords come from; not owned, and used on the admin thread only. Default: the system keychain,
    // whose jobs run on the admin thread's event loop.
    void setSecretStore(SecretStore* store);
    QString secretStoreName() const { return m_secretStoreName; } // "the system keychain", for messages

    const AdminCatalog& catalog() const { return m_catalog; }
    QStringList services() const { return m_catalog.services(); }
    bool hasService(const QString& service) const { return m_catalog.hasService(service); }
    QList<AdminAction> actions(const QString& service) const { return m_catalog.actions(service); }
    std::optional<AdminAction> action(const QString& service, const QString& action) const
    {
        return m_catalog.action(service, action);
    }
    bool needsConfirmation(const QString& service, const QString& action) const
    {
        return m_catalog.needsConfirmation(service, action);
    }
    QString confirmationText(const QString& service, const QString& action, const AdminParams& params = {}) const
    {
        return m_catalog.confirmationText(service, action, params);
    }
    QString validate(const QString& service, const QString& action, const AdminParams& params) const
    {
        return m_catalog.validate(service, action, params);
    }
    bool usesStoredSecret(const QString& service) const { return m_catalog.usesStoredSecret(service); }
    bool isBusy(const QString& service) const override;

    quint64 run(const QString& service, const QString& action, const AdminParams& params,
        AdminConfirmation confirmation = AdminConfirmation::NotConfirmed) override;
    quint64 runOnBehalf(const QString& service, const QString& action, const AdminParams& params,
        const QString& initiator, const QString& note) override;
    quint64 refuse(
        const QString& service, const QString& action, const AdminParams& params, const QString& reason) override;

    // Saves the service's password in the secret store; secretStored() follows.
    void storeSecret(const QString& service, const QString& secret);
    void forgetSecret(const QString& service);
    void forgetSession(const QString& service); // the next action logs in again

    // The thread the actions run on.
    QThread* adminThread() { return m_host.thread(); }

private:
    struct Ids;
    quint64 submit(const QString& service, const QString& action, const AdminParams& params,
        AdminConfirmation confirmation, const QString& initiator, const QString& note);
    void onHostedFinished(const AdminResult& result);

    AdminCatalog m_catalog;
    QString m_secretStoreName;
    quint64 m_nextId = 0;
    QHash<quint64, QString> m_holding; // request id -> the service it holds until finished()
    std::shared_ptr<Ids> m_ids; // touched on the admin thread only
    ThreadHost<AdminClient> m_host; // last: started once everything above exists
};

} // namespace hd
