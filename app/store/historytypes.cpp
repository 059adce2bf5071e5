#include "historytypes.h"

#include "core/rowkey.h"

#include <algorithm>
#include <cmath>

namespace hd {

QString StateEvent::checkKey() const
{
    return RowKey::make(service, check, item);
}

bool countsAsFailure(Status status)
{
    return status == Status::Down || status == Status::Stale || status == Status::Unknown;
}

Rollup summarizeLatencies(QList<double> latencies, int failures)
{
    Rollup r;
    r.count = int(latencies.size());
    r.failures = failures;
    if (latencies.isEmpty())
        return r;
    std::sort(latencies.begin(), latencies.end());
    // Nearest rank: the smallest value with at least p % of the values at or below it.
    const auto rank = [&](double p) {
        const auto n = latencies.size();
        const auto index = qsizetype(std::ceil(p / 100.0 * double(n))) - 1;
        return latencies.at(std::clamp<qsizetype>(index, 0, n - 1));
    };
    r.minMs = latencies.front();
    r.maxMs = latencies.back();
    r.p50Ms = rank(50);
    r.p95Ms = rank(95);
    return r;
}

bool Ack::isActive(qint64 atMs) const
{
    return clearedMs == 0 && createdMs <= atMs && (expiresMs == 0 || expiresMs > atMs);
}

bool Silence::isInForce(qint64 atMs) const
{
    return (cancelledMs == 0 || cancelledMs > atMs) && (endMs == 0 || endMs > atMs);
}

QString silenceTargetName(Silence::Target target)
{
    switch (target) {
    case Silence::Target::Service:
        return QStringLiteral("service");
    case Silence::Target::Group:
        return QStringLiteral("group");
    case Silence::Target::Tag:
        return QStringLiteral("tag");
    }
    return QStringLiteral("service");
}

std::optional<Silence::Target> silenceTargetFromName(QStringView name)
{
    for (auto t : { Silence::Target::Service, Silence::Target::Group, Silence::Target::Tag }) {
        if (name == silenceTargetName(t))
            return t;
    }
    return std::nullopt;
}

} // namespace hd
