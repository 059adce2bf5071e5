#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace hdtest {

// Runs the healthdeck binary while the test's event loop keeps turning, so
// in-process servers (the demo backend, hostile servers) can answer it.
struct CliResult {
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;
};

CliResult runHealthdeck(const QStringList& args, int timeoutMs = 30'000);

// Writes text into dir/name and returns the path.
QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text);

} // namespace hdtest
