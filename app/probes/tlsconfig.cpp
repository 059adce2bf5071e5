#include "tlsconfig.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace hd {

namespace {

// PEM keys do not always say their algorithm (PKCS#8 "PRIVATE KEY"), so try each.
QSslKey parseKey(const QByteArray& pem)
{
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

} // namespace

bool applyTlsClientConfig(const TlsClientConfig& tls, QSslConfiguration& ssl, QString* error)
{
    QByteArray data;
    if (!tls.caFile.isEmpty()) {
        if (!readTlsFile(tls.caFile, &data, error))
            return false;
        const QList<QSslCertificate> cas = QSslCertificate::fromData(data, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = QStringLiteral("no PEM certificate in CA file %1").arg(tls.caFile);
            return false;
        }
        ssl.addCaCertificates(cas);
    }
    if (!tls.certFile.isEmpty()) {
        if (!readTlsFile(tls.certFile, &data, error))
            return false;
        const QList<QSslCertificate> chain = QSslCertificate::fromData(data, QSsl::Pem);
        if (chain.isEmpty()) {
            *error = QStringLiteral("no PEM certificate in client certificate file %1").arg(tls.certFile);
            return false;
        }
        // Without a key file the key may sit in the certificate file (combined PEM).
        const QString keyPath = tls.keyFile.isEmpty() ? tls.certFile : tls.keyFile;
        if (!tls.keyFile.isEmpty() && !readTlsFile(keyPath, &data, error))
            return false;
        const QSslKey key = parseKey(data);
        if (key.isNull()) {
            *error = QStringLiteral("no usable unencrypted PEM private key in %1").arg(keyPath);
            return false;
        }
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
    } else if (!tls.keyFile.isEmpty()) {
        *error = QStringLiteral("a client key (%1) needs a client certificate").arg(tls.keyFile);
        return false;
    }
    if (tls.insecure)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    return true;
}

bool readTlsFile(const QString& path, QByteArray* data, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *data = file.readAll();
    return true;
}

} // namespace hd
