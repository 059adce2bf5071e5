#include "demofleet.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace hd {

namespace {

QJsonObject alert(const QJsonObject& labels, const QString& summary, const QDateTime& since, const QString& generator)
{
    return QJsonObject { { QStringLiteral("labels"), labels },
        { QStringLiteral("annotations"), QJsonObject { { QStringLiteral("summary"), summary } } },
        { QStringLiteral("startsAt"), since.toString(Qt::ISODateWithMs) },
        { QStringLiteral("generatorURL"), generator } };
}

} // namespace

DemoFleet::DemoFleet(const QUrl& alertmanager, QObject* parent)
    : QObject(parent)
    , m_url(alertmanager)
{
    m_repeat.setInterval(30'000);
    connect(&m_repeat, &QTimer::timeout, this, [this] { post(alerts(false)); });
}

void DemoFleet::start()
{
    m_started = QDateTime::currentDateTimeUtc().addSecs(-47 * 60); // as if the node began filling before the demo
    post(alerts(false));
    m_repeat.start();
}

void DemoFleet::setFixSessionDown(bool down)
{
    if (down == m_fixDown)
        return;
    m_fixDown = down;
    if (down)
        m_fixSince = QDateTime::currentDateTimeUtc();
    post(alerts(!down));
    if (!down)
        m_fixSince = QDateTime();
}

QJsonArray DemoFleet::alerts(bool withFixEnded) const
{
    // The generator link opens Alertmanager's own page of the alert: the demo has no Prometheus behind it.
    const auto page = [this](const QString& name) -> QString {
        return m_url.toString() + QStringLiteral("/#/alerts?filter=%7Balertname%3D%22") + name
            + QStringLiteral("%22%7D");
    };
    QJsonArray out;
    out << alert(QJsonObject { { QStringLiteral("alertname"), QStringLiteral("Watchdog") },
                     { QStringLiteral("severity"), QStringLiteral("none") } },
        QStringLiteral("the alert pipeline is alive: this alert always fires"), m_started,
        page(QStringLiteral("Watchdog")));
    out << alert(QJsonObject { { QStringLiteral("alertname"), QStringLiteral("DiskFilling") },
                     { QStringLiteral("service"), QStringLiteral("backtest-node") },
                     { QStringLiteral("job"), QStringLiteral("node") },
                     { QStringLiteral("instance"), QStringLiteral("bt-1:9100") },
                     { QStringLiteral("severity"), QStringLiteral("warning") } },
        QStringLiteral("/data is 91 % full and fills up in about 6 h"), m_started, page(QStringLiteral("DiskFilling")));
    if (m_fixSince.isValid()) {
        QJsonObject fix = alert(QJsonObject { { QStringLiteral("alertname"), QStringLiteral("FixSessionDown") },
                                    { QStringLiteral("service"), QStringLiteral("fix-gateway") },
                                    { QStringLiteral("instance"), QStringLiteral("lse-1") },
                                    { QStringLiteral("severity"), QStringLiteral("critical") } },
            QStringLiteral("FIX session to the exchange dropped: orders are not reaching it"), m_fixSince,
            page(QStringLiteral("FixSessionDown")));
        if (withFixEnded)
            fix.insert(QStringLiteral("endsAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
        out << fix;
    }
    return out;
}

void DemoFleet::post(const QJsonArray& alerts)
{
    QNetworkRequest request(QUrl(m_url.toString() + QStringLiteral("/api/v2/alerts")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(5000);
    QNetworkReply* reply = m_network.post(request, QJsonDocument(alerts).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
}

} // namespace hd
