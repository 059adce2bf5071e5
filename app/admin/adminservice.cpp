#include "admin/adminservice.h"

#include "admin/adminclient.h"
#include "admin/secretstore.h"

namespace hd {

// The hosted client's request ids, mapped to the ones this front handed out.
struct AdminService::Ids {
    QHash<quint64, quint64> byClientId;
};

AdminService::AdminService(QObject* parent)
    : AdminRunner(parent)
    , m_secretStoreName(createSystemSecretStore()->name())
    , m_ids(std::make_shared<Ids>())
    , m_host(QStringLiteral("healthdeck-admin"), [this, ids = m_ids] {
        auto* client = new AdminClient;
        // Both relays run on the admin thread and post to this object; none can be left once the thread is joined.
        QObject::connect(client, &AdminClient::finished, client, [this, ids](const AdminResult& result) {
            AdminResult mine = result;
            mine.requestId = ids->byClientId.take(result.requestId);
            QMetaObject::invokeMethod(
                this, [this, mine] { onHostedFinished(mine); }, Qt::QueuedConnection);
        });
        QObject::connect(
            client, &AdminClient::secretStored, client, [this](const QString& service, bool ok, const QString& error) {
                QMetaObject::invokeMethod(
                    this, [this, service, ok, error] { Q_EMIT secretStored(service, ok, error); },
                    Qt::QueuedConnection);
            });
        return client;
    })
{
    qRegisterMetaType<hd::AdminResult>();
}

AdminService::~AdminService()
{
    m_host.stop(); // while this object can still take the relays' posts, which are then dropped with it
}

void AdminService::setConfig(const Config& config)
{
    m_catalog.setConfig(config);
    m_host.post([config](AdminClient& client) { client.setConfig(config); });
}

void AdminService::setReadOnly(bool readOnly)
{
    m_catalog.setReadOnly(readOnly);
    m_host.post([readOnly](AdminClient& client) { client.setReadOnly(readOnly); });
}

void AdminService::setHistoryStore(HistoryStore* store)
{
    m_host.post([store](AdminClient& client) { client.setHistoryStore(store); });
}

void AdminService::setSecretStore(SecretStore* store)
{
    m_secretStoreName = store ? store->name() : createSystemSecretStore()->name();
    m_host.post([store](AdminClient& client) { client.setSecretStore(store); });
}

bool AdminService::isBusy(const QString& service) const
{
    for (const QString& held : m_holding) {
        if (held == service)
            return true;
    }
    return false;
}

quint64 AdminService::run(
    const QString& service, const QString& action, const AdminParams& params, AdminConfirmation confirmation)
{
    return submit(service, action, params, confirmation, {}, {});
}

quint64 AdminService::runOnBehalf(const QString& service, const QString& action, const AdminParams& params,
    const QString& initiator, const QString& note)
{
    return submit(service, action, params, AdminConfirmation::Confirmed, initiator, note);
}

quint64 AdminService::submit(const QString& service, const QString& action, const AdminParams& params,
    AdminConfirmation confirmation, const QString& initiator, const QString& note)
{
    const quint64 id = ++m_nextId;
    const bool onBehalf = !initiator.isEmpty() || !note.isEmpty();
    // The hosted client has the same config (every change is posted to it in order), so it refuses what the catalog
    // refuses. It may have finished the service's last action before this side hears of it: then it is told to
    // refuse, as it would have refused a moment earlier.
    const bool refused = m_catalog.refusal(service, action, params, confirmation).has_value();
    const bool busy = !refused && isBusy(service);
    m_host.post([=, ids = m_ids](AdminClient& client) {
        quint64 clientId = 0;
        if (busy)
            clientId = client.refuseOnBehalf(service, action, params, adminBusyMessage(service), initiator, note);
        else if (onBehalf)
            clientId = client.runOnBehalf(service, action, params, initiator, note);
        else
            clientId = client.run(service, action, params, confirmation);
        ids->byClientId.insert(clientId, id);
    });
    if (!refused && !busy) {
        m_holding.insert(id, service);
        Q_EMIT started(id, service, action);
        Q_EMIT busyChanged(service, true);
    }
    return id;
}

quint64 AdminService::refuse(
    const QString& service, const QString& action, const AdminParams& params, const QString& reason)
{
    const quint64 id = ++m_nextId;
    m_host.post([=, ids = m_ids](AdminClient& client) {
        ids->byClientId.insert(client.refuse(service, action, params, reason), id);
    });
    return id;
}

void AdminService::storeSecret(const QString& service, const QString& secret)
{
    m_host.post([service, secret](AdminClient& client) { client.storeSecret(service, secret); });
}

void AdminService::forgetSecret(const QString& service)
{
    m_host.post([service](AdminClient& client) { client.forgetSecret(service); });
}

void AdminService::forgetSession(const QString& service)
{
    m_host.post([service](AdminClient& client) { client.forgetSession(service); });
}

void AdminService::onHostedFinished(const AdminResult& result)
{
    if (const auto it = m_holding.constFind(result.requestId); it != m_holding.cend()) {
        const QString service = *it;
        m_holding.erase(it);
        Q_EMIT busyChanged(service, false);
    }
    Q_EMIT finished(result);
}

} // namespace hd
