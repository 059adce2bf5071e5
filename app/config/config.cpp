#include "config.h"

namespace hd {

QString SourceLocation::toString() const
{
    return file + u':' + QString::number(line) + u':' + QString::number(column);
}

QString ConfigError::toString() const
{
    // Line 0 speaks of the whole file ("and 12 more errors").
    return (where.line > 0 ? where.toString() : where.file) + u": " + message;
}

const ServiceConfig* Config::service(const QString& name) const
{
    for (const ServiceConfig& s : services) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

QList<CheckConfig> Config::allChecks() const
{
    QList<CheckConfig> out;
    for (const ServiceConfig& s : services)
        out += s.checks;
    return out;
}

QUrl apiUrl(const QUrl& server, const QString& path, const QString& encodedQuery)
{
    QUrl url = server;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(encodedQuery, QUrl::StrictMode);
    return url;
}

} // namespace hd
