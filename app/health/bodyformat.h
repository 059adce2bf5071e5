#pragma once

#include "core/status.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace hd {

// A sub-check found inside a health body (Actuator components, IETF checks,
// ASP.NET entries, `checks: {database: true}`). It becomes a row of its own,
// keyed service/check/name.
struct HealthItem {
    QString name;
    Status status = Status::Unknown;
    QString detail;
};

struct BodyVerdict {
    QString format;               // "seed", "ietf", "spring", "aspnet", "aspnet-ui", "k8s", "etcd", "docker", "heartbeat"; empty if unknown
    std::optional<Status> status; // nullopt: the body is in no known format
    QString detail;               // the service's own reason: error, output, description, reason
    QList<HealthItem> items;
};

// Recognises the format from the body itself, not only from the content type
// (etcd sends JSON as text/plain). Never throws; garbage gives an empty verdict.
BodyVerdict recognizeBody(const QByteArray &body, const QByteArray &contentType, int httpStatus);

} // namespace hd
