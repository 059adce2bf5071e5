#include "alertmanagerserver.h"

#include "testutil.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace hdtest {

namespace {

const char* kConfig = "route:\n"
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

bool AlertmanagerServer::start()
{
    if (!m_process.start(kConfig)) {
        m_error = m_process.errorString();
        return false;
    }
    // The port takes connections a moment before the API answers.
    const QDeadlineTimer deadline(30'000);
    while (!deadline.hasExpired() && m_process.isRunning()) {
        int status = 0;
        httpRequest("GET", QUrl(url() + u"/-/ready"), {}, &status);
        if (status == 200)
            return true;
        QEventLoop loop;
        QTimer::singleShot(200, &loop, &QEventLoop::quit);
        loop.exec();
    }
    m_error = QStringLiteral("prometheus-alertmanager did not become ready");
    return false;
}

bool AlertmanagerServer::post(const QJsonArray& alerts) const
{
    int status = 0;
    httpRequest("POST", QUrl(url() + u"/api/v2/alerts"), QJsonDocument(alerts).toJson(QJsonDocument::Compact), &status);
    return status == 200;
}

bool AlertmanagerServer::resolve(const QJsonObject& labels) const
{
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    return post({ QJsonObject { { u"labels"_s, labels }, { u"startsAt"_s, now }, { u"endsAt"_s, now } } });
}

QJsonArray AlertmanagerServer::alerts(const QString& alertname) const
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
