#pragma once

#include <QString>

namespace hdtest {

// The directory that holds the copied fixtures (tests/data).
QString dataPath(const QString &relative);
QByteArray readData(const QString &relative);

// A TCP port on 127.0.0.1 that was free a moment ago.
quint16 freePort();

} // namespace hdtest
