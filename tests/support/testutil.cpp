#include "testutil.h"

#include <QFile>
#include <QTcpServer>

namespace hdtest {

QString dataPath(const QString &relative)
{
    return QStringLiteral(HD_TEST_DATA_DIR "/") + relative;
}

QByteArray readData(const QString &relative)
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

} // namespace hdtest
