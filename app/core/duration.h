#pragma once

#include <QString>
#include <optional>

namespace hd {

// Parses "250ms", "10s", "5m", "1h", "1d" and compounds such as "1h30m" or "1.5s"
// into milliseconds. A bare number is not a duration (nullopt): the config
// requires a unit so that "10" is never silently ten milliseconds.
std::optional<qint64> parseDurationMs(QStringView text);

// "250ms", "10s", "5m", "1h30m": the shortest exact spelling.
QString formatDurationMs(qint64 ms);

} // namespace hd
