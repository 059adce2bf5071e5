#include "demo/demoportal.h"

namespace hd {

namespace {

QJsonObject document(const QString& status, const QJsonObject& checks)
{
    return { { QStringLiteral("status"), status }, { QStringLiteral("checks"), checks } };
}

} // namespace

DemoPortal::DemoPortal(QObject* parent)
    : DemoService(QStringLiteral("portal"), parent)
{
    using Method = QHttpServerRequest::Method;
    addRoute(Method::Get, QStringLiteral("/health/ping"),
        [](const QHttpServerRequest&) { return DemoReply::text(QByteArrayLiteral("ok")); });

    addRoute(Method::Get, QStringLiteral("/health/live"), [](const QHttpServerRequest&) {
        return DemoReply::json(document(QStringLiteral("alive"), { { QStringLiteral("process"), true } }));
    });

    addRoute(Method::Get, QStringLiteral("/health/ready"), [this](const QHttpServerRequest&) {
        const bool starting = isStarting();
        const bool database = !isDatabaseDown();
        const QJsonObject checks { { QStringLiteral("database"), database }, { QStringLiteral("cache"), true },
            { QStringLiteral("migrations"), !starting } };
        if (starting)
            return DemoReply::json(document(QStringLiteral("starting"), checks), 503);
        if (!database)
            return DemoReply::json(document(QStringLiteral("not_ready"), checks), 503);
        return DemoReply::json(document(QStringLiteral("ready"), checks));
    });

    addRoute(Method::Get, QStringLiteral("/health/startup"), [this](const QHttpServerRequest&) {
        const bool starting = isStarting();
        const QJsonObject checks { { QStringLiteral("migrations"), !starting },
            { QStringLiteral("static_files"), true }, { QStringLiteral("cache_warmup"), !starting } };
        if (starting)
            return DemoReply::json(document(QStringLiteral("starting"), checks), 503);
        return DemoReply::json(document(QStringLiteral("started"), checks));
    });
}

} // namespace hd
