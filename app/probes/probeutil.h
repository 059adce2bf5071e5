#pragma once

#include "core/proberesult.h"

#include <QElapsedTimer>
#include <QString>

// Small helpers shared by the probe implementations; not part of the probe API.
namespace hd {

// "timed out after 2000 ms": the same words for every probe kind.
QString timeoutMessage(qint64 timeoutMs);

// "4 MiB", "64 KiB", "1000 bytes": the largest unit that divides the size exactly.
QString humanBytes(qint64 bytes);

// "body larger than 4 MiB (cap 4194304 bytes)"
QString bodyTooLargeMessage(qint64 cap);

// System and Qt messages start with a capital; details read better in lower case.
QString lowerFirst(QString text);

// A result for a probe that ended without a usable answer.
ProbeResult failedResult(ProbeResult::Outcome outcome, const QString& error);
// An answer that arrived but cannot be used (an API error, not JSON): `answer` with that outcome and cause, no items.
ProbeResult failedAnswer(const ProbeResult& answer, ProbeResult::Outcome outcome, const QString& error);

double elapsedMs(const QElapsedTimer& clock);

// A timeout in ms as QTimer takes it: at least 1, at most INT_MAX.
int timerInterval(qint64 ms);

} // namespace hd
