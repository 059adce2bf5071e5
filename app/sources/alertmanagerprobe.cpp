#include "alertmanagerprobe.h"

#include "probes/httpprobe.h"
#include "probes/probeutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hd {

namespace {

QString firstLabel(const QMap<QString, QString>& labels, const QStringList& names)
{
    for (const QString& name : names) {
        const QString value = labels.value(name);
        if (!value.isEmpty())
            return value;
    }
    return QString();
}

} // namespace

ProbeResult alertmanagerAlertsResult(const AlertmanagerSourceConfig& source, const ProbeResult& http)
{
    using O = ProbeResult::Outcome;
    if (!http.completed())
        return http;
    const QString httpStatus = u"HTTP " + QString::number(http.status);
    if (http.status == 401 || http.status == 403)
        return failedAnswer(http, O::AuthRejected, httpStatus + u": authentication rejected by Alertmanager");
    if (http.status != 200)
        return failedAnswer(http, O::ProtocolError,
            u"Alertmanager answered " + httpStatus
                + (http.body.isEmpty() ? QString() : u": " + QString::fromUtf8(http.body.left(200)).simplified()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(http.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return failedAnswer(http, O::ProtocolError, httpStatus + u": not a list of alerts from Alertmanager's API v2");

    ProbeResult out = http;
    out.items.clear();
    out.body.clear();
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject a = v.toObject();
        auto facts = std::make_shared<AlertFacts>();
        facts->source = source.name;
        facts->fingerprint = a.value(u"fingerprint").toString();
        const QJsonObject labels = a.value(u"labels").toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            facts->labels.insert(it.key(), it.value().toString());
        facts->service = firstLabel(facts->labels, source.serviceLabels);
        if (facts->service.isEmpty())
            facts->service = source.name;
        facts->check = firstLabel(facts->labels, source.checkLabels);
        if (facts->check.isEmpty())
            facts->check = QStringLiteral("alert");
        facts->instance = facts->labels.value(QStringLiteral("instance"));
        facts->group = source.groupLabel.isEmpty() ? source.name : facts->labels.value(source.groupLabel);
        facts->severity = facts->labels.value(QStringLiteral("severity"));
        const QJsonObject annotations = a.value(u"annotations").toObject();
        facts->summary = annotations.value(u"summary").toString();
        if (facts->summary.isEmpty())
            facts->summary = annotations.value(u"description").toString();
        facts->generatorUrl = a.value(u"generatorURL").toString();
        facts->startsAt = QDateTime::fromString(a.value(u"startsAt").toString(), Qt::ISODateWithMs);
        const QJsonObject status = a.value(u"status").toObject();
        for (const QJsonValue& id : status.value(u"silencedBy").toArray())
            facts->silencedBy << id.toString();
        for (const QJsonValue& id : status.value(u"inhibitedBy").toArray())
            facts->inhibitedBy << id.toString();
        ProbeResult item = http;
        item.items.clear();
        item.headers.clear();
        item.body = QJsonDocument(a).toJson(QJsonDocument::Compact);
        item.contentType = QByteArrayLiteral("application/json");
        item.item = facts->instance.isEmpty() ? facts->fingerprint : facts->instance;
        item.alert = facts;
        out.items << item;
    }
    return out;
}

void applyAlertmanagerSilences(ProbeResult& alerts, const QByteArray& silencesJson)
{
    QHash<QString, QString> text;
    const QJsonArray silences = QJsonDocument::fromJson(silencesJson).array();
    for (const QJsonValue& v : silences) {
        const QJsonObject s = v.toObject();
        const QDateTime ends = QDateTime::fromString(s.value(u"endsAt").toString(), Qt::ISODateWithMs);
        text.insert(s.value(u"id").toString(),
            u"by " + s.value(u"createdBy").toString() + u" until "
                + ends.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) + u": "
                + s.value(u"comment").toString());
    }
    for (ProbeResult& item : alerts.items) {
        if (!item.alert || item.alert->silencedBy.isEmpty())
            continue;
        auto facts = std::make_shared<AlertFacts>(*item.alert);
        facts->silence = text.value(facts->silencedBy.first());
        item.alert = facts;
    }
}

AlertmanagerProbe::AlertmanagerProbe(const CheckConfig& check, HttpClient* client, qint64 maxBodyBytes, QObject* parent)
    : Probe(parent)
    , m_source(check.alertmanager ? *check.alertmanager : AlertmanagerSourceConfig {})
{
    m_alerts = new HttpProbe(check, client, maxBodyBytes, this);
    CheckConfig silences = check;
    if (check.alertmanager)
        silences.http.url = apiUrl(check.alertmanager->url, QStringLiteral("/api/v2/silences"));
    m_silences = new HttpProbe(silences, client, maxBodyBytes, this);
    connect(m_alerts, &Probe::finished, this, &AlertmanagerProbe::onAlerts);
    connect(m_silences, &Probe::finished, this, &AlertmanagerProbe::onSilences);
}

void AlertmanagerProbe::run()
{
    m_alerts->start();
}

void AlertmanagerProbe::endRun(ProbeResult* result)
{
    m_pending = ProbeResult {};
    if (!result) {
        m_alerts->cancel();
        m_silences->cancel();
    }
}

void AlertmanagerProbe::onAlerts(const ProbeResult& http)
{
    ProbeResult result = alertmanagerAlertsResult(m_source, http);
    if (!result.completed()) {
        // The alerts as last seen, marked stale, so that a lost source never reads as all clear.
        for (const ProbeResult& seen : std::as_const(m_lastSeen)) {
            ProbeResult item = seen;
            auto facts = std::make_shared<AlertFacts>(*seen.alert);
            facts->stale = true;
            facts->staleReason = result.error;
            item.alert = facts;
            result.items << item;
        }
        passOn(result);
        return;
    }
    m_lastSeen = result.items;
    for (const ProbeResult& item : std::as_const(result.items)) {
        if (!item.alert->silencedBy.isEmpty()) {
            m_pending = result;
            m_silences->start();
            return;
        }
    }
    passOn(result);
}

void AlertmanagerProbe::onSilences(const ProbeResult& http)
{
    ProbeResult result = m_pending;
    m_pending = ProbeResult {};
    if (http.completed() && http.status == 200)
        applyAlertmanagerSilences(result, http.body);
    m_lastSeen = result.items;
    passOn(result);
}

} // namespace hd
