#include "alertmanagerserver.h"

#include "testutil.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace hdtest {

namespace {

const char *kConfig = "route:\n"
                      "  receiver: nobody\n"
                      "  group_wait: 0s\n"
                      "  group_interval: 1s\n"
                      "  repeat_interval: 1h\n"
                      "receivers:\n"
                      "  - name: nobody\n"
                      "inhibit_rules:\n"
                      "  - source_matchers: ['alertname=\"DatabaseDown\"']\n"
                      "    target_matchers: ['alertname=\"ApiErrors\"']\n"
                      "    equal: [env]\n";

} // namespace

AlertmanagerServer::~AlertmanagerServer()
{
    kill();
}

void AlertmanagerServer::kill()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool AlertmanagerServer::start()
{
    const QString binary = QStandardPaths::findExecutable(QStringLiteral("prometheus-alertmanager"));
    if (binary.isEmpty()) {
        m_error = QStringLiteral("prometheus-alertmanager is not installed (./dev.sh deps installs it)");
        return false;
    }
    const QString configPath = m_dir.filePath(QStringLiteral("alertmanager.yml"));
    QFile file(configPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(kConfig) < 0) {
        m_error = u"cannot write "_s + configPath;
        return false;
    }
    file.close();
    m_port = freePort();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_dir.filePath(QStringLiteral("alertmanager.log")));
    m_process.start(binary,
        { u"--config.file="_s + configPath, u"--storage.path="_s + m_dir.filePath(QStringLiteral("data")),
            u"--web.listen-address=127.0.0.1:"_s + QString::number(m_port), QStringLiteral("--cluster.listen-address="),
            QStringLiteral("--log.level=warn") });
    if (!m_process.waitForStarted(5000)) {
        m_error = u"prometheus-alertmanager did not start: "_s + m_process.errorString();
        return false;
    }
    const QDeadlineTimer deadline(30'000);
    while (!deadline.hasExpired() && m_process.state() != QProcess::NotRunning) {
        int status = 0;
        httpRequest("GET", QUrl(url() + u"/-/ready"), {}, &status);
        if (status == 200)
            return true;
        QEventLoop loop;
        QTimer::singleShot(200, &loop, &QEventLoop::quit);
        loop.exec();
    }
    QFile log(m_dir.filePath(QStringLiteral("alertmanager.log")));
    log.open(QIODevice::ReadOnly);
    m_error = u"prometheus-alertmanager did not become ready: "_s + QString::fromUtf8(log.readAll().right(2000));
    return false;
}

QString AlertmanagerServer::url() const
{
    return u"http://127.0.0.1:"_s + QString::number(m_port);
}

bool AlertmanagerServer::post(const QJsonArray &alerts) const
{
    int status = 0;
    httpRequest("POST", QUrl(url() + u"/api/v2/alerts"), QJsonDocument(alerts).toJson(QJsonDocument::Compact), &status);
    return status == 200;
}

bool AlertmanagerServer::resolve(const QJsonObject &labels) const
{
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    return post({ QJsonObject { { u"labels"_s, labels }, { u"startsAt"_s, now }, { u"endsAt"_s, now } } });
}

QJsonArray AlertmanagerServer::alerts(const QString &alertname) const
{
    QUrl u(url() + u"/api/v2/alerts");
    u.setQuery(u"filter="_s + QString::fromLatin1(QUrl::toPercentEncoding(u"alertname=\""_s + alertname + u'"')),
        QUrl::StrictMode);
    int status = 0;
    return QJsonDocument::fromJson(httpRequest("GET", u, {}, &status)).array();
}

QJsonArray AlertmanagerServer::silences() const
{
    int status = 0;
    return QJsonDocument::fromJson(httpRequest("GET", QUrl(url() + u"/api/v2/silences"), {}, &status)).array();
}

} // namespace hdtest
