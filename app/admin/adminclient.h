#pragma once

#include "admin/adminaction.h"
#include "admin/admincatalog.h"
#include "admin/adminresult.h"
#include "admin/adminrunner.h"
#include "admin/secretstore.h"
#include "config/config.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QNetworkCookie>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <memory>

namespace hd {

class HistoryStore;
class HttpExchange;
struct HttpExchangeResponse;

// Runs the admin actions of docs/contract.md §6 (the preset and the config's own actions) against the services
// under `admin:`, each exactly once, and audits every attempt.
//
// An attempt runs: read-only check, action and parameter validation, confirmation, one action in flight per
// service, credentials (the config's ${ENV} value, else the secret store), login when the session cookie is
// missing, then the request. A 401/403 to the request on a login session means the session expired and the
// request was not executed: the client logs in again once and sends it again. Nothing else is ever resent; a
// timeout or a lost connection after sending is "unknown — check before repeating".
//
// Every attempt, refused and invalid ones included, is appended to the history store's audit log (secrets
// redacted) before finished() is emitted. finished() never comes from inside run(); started() and
// busyChanged(service, true) do, so a button can be disabled before control returns to the event loop.
//
// The client works on the thread it lives in: the secret store's jobs and the HTTP exchanges run there, and the
// history store's answers are brought back to it. The dashboard hosts it on a thread of its own (AdminService).
class AdminClient final : public AdminRunner {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminClient)

public:
    explicit AdminClient(QObject* parent = nullptr);
    ~AdminClient() override; // drops requests in flight without finished()

    // Takes the `admin:` section and `read_only`. Sessions of services whose base URL or auth changed are dropped.
    void setConfig(const Config& config);
    void setServices(const QMap<QString, AdminServiceConfig>& services);
    // --read-only; the client is read-only when this or the config says so.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const override;
    // Where the audit rows go; not owned. Without a store, results say audited == false.
    void setHistoryStore(HistoryStore* store);
    // Where missing passwords come from; not owned. Default: the system keychain.
    void setSecretStore(SecretStore* store);
    SecretStore* secretStore() const;

    QStringList services() const;
    bool hasService(const QString& service) const;
    QList<AdminAction> actions(const QString& service) const;
    std::optional<AdminAction> action(const QString& service, const QString& action) const;
    bool needsConfirmation(const QString& service, const QString& action) const;
    QString confirmationText(const QString& service, const QString& action, const AdminParams& params = {}) const;
    // Empty when run() would send the action; otherwise why not (unknown service or action, bad parameters).
    QString validate(const QString& service, const QString& action, const AdminParams& params) const;

    bool isBusy(const QString& service) const override;
    // True when the config holds no secret for the service's auth, so it comes from the secret store.
    bool usesStoredSecret(const QString& service) const;

    quint64 run(const QString& service, const QString& action, const AdminParams& params,
        AdminConfirmation confirmation = AdminConfirmation::NotConfirmed) override;
    quint64 runOnBehalf(const QString& service, const QString& action, const AdminParams& params,
        const QString& initiator, const QString& note) override;
    quint64 refuse(
        const QString& service, const QString& action, const AdminParams& params, const QString& reason) override;
    // A refusal audited as runOnBehalf() audits: `initiator` as the user, the message after `note`.
    quint64 refuseOnBehalf(const QString& service, const QString& action, const AdminParams& params,
        const QString& reason, const QString& initiator, const QString& note);

    // Saves the service's password (login or basic auth) in the secret store; secretStored() follows.
    void storeSecret(const QString& service, const QString& secret);
    void forgetSecret(const QString& service);
    void forgetSession(const QString& service); // the next action logs in again

    // The operating-system user written into the audit log.
    static QString osUser();

private:
    struct Attempt;
    struct Mailbox;
    using AttemptPtr = std::shared_ptr<Attempt>;

    AttemptPtr newAttempt(const QString& service, const QString& action, const AdminParams& params);
    void begin(const AttemptPtr& attempt);
    void withSecret(const AttemptPtr& attempt, const std::function<void()>& next);
    void logIn(const AttemptPtr& attempt);
    void onLoginFinished(const AttemptPtr& attempt, const HttpExchangeResponse& response);
    void sendAction(const AttemptPtr& attempt);
    void onActionFinished(const AttemptPtr& attempt, const HttpExchangeResponse& response);
    HttpExchange* exchange(const AttemptPtr& attempt, const QString& path, const QByteArray& method,
        const QByteArray& body, const QByteArray& contentType, bool withAuth);
    void complete(const AttemptPtr& attempt, AdminOutcome outcome, const QString& message);
    void emitFinished(const AttemptPtr& attempt);
    QString scrub(const AttemptPtr& attempt, const QString& text) const;

    AdminCatalog m_catalog;
    QPointer<HistoryStore> m_history;
    std::unique_ptr<SecretStore> m_systemSecrets;
    SecretStore* m_secrets = nullptr;
    QHash<QString, QList<QNetworkCookie>> m_sessions; // service -> login session cookies
    QHash<QString, QString> m_storedSecrets; // service -> secret read from the store, so it is asked once
    QHash<quint64, AttemptPtr> m_attempts; // under way
    quint64 m_nextId = 0;
    QString m_pendingInitiator; // for the attempt runOnBehalf() is making
    QString m_pendingNote;
    std::shared_ptr<Mailbox> m_mailbox; // how the history store's answers find the client, if it still exists
};

} // namespace hd
