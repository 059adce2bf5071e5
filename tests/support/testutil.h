#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace hdtest {

// The directory that holds the copied fixtures (tests/data).
QString dataPath(const QString& relative);
QByteArray readData(const QString& relative);

// One HTTP request for test set-up, answered while the test's event loop keeps turning (a JSON body gets its
// content type). The answer's body; *status is 0 when none came within 5 s.
QByteArray httpRequest(const QByteArray& method, const QUrl& url, const QByteArray& body = {}, int* status = nullptr);

// A TCP port on 127.0.0.1 that was free a moment ago.
quint16 freePort();

} // namespace hdtest
