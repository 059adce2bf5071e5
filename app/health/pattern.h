#pragma once

#include <QStringView>

namespace hd {

// Gatus' pat(): Go's path/filepath.Match (*, ?, [a-z], [^x], \ escapes) after
// deleting every '/' from both sides, and "*" alone matches anything. A
// malformed pattern matches nothing.
bool matchPattern(QStringView pattern, QStringView value);

} // namespace hd
