#pragma once

#include "core/status.h"

#include <QColor>

namespace hd {

// One colour per status, readable on both light and dark palettes.
QColor statusColor(Status status);

} // namespace hd
