#include "tlsfixture.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>

namespace hdtest {

TlsFixture::TlsFixture()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return;
    }
    // EC keys: generated in milliseconds, unlike RSA.
    const QStringList ecKey { QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes") };
    const QStringList caExtensions { QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
        QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign") };
    auto makeCa = [&](const QString& name, const QString& subject) {
        return openssl(QStringList { QStringLiteral("req"), QStringLiteral("-x509") } + ecKey + caExtensions
            + QStringList { QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), subject,
                QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                name + QStringLiteral(".pem") });
    };
    auto makeLeaf = [&](const QString& name, const QString& subject, const QString& extensionFile,
                        const QString& days = QStringLiteral("2")) {
        return openssl(QStringList { QStringLiteral("req") } + ecKey
                   + QStringList { QStringLiteral("-subj"), subject, QStringLiteral("-keyout"),
                       name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".csr") })
            && openssl(
                { QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), name + QStringLiteral(".csr"),
                    QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                    QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), days, QStringLiteral("-extfile"),
                    extensionFile, QStringLiteral("-out"), name + QStringLiteral(".pem") });
    };
    const bool ok = writeFile(QStringLiteral("server.ext"),
                        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
        && writeFile(QStringLiteral("client.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n")
        && makeCa(QStringLiteral("ca"), QStringLiteral("/CN=healthdeck test CA"))
        && makeCa(QStringLiteral("other-ca"), QStringLiteral("/CN=healthdeck untrusted CA"))
        && writeFile(QStringLiteral("wrong-name.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:elsewhere.example\n")
        && makeLeaf(QStringLiteral("server"), QStringLiteral("/CN=localhost"), QStringLiteral("server.ext"),
            QString::number(serverCertificateDays()))
        && makeLeaf(QStringLiteral("client"), u"/CN=" + clientCommonName(), QStringLiteral("client.ext"))
        && makeLeaf(
            QStringLiteral("wrong-name"), QStringLiteral("/CN=elsewhere.example"), QStringLiteral("wrong-name.ext"))
        // A certificate that ended long ago: `openssl ca` takes explicit dates, `x509 -req` does not.
        && writeFile(QStringLiteral("index.txt"), "")
        && writeFile(QStringLiteral("ca.cnf"),
            "[ca]\ndefault_ca=test\n[test]\ndatabase=index.txt\nnew_certs_dir=.\nserial=ca.srl\n"
            "default_md=sha256\npolicy=any\ncopy_extensions=none\n[any]\ncommonName=supplied\n")
        && openssl(QStringList { QStringLiteral("req") } + ecKey
            + QStringList { QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"),
                QStringLiteral("expired.key"), QStringLiteral("-out"), QStringLiteral("expired.csr") })
        && openssl({ QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-config"),
            QStringLiteral("ca.cnf"), QStringLiteral("-cert"), QStringLiteral("ca.pem"), QStringLiteral("-keyfile"),
            QStringLiteral("ca.key"), QStringLiteral("-startdate"), QStringLiteral("20200101000000Z"),
            QStringLiteral("-enddate"), QStringLiteral("20200201000000Z"), QStringLiteral("-extfile"),
            QStringLiteral("server.ext"), QStringLiteral("-notext"), QStringLiteral("-in"),
            QStringLiteral("expired.csr"), QStringLiteral("-out"), QStringLiteral("expired.pem") })
        && openssl(QStringList { QStringLiteral("req"), QStringLiteral("-x509") } + ecKey
            + QStringList { QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"), QStringLiteral("-keyout"),
                QStringLiteral("self-signed.key"), QStringLiteral("-out"), QStringLiteral("self-signed.pem") });
    if (!ok && m_error.isEmpty())
        m_error = QStringLiteral("could not create the test certificates");
}

QString TlsFixture::keyFileFor(const QString& certFile) const
{
    QString key = certFile;
    key.replace(key.size() - 4, 4, QStringLiteral(".key"));
    return key;
}

bool TlsFixture::writeFile(const QString& name, const QByteArray& data)
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size()) {
        m_error = QStringLiteral("cannot write %1").arg(file.fileName());
        return false;
    }
    return true;
}

bool TlsFixture::openssl(const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("openssl %1 failed: %2 %3")
                      .arg(arguments.join(u' '), process.errorString(), QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

TlsHttpServer::TlsHttpServer(const TlsFixture& fixture, bool requireClientCertificate, QObject* parent)
    : QObject(parent)
    , m_fixture(fixture)
    , m_requireClientCertificate(requireClientCertificate)
{
    connect(&m_server, &QSslServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            ++m_accepted;
            serve(qobject_cast<QSslSocket*>(socket));
        }
    });
    connect(&m_server, &QSslServer::errorOccurred, this,
        [this](QSslSocket*, QAbstractSocket::SocketError) { ++m_failedHandshakes; });
}

bool TlsHttpServer::listen()
{
    const QString certificateFile = m_certificateFile.isEmpty() ? m_fixture.serverCertFile() : m_certificateFile;
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(certificateFile);
    const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_fixture.caFile());
    QFile keyFile(m_fixture.keyFileFor(certificateFile));
    if (certificates.isEmpty() || cas.isEmpty() || !keyFile.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot load the fixture's server certificate");
        return false;
    }
    const QSslKey key(keyFile.readAll(), QSsl::Ec);
    if (key.isNull()) {
        m_error = QStringLiteral("cannot load the fixture's server key");
        return false;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificate(certificates.first());
    ssl.setPrivateKey(key);
    ssl.setCaCertificates(cas);
    ssl.setPeerVerifyMode(m_requireClientCertificate ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
    ssl.setAllowedNextProtocols({ QByteArrayLiteral("http/1.1") }); // answers a client's ALPN offer
    m_server.setSslConfiguration(ssl);
    if (!m_server.listen(QHostAddress::LocalHost, 0)) {
        m_error = m_server.errorString();
        return false;
    }
    return true;
}

QUrl TlsHttpServer::url(const QString& path) const
{
    return QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(port()).arg(path));
}

void TlsHttpServer::serve(QSslSocket* socket)
{
    if (!socket)
        return;
    socket->setParent(this);
    connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
    auto answer = [this, socket] {
        QByteArray buffer = socket->property("hdtestBuffer").toByteArray() + socket->readAll();
        while (!socket->property("hdtestAnswered").toBool()) {
            // Requests without a body, as the probes send them.
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                break;
            buffer.remove(0, end + 4);
            ++m_served;
            if (!m_redirect.isEmpty()) {
                socket->write("HTTP/1.1 302 Found\r\nLocation: " + m_redirect + "\r\nContent-Length: 0\r\n\r\n");
                continue; // kept alive
            }
            const QStringList names = socket->peerCertificate().subjectInfo(QSslCertificate::CommonName);
            const QByteArray body = "{\"status\":\"ok\",\"client\":\"" + names.value(0).toUtf8() + "\"}";
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + QByteArray::number(body.size()) + (m_keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n")
                + body);
            if (!m_keepAlive) {
                socket->setProperty("hdtestAnswered", true);
                socket->disconnectFromHost();
            }
        }
        socket->setProperty("hdtestBuffer", buffer);
    };
    connect(socket, &QSslSocket::readyRead, this, answer);
    answer(); // the request may have arrived with the end of the handshake
}

} // namespace hdtest
