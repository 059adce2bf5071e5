#pragma once

#include "core/status.h"

#include <QColor>
#include <QPalette>

namespace hd {

// One colour per status, readable on both light and dark palettes.
QColor statusColor(Status status);
// Text drawn on a statusColor() chip.
QColor statusTextColor(Status status);
// The colour of an overlay badge: "pending", "impacted", "off-hours", "acknowledged", "silenced", "flapping",
// "root-cause".
QColor overlayColor(const QString& overlay);
// The badge text: "PENDING", "IMPACTED", "ACK", ...
QString overlayLabel(const QString& overlay);
// A grey that reads as "not this row's fault" on the given palette.
QColor mutedColor(const QPalette& palette);

// Light and dark palettes; "system" leaves the platform's palette alone and
// follows it when it changes.
enum class Theme { System, Light, Dark };
bool isDark(const QPalette& palette);
QPalette themePalette(Theme theme);
QString themeName(Theme theme);
Theme themeFromName(const QString& name);

} // namespace hd
