#include "probeutil.h"

#include <limits>

namespace hd {

QString timeoutMessage(qint64 timeoutMs)
{
    return QStringLiteral("timed out after %1 ms").arg(timeoutMs);
}

QString humanBytes(qint64 bytes)
{
    constexpr qint64 kib = 1024;
    constexpr qint64 mib = 1024 * kib;
    if (bytes > 0 && bytes % mib == 0)
        return QStringLiteral("%1 MiB").arg(bytes / mib);
    if (bytes > 0 && bytes % kib == 0)
        return QStringLiteral("%1 KiB").arg(bytes / kib);
    return QStringLiteral("%1 bytes").arg(bytes);
}

QString bodyTooLargeMessage(qint64 cap)
{
    return QStringLiteral("body larger than %1 (cap %2 bytes)").arg(humanBytes(cap)).arg(cap);
}

QString lowerFirst(QString text)
{
    // Keep acronyms ("SSL handshake failed") as they are.
    if (text.size() > 1 && text.at(0).isUpper() && !text.at(1).isUpper())
        text[0] = text.at(0).toLower();
    return text;
}

ProbeResult failedResult(ProbeResult::Outcome outcome, const QString& error)
{
    ProbeResult result;
    result.outcome = outcome;
    result.error = error;
    return result;
}

double elapsedMs(const QElapsedTimer& clock)
{
    return clock.isValid() ? static_cast<double>(clock.nsecsElapsed()) / 1e6 : 0.0;
}

int timerInterval(qint64 ms)
{
    return int(qBound(qint64(1), ms, qint64(std::numeric_limits<int>::max())));
}

ProbeResult failedAnswer(const ProbeResult& answer, ProbeResult::Outcome outcome, const QString& error)
{
    ProbeResult r = answer;
    r.outcome = outcome;
    r.error = error;
    r.items.clear();
    return r;
}

} // namespace hd
