#include "admin/secretstore.h"

#include <QTimer>

#ifdef HD_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace hd {

namespace {

const QString& keychainService()
{
    static const QString name = QStringLiteral("healthdeck");
    return name;
}

#ifdef HD_HAVE_QTKEYCHAIN

class KeychainSecretStore final : public SecretStore {
public:
    QString name() const override { return QStringLiteral("the system keychain"); }

    void readSecret(const QString& key, QObject* context, ReadDone done) override
    {
        auto* job = new QKeychain::ReadPasswordJob(keychainService());
        job->setAutoDelete(true);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, context, [job, key, done = std::move(done)] {
            if (job->error() == QKeychain::NoError)
                done(job->textData(), {});
            else if (job->error() == QKeychain::EntryNotFound)
                done({}, u"no entry " + key);
            else
                done({}, job->errorString());
        });
        job->start();
    }

    void writeSecret(const QString& key, const QString& secret, QObject* context, WriteDone done) override
    {
        auto* job = new QKeychain::WritePasswordJob(keychainService());
        job->setAutoDelete(true);
        job->setKey(key);
        job->setTextData(secret);
        QObject::connect(job, &QKeychain::Job::finished, context, [job, done = std::move(done)] {
            done(job->error() == QKeychain::NoError ? QString() : job->errorString());
        });
        job->start();
    }

    void deleteSecret(const QString& key, QObject* context, WriteDone done) override
    {
        auto* job = new QKeychain::DeletePasswordJob(keychainService());
        job->setAutoDelete(true);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, context, [job, done = std::move(done)] {
            const bool gone = job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound;
            done(gone ? QString() : job->errorString());
        });
        job->start();
    }
};

#else

class NoKeychainSecretStore final : public SecretStore {
public:
    QString name() const override { return QStringLiteral("the system keychain"); }

    void readSecret(const QString&, QObject* context, ReadDone done) override
    {
        QTimer::singleShot(0, context, [done = std::move(done)] { done({}, unsupported()); });
    }
    void writeSecret(const QString&, const QString&, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [done = std::move(done)] { done(unsupported()); });
    }
    void deleteSecret(const QString&, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [done = std::move(done)] { done(unsupported()); });
    }

private:
    static QString unsupported()
    {
        return QStringLiteral("this build of healthdeck has no keychain support (qtkeychain)");
    }
};

#endif

} // namespace

QString adminSecretKey(const QString& service)
{
    return service + u"/password";
}

std::unique_ptr<SecretStore> createSystemSecretStore()
{
#ifdef HD_HAVE_QTKEYCHAIN
    return std::make_unique<KeychainSecretStore>();
#else
    return std::make_unique<NoKeychainSecretStore>();
#endif
}

bool systemKeychainSupported()
{
#ifdef HD_HAVE_QTKEYCHAIN
    return true;
#else
    return false;
#endif
}

} // namespace hd
