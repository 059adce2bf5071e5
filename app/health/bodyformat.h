#pragma once

#include "core/status.h"
#include "health/promtext.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>
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
    QString format; // "seed", "ietf", "spring", "aspnet", "aspnet-ui", "k8s", "etcd", "docker", "heartbeat",
                    // "prometheus"; empty if unknown
    std::optional<Status> status; // nullopt: the body is in no known format
    QString detail; // the service's own reason: error, output, description, reason
    QList<HealthItem> items;
    // A Prometheus text or OpenMetrics body, parsed once here so that [METRIC] conditions need not parse it again.
    std::shared_ptr<const prom::Exposition> metrics;
};

// Recognises the format from the body itself, not only from the content type
// (etcd sends JSON as text/plain). Never throws; garbage gives an empty verdict.
// Prometheus text is recognised by its content type, or without one when it parses and has # TYPE or # HELP
// lines; a *_health_check_status family with a `check` label gives one item per check (1 ok, 0 down).
BodyVerdict recognizeBody(const QByteArray& body, const QByteArray& contentType, int httpStatus);

} // namespace hd
