#include "testutil.h"

#include <QNetworkReply>

#include <QNetworkAccessManager>

#include <QEventLoop>

#include <QFile>
#include <QTcpServer>

namespace hdtest {

QString dataPath(const QString& relative)
{
    return QStringLiteral(HD_TEST_DATA_DIR "/") + relative;
}

QByteArray readData(const QString& relative)
{
    QFile f(dataPath(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test fixture %s", qPrintable(f.fileName()));
    return f.readAll();
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        qFatal("no free port");
    return server.serverPort();
}

QByteArray httpRequest(const QByteArray& method, const QUrl& url, const QByteArray& body, int* status)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setTransferTimeout(5000);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    reply->deleteLater();
    return answer;
}

} // namespace hdtest
