#include "monitorprocess.h"

#include <QJsonDocument>
#include <QSignalSpy>

namespace hdtest {

MonitorProcess::MonitorProcess(const QStringList& args)
{
    QObject::connect(&process, &QProcess::readyReadStandardOutput, [this] {
        buffer += process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            lines << QJsonDocument::fromJson(buffer.left(nl)).object();
            raw << buffer.left(nl);
            buffer.remove(0, nl + 1);
        }
    });
    QObject::connect(&process, &QProcess::readyReadStandardError, [this] { err += process.readAllStandardError(); });
    process.start(QStringLiteral(HD_HEALTHDECK_BIN_PATH), QStringList { QStringLiteral("monitor") } + args);
}

MonitorProcess::~MonitorProcess()
{
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(3000);
    }
}

bool MonitorProcess::waitFinished(int ms)
{
    if (process.state() == QProcess::NotRunning)
        return true;
    QSignalSpy spy(&process, &QProcess::finished);
    return spy.wait(ms);
}

int MonitorProcess::countTo(const QString& key, const QString& to) const
{
    int n = 0;
    for (const QJsonObject& o : lines) {
        QString k = o.value(u"service").toString() + u'/' + o.value(u"check").toString();
        if (o.contains(u"item"))
            k += u'/' + o.value(u"item").toString();
        n += k == key && o.value(u"to").toString() == to;
    }
    return n;
}

QList<QJsonObject> MonitorProcess::autoHeal() const
{
    QList<QJsonObject> out;
    for (const QJsonObject& o : lines) {
        if (o.value(u"action").toString() == u"auto-heal")
            out << o;
    }
    return out;
}

} // namespace hdtest
