#include "status.h"

namespace hd {

QString statusName(Status status)
{
    switch (status) {
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::Starting:
        return QStringLiteral("starting");
    case Status::Degraded:
        return QStringLiteral("degraded");
    case Status::Unknown:
        return QStringLiteral("unknown");
    case Status::Stale:
        return QStringLiteral("stale");
    case Status::Down:
        return QStringLiteral("down");
    }
    return QStringLiteral("unknown");
}

std::optional<Status> statusFromName(QStringView name)
{
    for (Status s : { Status::Ok, Status::Starting, Status::Degraded, Status::Unknown, Status::Stale, Status::Down }) {
        if (name.compare(statusName(s), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

int statusRank(Status status)
{
    return static_cast<int>(status);
}

Status worst(Status a, Status b)
{
    return statusRank(a) >= statusRank(b) ? a : b;
}

QString severityName(Severity severity)
{
    return severity == Severity::Critical ? QStringLiteral("critical") : QStringLiteral("warning");
}

std::optional<Severity> severityFromName(QStringView name)
{
    if (name == u"critical")
        return Severity::Critical;
    if (name == u"warning")
        return Severity::Warning;
    return std::nullopt;
}

} // namespace hd

#include "proberesult.h"

namespace hd {

QString outcomeName(ProbeResult::Outcome outcome)
{
    using O = ProbeResult::Outcome;
    switch (outcome) {
    case O::Completed:
        return QStringLiteral("completed");
    case O::Refused:
        return QStringLiteral("refused");
    case O::Timeout:
        return QStringLiteral("timeout");
    case O::TlsError:
        return QStringLiteral("tls-error");
    case O::BodyTooLarge:
        return QStringLiteral("body-too-large");
    case O::ProtocolError:
        return QStringLiteral("protocol-error");
    case O::AuthRejected:
        return QStringLiteral("auth-rejected");
    case O::Misconfigured:
        return QStringLiteral("misconfigured");
    case O::Missing:
        return QStringLiteral("missing");
    case O::NotRun:
        return QStringLiteral("not-run");
    }
    return QString();
}

QString certificateExpiryText(qint64 msUntilExpiry)
{
    constexpr qint64 hour = 3'600'000;
    constexpr qint64 day = 24 * hour;
    const qint64 span = msUntilExpiry < 0 ? -msUntilExpiry : msUntilExpiry;
    const auto count = [](qint64 n, const QString& unit) -> QString {
        return QString::number(n) + u' ' + unit + (n == 1 ? QString() : QStringLiteral("s"));
    };
    QString amount;
    if (span >= 2 * day)
        amount = count(span / day, QStringLiteral("day"));
    else if (span >= 2 * hour)
        amount = count(span / hour, QStringLiteral("hour"));
    else
        amount = count(span / 60'000, QStringLiteral("minute"));
    if (msUntilExpiry < 0)
        return u"certificate expired " + amount + u" ago";
    return u"certificate expires in " + amount;
}

} // namespace hd
