#include "prometheusprobe.h"

#include "probes/httpprobe.h"
#include "probes/probeutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <limits>

namespace hd {

namespace {

// Prometheus writes sample values as strings: "1", "0.25", "NaN", "+Inf", "-Inf".
std::optional<double> sampleValue(const QJsonValue& v)
{
    const QString text = v.toString();
    if (text == u"NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == u"+Inf" || text == u"Inf")
        return std::numeric_limits<double>::infinity();
    if (text == u"-Inf")
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double d = text.toDouble(&ok);
    return ok ? std::optional<double>(d) : std::nullopt;
}

// A [time, "value"] pair.
std::optional<double> pairValue(const QJsonValue& pair)
{
    const QJsonArray a = pair.toArray();
    return a.size() == 2 ? sampleValue(a.at(1)) : std::nullopt;
}

ProbeResult seriesResult(const ProbeResult& http, const QJsonObject& series, double value)
{
    ProbeResult r = http;
    r.items.clear();
    r.headers.clear();
    r.body = QJsonDocument(series).toJson(QJsonDocument::Compact);
    r.contentType = QByteArrayLiteral("application/json");
    const QJsonObject metric = series.value(u"metric").toObject();
    for (auto it = metric.begin(); it != metric.end(); ++it)
        r.seriesLabels.insert(it.key(), it.value().toString());
    r.seriesValue = value;
    r.item = prometheusItemName(r.seriesLabels);
    return r;
}

} // namespace

QString prometheusItemName(const QMap<QString, QString>& labels)
{
    QStringList parts;
    for (auto it = labels.begin(); it != labels.end(); ++it) { // QMap: in label-name order
        if (it.key() != u"__name__")
            parts << it.key() + u'=' + it.value();
    }
    return parts.join(u',');
}

ProbeResult prometheusQueryResult(const ProbeResult& http)
{
    using O = ProbeResult::Outcome;
    if (!http.completed())
        return http;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(http.body, &parseError);
    const QJsonObject top = doc.object();
    const QString httpStatus = u"HTTP " + QString::number(http.status);
    if (http.status == 401 || http.status == 403)
        return failedAnswer(http, O::AuthRejected, httpStatus + u": authentication rejected by Prometheus");
    if (parseError.error != QJsonParseError::NoError || !top.contains(u"status"))
        return failedAnswer(http, O::ProtocolError,
            httpStatus + u": not a Prometheus API answer"
                + (parseError.error != QJsonParseError::NoError ? u" (" + parseError.errorString() + u')' : QString()));

    if (top.value(u"status").toString() != u"success") {
        // {"status":"error","errorType":"bad_data","error":"1:5: parse error: ..."}
        const QString type = top.value(u"errorType").toString();
        const QString message = top.value(u"error").toString();
        return failedAnswer(http, O::Misconfigured,
            u"Prometheus answered " + httpStatus + (type.isEmpty() ? QString() : u' ' + type)
                + (message.isEmpty() ? QString() : u": " + message));
    }

    const QJsonObject data = top.value(u"data").toObject();
    const QString type = data.value(u"resultType").toString();
    const QJsonValue result = data.value(u"result");
    ProbeResult out = http;
    out.items.clear();
    out.body.clear(); // the series carry their own; the whole answer may be large
    QSet<QString> seen;
    const auto add = [&](const QJsonObject& series, std::optional<double> value) {
        if (!value)
            return;
        ProbeResult r = seriesResult(http, series, *value);
        if (seen.contains(r.item)) // series told apart only by their name
            r.item += (r.item.isEmpty() ? QString() : QStringLiteral(",")) + u"__name__="
                + r.seriesLabels.value(QStringLiteral("__name__"));
        seen.insert(r.item);
        out.items << r;
    };
    if (type == u"vector") {
        for (const QJsonValue& v : result.toArray()) {
            const QJsonObject series = v.toObject();
            add(series, pairValue(series.value(u"value")));
        }
    } else if (type == u"matrix") { // a range selector: the newest value of each series
        for (const QJsonValue& v : result.toArray()) {
            const QJsonObject series = v.toObject();
            const QJsonArray values = series.value(u"values").toArray();
            if (!values.isEmpty())
                add(series, pairValue(values.last()));
        }
    } else if (type == u"scalar") {
        add(QJsonObject { { QStringLiteral("value"), result } }, pairValue(result));
    } else {
        return failedAnswer(http, O::Misconfigured,
            u"the query returned a " + (type.isEmpty() ? QStringLiteral("result of no known type") : type)
                + u", not numbers");
    }
    return out;
}

PrometheusProbe::PrometheusProbe(const CheckConfig& check, HttpClient* client, qint64 maxBodyBytes, QObject* parent)
    : Probe(parent)
    , m_http(new HttpProbe(check, client, maxBodyBytes, this))
{
    connect(
        m_http, &Probe::finished, this, [this](const ProbeResult& result) { passOn(prometheusQueryResult(result)); });
}

void PrometheusProbe::run()
{
    m_http->start();
}

void PrometheusProbe::endRun(ProbeResult* result)
{
    if (!result)
        m_http->cancel();
}

} // namespace hd
