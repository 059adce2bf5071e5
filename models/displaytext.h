#pragma once

#include <QDateTime>
#include <QString>

namespace hd {

// How the dashboard writes numbers and times, in one place so that the matrix,
// the detail pane and the history agree.
QString formatLatency(double ms); // "0.4 ms", "38 ms", "1.25 s"
QString formatDuration(qint64 ms); // "45 s", "12 min", "3 h 05 min", "2 d 4 h"
// Local wall-clock time of an instant: "09:14:03" today, "Mon 18:02" this week, "2026-11-02 18:02" before.
QString formatClock(const QDateTime& utc, const QDateTime& nowUtc = QDateTime::currentDateTimeUtc());

// A response body as text for the raw view: pretty-printed when it is JSON, a
// hex dump when it is binary, control characters escaped, cut at capBytes with
// a note saying how much was left out. Never trusts the content type alone.
QString bodyForDisplay(const QByteArray& body, int capBytes = 64 * 1024);

} // namespace hd
