#include "admin/adminpreset.h"

#include <QJsonArray>
#include <QVariant>

namespace hd {

namespace {

// The answer's "data" object, when the answer succeeded and is a JSON object.
std::optional<QJsonObject> answerData(const AdminResult& result)
{
    if (!result.ok() || !result.response.isObject())
        return std::nullopt;
    return result.response.toObject().value(u"data").toObject();
}

} // namespace

QStringList TradingPreset::marketTypes()
{
    return { QStringLiteral("spot"), QStringLiteral("futures") };
}

AdminParams TradingPreset::cacheClearParams(const QString& type, const QString& exchange, const QString& marketType)
{
    AdminParams params { { kCacheTypeParam, type } };
    if (const QString e = exchange.trimmed(); !e.isEmpty())
        params.insert(kExchangeParam, e);
    if (const QString m = marketType.trimmed(); !m.isEmpty())
        params.insert(kMarketTypeParam, m);
    return params;
}

QString TradingPreset::readBackAction(const QString& action)
{
    if (action == kSchedulerStart || action == kSchedulerStop || action == kSchedulerRestart || action == kTriggerJob)
        return kSchedulerStatus;
    if (action == kCacheClear)
        return kCacheStats;
    return {};
}

QList<SchedulerJob> SchedulerStatus::jobsOfType(const QString& jobType) const
{
    QList<SchedulerJob> out;
    for (const SchedulerJob& job : jobs) {
        if (job.jobType == jobType)
            out += job;
    }
    return out;
}

QString SchedulerStatus::jobName(const QString& jobType) const
{
    QString name;
    for (const SchedulerJob& job : jobs) {
        if (job.jobType == jobType && !job.name.isEmpty())
            name = job.name;
    }
    return name;
}

std::optional<SchedulerStatus> parseSchedulerStatus(const AdminResult& result)
{
    const std::optional<QJsonObject> data = answerData(result);
    if (!data || (result.action != TradingPreset::kSchedulerStatus && !data->contains(u"jobs")))
        return std::nullopt;
    SchedulerStatus status;
    const QJsonValue running = data->value(u"running");
    status.running = running.isBool() ? running.toBool() : data->value(u"state").toString() == u"running";
    const QJsonArray jobs = data->value(u"jobs").toArray();
    for (const QJsonValue& v : jobs) {
        const QJsonObject o = v.toObject();
        SchedulerJob job;
        job.id = o.value(u"id").toString();
        job.name = o.value(u"name").toString();
        job.jobType = o.value(u"job_type").toString();
        job.trigger = o.value(u"trigger").toString();
        job.nextRun = QDateTime::fromString(o.value(u"next_run_time").toString(), Qt::ISODateWithMs);
        status.jobs += job;
    }
    return status;
}

QList<CacheStatField> cacheStatFields()
{
    return {
        { QStringLiteral("total_clients"), QStringLiteral("Total clients") },
        { QStringLiteral("active_clients"), QStringLiteral("Active clients") },
        { QStringLiteral("expired_clients"), QStringLiteral("Expired clients") },
        { QStringLiteral("max_size"), QStringLiteral("Max size") },
        { QStringLiteral("ttl"), QStringLiteral("TTL") },
        { QStringLiteral("entries"), QStringLiteral("Entries") },
    };
}

QString CacheStats::text(const QString& key) const
{
    const QJsonValue v = data.value(key);
    if (v.isObject()) {
        // {"price": 12, "exchange": 6} -> "price 12, exchange 6"
        QStringList parts;
        const QJsonObject o = v.toObject();
        for (auto p = o.begin(); p != o.end(); ++p)
            parts += p.key() + u' ' + p.value().toVariant().toString();
        return parts.join(QStringLiteral(", "));
    }
    if (key == u"ttl" && v.isDouble())
        return v.toVariant().toString() + QStringLiteral(" s");
    if (!v.isUndefined() && !v.isNull())
        return v.toVariant().toString();
    return {};
}

std::optional<CacheStats> parseCacheStats(const AdminResult& result)
{
    const std::optional<QJsonObject> data = answerData(result);
    if (!data || result.action != TradingPreset::kCacheStats)
        return std::nullopt;
    CacheStats stats;
    stats.data = *data;
    stats.exchanges = data->value(u"by_exchange").toObject().keys();
    return stats;
}

} // namespace hd
