#include "demo/demoanalytics.h"

#include <QRandomGenerator>

namespace hd {

namespace {

QJsonObject check(bool healthy, double responseTimeMs, const QString& details)
{
    return { { QStringLiteral("status"), healthy ? QStringLiteral("healthy") : QStringLiteral("unhealthy") },
        { QStringLiteral("response_time_ms"), responseTimeMs }, { QStringLiteral("details"), details } };
}

double simulatedMs(int minTenths, int maxTenths)
{
    return QRandomGenerator::global()->bounded(minTenths, maxTenths) / 10.0;
}

} // namespace

DemoAnalytics::DemoAnalytics(QObject* parent)
    : DemoService(QStringLiteral("analytics"), parent)
{
    using Method = QHttpServerRequest::Method;
    // The reason a failing analytics service gives, or empty when it is healthy.
    const auto problem = [this]() -> QString {
        if (isStarting())
            return QStringLiteral("service is starting: loading models");
        if (isDatabaseDown())
            return QStringLiteral("database: connection refused (clickhouse://db:9000)");
        return {};
    };

    // FastAPI redirects the path without its trailing slash.
    addRoute(Method::Get, QStringLiteral("/healthcheck"), [this](const QHttpServerRequest&) {
        DemoReply reply = DemoReply::text({}, 307);
        reply.headers.append(
            { QByteArrayLiteral("Location"), baseUrl().resolved(QUrl(QStringLiteral("/healthcheck/"))).toEncoded() });
        return reply;
    });

    addRoute(Method::Get, QStringLiteral("/healthcheck/"), [problem](const QHttpServerRequest&) {
        const QString error = problem();
        if (!error.isEmpty())
            return DemoReply::json(
                { { QStringLiteral("status"), QStringLiteral("error") }, { QStringLiteral("error"), error } }, 500);
        return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("success") },
            { QStringLiteral("data"), QJsonObject { { QStringLiteral("health"), QStringLiteral("ok") } } } });
    });

    addRoute(Method::Get, QStringLiteral("/healthcheck/detailed"), [this, problem](const QHttpServerRequest&) {
        const bool database = !isDatabaseDown();
        const QJsonObject checks {
            { QStringLiteral("database"),
                check(database, database ? simulatedMs(10, 60) : 2000.0,
                    database ? QStringLiteral("ClickHouse 23.8, 2 replicas") : QStringLiteral("connection refused")) },
            { QStringLiteral("redis"), check(true, simulatedMs(2, 15), QStringLiteral("PING ok")) },
            { QStringLiteral("model_store"),
                check(!isStarting(), simulatedMs(20, 90),
                    isStarting() ? QStringLiteral("loading 3 models") : QStringLiteral("3 models loaded")) },
        };
        const QString error = problem();
        if (!error.isEmpty())
            return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("error") },
                                       { QStringLiteral("error"), error }, { QStringLiteral("checks"), checks } },
                500);
        return DemoReply::json({ { QStringLiteral("status"), QStringLiteral("success") },
            { QStringLiteral("data"), QJsonObject { { QStringLiteral("health"), QStringLiteral("ok") } } },
            { QStringLiteral("checks"), checks } });
    });
}

} // namespace hd
