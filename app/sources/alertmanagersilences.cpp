#include "alertmanagersilences.h"

#include "probes/tlsconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <algorithm>

namespace hd {

SilenceRequest silenceForAlert(const AlertmanagerSourceConfig& source, const AlertFacts& alert, const QString& author,
    const QString& comment, const QDateTime& now, qint64 expiryMs)
{
    SilenceRequest r;
    for (const QString& label : source.ackMatchers) {
        const auto it = alert.labels.constFind(label);
        if (it != alert.labels.constEnd())
            r.matchers << qMakePair(label, *it);
    }
    if (r.matchers.isEmpty()) // none of the configured labels: match the alert by all of its labels
        for (auto it = alert.labels.begin(); it != alert.labels.end(); ++it)
            r.matchers << qMakePair(it.key(), it.value());
    r.createdBy = author;
    r.comment = comment;
    r.startsAt = now.toUTC();
    r.endsAt = r.startsAt.addMSecs(expiryMs > 0 ? expiryMs : source.ackExpiryMs);
    return r;
}

QByteArray silenceJson(const SilenceRequest& request)
{
    QJsonArray matchers;
    for (const auto& [name, value] : request.matchers)
        matchers << QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("value"), value },
            { QStringLiteral("isRegex"), false }, { QStringLiteral("isEqual"), true } };
    const QJsonObject silence {
        { QStringLiteral("matchers"), matchers },
        { QStringLiteral("startsAt"), request.startsAt.toString(Qt::ISODateWithMs) },
        { QStringLiteral("endsAt"), request.endsAt.toString(Qt::ISODateWithMs) },
        { QStringLiteral("createdBy"), request.createdBy },
        { QStringLiteral("comment"), request.comment },
    };
    return QJsonDocument(silence).toJson(QJsonDocument::Compact);
}

AlertmanagerSilences::AlertmanagerSilences(QObject* parent)
    : QObject(parent)
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

void AlertmanagerSilences::create(const CheckConfig& source, const SilenceRequest& request, Done done)
{
    send(source, "POST", QStringLiteral("/api/v2/silences"), silenceJson(request), std::move(done));
}

void AlertmanagerSilences::expire(const CheckConfig& source, const QString& silenceId, Done done)
{
    send(source, "DELETE", u"/api/v2/silence/" + QString::fromLatin1(QUrl::toPercentEncoding(silenceId)), {},
        std::move(done));
}

void AlertmanagerSilences::send(
    const CheckConfig& source, const QByteArray& method, const QString& path, const QByteArray& body, Done done)
{
    const QUrl url = apiUrl(source.alertmanager ? source.alertmanager->url : source.http.url, path);
    QNetworkRequest request(url);
    request.setTransferTimeout(int(std::clamp<qint64>(source.timeoutMs, 1, 600000)));
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    for (const auto& [name, value] : source.http.headers)
        request.setRawHeader(name, value);
    if (!source.http.bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + source.http.bearer.toUtf8());
    else if (source.http.basic)
        request.setRawHeader("Authorization",
            "Basic " + (source.http.basic->username + u':' + source.http.basic->password).toUtf8().toBase64());
    if (url.scheme() == u"https") {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        QString why;
        if (!applyTlsClientConfig(source.http.tls, ssl, &why)) {
            QMetaObject::invokeMethod(
                this, [done, why] { done(false, 0, QString(), why); }, Qt::QueuedConnection);
            return;
        }
        request.setSslConfiguration(ssl);
    }
    QNetworkReply* reply = m_network.sendCustomRequest(request, method, body);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->readAll();
        if (status == 0) {
            done(false, 0, QString(), reply->errorString());
            return;
        }
        const QJsonObject json = QJsonDocument::fromJson(answer).object();
        const QString id = json.value(u"silenceID").toString();
        QString message = QString::fromUtf8(answer).trimmed();
        if (message.startsWith(u'"') && message.endsWith(u'"'))
            message = message.mid(1, message.size() - 2);
        done(status >= 200 && status < 300, status, id, status >= 200 && status < 300 ? QString() : message.left(300));
    });
}

} // namespace hd
