#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace hd {

// Where admin credentials live when the config file does not hold them. Calls are asynchronous: the
// system keychain may ask the user to unlock it. Callbacks are skipped when `context` is gone.
class SecretStore {
public:
    using ReadDone = std::function<void(const QString& secret, const QString& error)>; // error empty: found
    using WriteDone = std::function<void(const QString& error)>; // error empty: done

    virtual ~SecretStore() = default;
    virtual QString name() const = 0; // "the system keychain", for messages
    virtual void readSecret(const QString& key, QObject* context, ReadDone done) = 0;
    virtual void writeSecret(const QString& key, const QString& secret, QObject* context, WriteDone done) = 0;
    virtual void deleteSecret(const QString& key, QObject* context, WriteDone done) = 0;
};

// The key under which an admin service's password (or bearer token) is kept: "<service>/password".
QString adminSecretKey(const QString& service);

// The system keychain through qtkeychain, under the service name "healthdeck". In a build without
// qtkeychain every call fails with a message that says so.
std::unique_ptr<SecretStore> createSystemSecretStore();

// True when this build can use the system keychain.
bool systemKeychainSupported();

} // namespace hd
