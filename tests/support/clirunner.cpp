#include "clirunner.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>

namespace hdtest {

CliResult runHealthdeck(const QStringList& args, int timeoutMs)
{
    CliResult r;
    QProcess process;
    QElapsedTimer clock;
    clock.start();
    process.start(QStringLiteral(HD_HEALTHDECK_BIN_PATH), args);
    QSignalSpy done(&process, &QProcess::finished);
    if (!process.waitForStarted(5000))
        return r;
    r.finished = done.wait(timeoutMs) || !done.isEmpty();
    if (!r.finished) {
        process.kill();
        process.waitForFinished(2000);
    }
    r.elapsedMs = clock.elapsed();
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text);
    return path;
}

} // namespace hdtest
