#pragma once

#include <QObject>
#include <QSslServer>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

namespace hdtest {

// A throw-away PKI made with the openssl command at test time: a CA, a server
// certificate for 127.0.0.1/localhost (valid for 30 days) and a client certificate
// signed by it, and a second CA that signed nothing here (to play "untrusted").
// Beside them, for the error cases: a server certificate the CA issued for another
// name, one of the CA's that expired in 2020, and a self-signed one for 127.0.0.1.
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
    QString wrongNameCertFile() const { return path(QStringLiteral("wrong-name.pem")); }
    QString expiredCertFile() const { return path(QStringLiteral("expired.pem")); }
    QString selfSignedCertFile() const { return path(QStringLiteral("self-signed.pem")); }
    // The key of each of the certificates above: "server.key" for server.pem, and so on.
    QString keyFileFor(const QString& certFile) const;
    int serverCertificateDays() const { return 30; }

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    bool openssl(const QStringList& arguments);
    bool writeFile(const QString& name, const QByteArray& data);

    QTemporaryDir m_dir;
    QString m_error;
};

// HTTPS on 127.0.0.1 with the fixture's server certificate; answers every
// request with 200 {"status":"ok","client":"<client certificate CN>"}.
class TlsHttpServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsHttpServer)
public:
    TlsHttpServer(const TlsFixture& fixture, bool requireClientCertificate, QObject* parent = nullptr);

    // Before listen(): serve this certificate (a file of the fixture) instead of server.pem.
    void setCertificateFile(const QString& file) { m_certificateFile = file; }
    // Before listen(): answer any number of requests on one connection (HTTP keep-alive).
    void setKeepAlive(bool on) { m_keepAlive = on; }
    // Before listen(): answer every request with a 302 to this location instead of 200.
    void setRedirect(const QByteArray& location) { m_redirect = location; }
    int connectionsAccepted() const { return m_accepted; }

    bool listen(); // false with errorString() when the certificate files do not load
    QString errorString() const { return m_error; }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString& path = QStringLiteral("/")) const;
    int requestsServed() const { return m_served; }
    int failedHandshakes() const { return m_failedHandshakes; }

private:
    void serve(QSslSocket* socket);

    const TlsFixture& m_fixture;
    bool m_requireClientCertificate;
    bool m_keepAlive = false;
    QByteArray m_redirect;
    QString m_certificateFile;
    QSslServer m_server;
    int m_accepted = 0;
    QString m_error;
    int m_served = 0;
    int m_failedHandshakes = 0;
};

} // namespace hdtest
