#include "config.h"

namespace hd {

QString SourceLocation::toString() const
{
    return file + u':' + QString::number(line) + u':' + QString::number(column);
}

QString ConfigError::toString() const
{
    return where.toString() + u": " + message;
}

const ServiceConfig *Config::service(const QString &name) const
{
    for (const ServiceConfig &s : services) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

QList<CheckConfig> Config::allChecks() const
{
    QList<CheckConfig> out;
    for (const ServiceConfig &s : services)
        out += s.checks;
    return out;
}

} // namespace hd
