#pragma once

#include <QString>
#include <optional>

namespace hd {

// The status of one check, docs/contract.md §3. Order matters: worst() picks the
// highest rank, so a service shows the worst status among its checks.
enum class Status {
    Ok,
    Starting,
    Degraded,
    Unknown,
    Stale,
    Down,
};

enum class Severity {
    Critical,
    Warning,
};

QString statusName(Status status);
std::optional<Status> statusFromName(QStringView name);
int statusRank(Status status);
Status worst(Status a, Status b);

QString severityName(Severity severity);
std::optional<Severity> severityFromName(QStringView name);

} // namespace hd
