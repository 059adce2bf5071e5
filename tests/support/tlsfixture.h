#pragma once

#include <QObject>
#include <QSslServer>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

namespace hdtest {

// A throw-away PKI made with the openssl command at test time: a CA, a server
// certificate for 127.0.0.1/localhost and a client certificate signed by it,
// and a second CA that signed nothing here (to play "untrusted").
class TlsFixture final {
    Q_DISABLE_COPY_MOVE(TlsFixture)
public:
    TlsFixture();

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    QString caFile() const { return path(QStringLiteral("ca.pem")); }
    QString otherCaFile() const { return path(QStringLiteral("other-ca.pem")); }
    QString serverCertFile() const { return path(QStringLiteral("server.pem")); }
    QString serverKeyFile() const { return path(QStringLiteral("server.key")); }
    QString clientCertFile() const { return path(QStringLiteral("client.pem")); }
    QString clientKeyFile() const { return path(QStringLiteral("client.key")); }
    QString clientCommonName() const { return QStringLiteral("healthdeck-probe"); }

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    bool openssl(const QStringList &arguments);
    bool writeFile(const QString &name, const QByteArray &data);

    QTemporaryDir m_dir;
    QString m_error;
};

// HTTPS on 127.0.0.1 with the fixture's server certificate; answers every
// request with 200 {"status":"ok","client":"<client certificate CN>"}.
class TlsHttpServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsHttpServer)
public:
    TlsHttpServer(const TlsFixture &fixture, bool requireClientCertificate, QObject *parent = nullptr);

    bool listen(); // false with errorString() when the certificate files do not load
    QString errorString() const { return m_error; }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = QStringLiteral("/")) const;
    int requestsServed() const { return m_served; }
    int failedHandshakes() const { return m_failedHandshakes; }

private:
    void serve(QSslSocket *socket);

    const TlsFixture &m_fixture;
    bool m_requireClientCertificate;
    QSslServer m_server;
    QString m_error;
    int m_served = 0;
    int m_failedHandshakes = 0;
};

} // namespace hdtest
