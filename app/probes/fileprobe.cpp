#include "fileprobe.h"

#include "core/duration.h"
#include "probeutil.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QPromise>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace hd {

namespace {

using Outcome = ProbeResult::Outcome;

QString errnoText(int error)
{
    return lowerFirst(qt_error_string(error));
}

// "45 s", "12 min", "2 h", "3 d": coarse, like a person would say it.
QString humanAge(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 120)
        return QStringLiteral("%1 s").arg(s);
    if (s < 2 * 3600)
        return QStringLiteral("%1 min").arg(s / 60);
    if (s < 2 * 86400)
        return QStringLiteral("%1 h").arg(s / 3600);
    return QStringLiteral("%1 d").arg(s / 86400);
}

// Creates, writes and deletes a uniquely named file: permission bits, ACLs,
// read-only mounts, quotas and a full disk all show up here, not in access(2).
QString writeTest(const QString& directory)
{
    QByteArray name = QFile::encodeName(QDir(directory).filePath(QStringLiteral(".healthdeck-write-test-XXXXXX")));
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        return QStringLiteral("not writable: ") + errnoText(errno);
    QString problem;
    if (::write(fd, "x", 1) != 1)
        problem = QStringLiteral("not writable: ") + errnoText(errno);
    if (::close(fd) != 0 && problem.isEmpty())
        problem = QStringLiteral("not writable: ") + errnoText(errno);
    if (::unlink(name.constData()) != 0 && problem.isEmpty())
        problem = QStringLiteral("not writable: cannot delete %1: %2").arg(QFile::decodeName(name), errnoText(errno));
    return problem;
}

} // namespace

FileInspection FileProbe::inspect(const FileProbeConfig& file, qint64 nowUtcMs)
{
    FileInspection out;
    const QByteArray path = QFile::encodeName(file.path);
    struct stat st { };
    if (::stat(path.constData(), &st) != 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR)
            out.detail = QStringLiteral("no such file %1").arg(file.path);
        else
            out.detail = QStringLiteral("cannot access %1: %2").arg(file.path, errnoText(error));
        return out;
    }
    if (file.writable) {
        const QString directory = S_ISDIR(st.st_mode) ? file.path : QFileInfo(file.path).absolutePath();
        out.detail = writeTest(directory);
        if (!out.detail.isEmpty())
            return out;
    }
    if (file.maxAgeMs) {
        const qint64 modifiedMs = qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
        const qint64 ageMs = nowUtcMs - modifiedMs;
        if (ageMs > *file.maxAgeMs) {
            out.detail
                = QStringLiteral("modified %1 ago, max_age %2").arg(humanAge(ageMs), formatDurationMs(*file.maxAgeMs));
            return out;
        }
    }
    out.ok = true;
    return out;
}

FileProbe::FileProbe(const CheckConfig& check, QThreadPool* workers, QObject* parent)
    : Probe(parent)
    , m_check(check)
    , m_workers(workers)
{
    setTimeout(m_check.timeoutMs);
}

FileProbe::~FileProbe() = default;

void FileProbe::onDeadline()
{
    finish(failedResult(
        Outcome::Timeout, timeoutMessage(m_check.timeoutMs) + QStringLiteral(" (the file system did not answer)")));
}

void FileProbe::run()
{
    if (m_check.file().path.isEmpty()) {
        finish(failedResult(Outcome::Misconfigured, QStringLiteral("file needs a path")));
        return;
    }
    if (!m_workers) {
        finish(failedResult(Outcome::Misconfigured, QStringLiteral("no worker threads for file checks")));
        return;
    }

    auto promise = std::make_shared<QPromise<FileInspection>>();
    m_watcher = new QFutureWatcher<FileInspection>(this);
    connect(m_watcher, &QFutureWatcher<FileInspection>::finished, this, [this] {
        const FileInspection inspection = m_watcher->future().result();
        ProbeResult result;
        result.outcome = Outcome::Completed;
        result.statusHint = inspection.ok ? Status::Ok : Status::Down;
        result.hintDetail = inspection.detail;
        finish(result);
    });
    m_watcher->setFuture(promise->future());

    // The promise, not this probe, is what the worker touches: the probe may be gone when it returns.
    m_workers->start([promise, file = m_check.file()] {
        promise->start();
        promise->addResult(inspect(file, QDateTime::currentMSecsSinceEpoch()));
        promise->finish();
    });
}

void FileProbe::endRun(ProbeResult*)
{
    if (m_watcher)
        m_watcher->disconnect(this);
}

} // namespace hd
