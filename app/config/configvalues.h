#pragma once

#include "config/config.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>

namespace hd {

// "4MB", "512KB", "1MiB", "2 GB" or a plain byte count "65536". KB/MB/GB are
// powers of 1000, KiB/MiB/GiB powers of 1024; units are case-insensitive.
// Zero, negative and fractional byte counts are rejected.
std::optional<qint64> parseSizeBytes(QStringView text);

// A weekly session such as "Mon-Fri 09:15-15:30", "Sun-Thu 22:00-06:00" or
// "00:00-24:00" (no days: every day). Days are names or ranges (ranges may wrap
// the week), lists with commas. An end at or before the start crosses midnight;
// 24:00 as an end is midnight (stored as 00:00). On failure returns nullopt and
// sets *error to a message without location.
std::optional<CalendarConfig::Session> parseWeeklySession(QStringView text, QString* error = nullptr);

// The candidate closest to `word` for a "did you mean" hint: edit distance <= 2
// (case-insensitive), one is a prefix of the other (at least 3 letters), or the
// word ends a candidate (at least 4 letters).
// Empty when nothing is close.
QString closestMatch(QStringView word, const QStringList& candidates);

// Appends the {name} placeholders of an admin action's path or JSON body template (strings anywhere inside
// arrays and objects), each once, in order of first appearance.
void collectAdminPlaceholders(const QJsonValue& value, QStringList& out);

} // namespace hd
