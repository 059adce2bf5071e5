#include "execprobe.h"

#include "probeutil.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace hd {

namespace {

using Outcome = ProbeResult::Outcome;

// stderr is for a detail line; more than this is noise.
constexpr qint64 stderrCap = 64 * 1024;
constexpr qsizetype detailChars = 500;

void appendCapped(QByteArray& buffer, const QByteArray& chunk, qint64 cap)
{
    // Keep draining the pipe past the cap so the child never blocks on a full pipe.
    if (buffer.size() < cap)
        buffer += chunk.left(cap - buffer.size());
}

QString shorten(QString text)
{
    text = text.trimmed();
    if (text.size() > detailChars)
        text = text.left(detailChars) + u"…";
    return text;
}

} // namespace

Status ExecProbe::statusForExitCode(int exitCode)
{
    switch (exitCode) {
    case 0:
        return Status::Ok;
    case 1:
        return Status::Degraded;
    case 3:
        return Status::Unknown;
    default:
        return Status::Down;
    }
}

ExecProbe::ExecProbe(const CheckConfig& check, qint64 maxBodyBytes, QObject* parent)
    : Probe(parent)
    , m_check(check)
    , m_cap(maxBodyBytes > 0 ? maxBodyBytes : Defaults().maxBodyBytes)
{
    setTimeout(m_check.timeoutMs);
}

ExecProbe::~ExecProbe()
{
    releaseProcess();
}

void ExecProbe::onDeadline()
{
    if (m_process)
        readOutput();
    ProbeResult result = failedResult(Outcome::Timeout, timeoutMessage(m_check.timeoutMs));
    result.body = m_stdout;
    result.hintDetail = stderrText();
    finish(result);
}

void ExecProbe::run()
{
    const QStringList& argv = m_check.exec().command;
    if (argv.isEmpty() || argv.first().isEmpty()) {
        finish(failedResult(Outcome::Misconfigured, QStringLiteral("exec needs a command")));
        return;
    }
    const QString& workDir = m_check.exec().workingDirectory;
    if (!workDir.isEmpty() && !QFileInfo(workDir).isDir()) {
        finish(failedResult(Outcome::Misconfigured,
            QStringLiteral("cannot run %1: no such working directory %2").arg(argv.first(), workDir)));
        return;
    }

    m_process = new QProcess(this);
    m_process->setProgram(argv.first());
    m_process->setArguments(argv.mid(1));
    if (!workDir.isEmpty())
        m_process->setWorkingDirectory(workDir);
    m_process->setStandardInputFile(QProcess::nullDevice());
    // A new session makes the child a process group leader, so the timeout can
    // kill its whole tree. setsid() is async-signal-safe, as the modifier requires.
    m_process->setChildProcessModifier([] { ::setsid(); });

    connect(m_process, &QProcess::readyReadStandardOutput, this, &ExecProbe::readOutput);
    connect(m_process, &QProcess::readyReadStandardError, this, &ExecProbe::readOutput);
    connect(m_process, &QProcess::finished, this, &ExecProbe::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &ExecProbe::onProcessError);

    m_process->start();
    // Known right after the fork, before started() is delivered; kept for the
    // group kill after Qt has reaped the leader.
    m_pid = m_process->processId();
}

void ExecProbe::readOutput()
{
    appendCapped(m_stdout, m_process->readAllStandardOutput(), m_cap);
    appendCapped(m_stderr, m_process->readAllStandardError(), stderrCap);
}

QString ExecProbe::stderrText() const
{
    return shorten(QString::fromUtf8(m_stderr));
}

void ExecProbe::onProcessFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    if (!isRunning())
        return;
    readOutput();
    ProbeResult result;
    result.outcome = Outcome::Completed;
    result.body = m_stdout;
    result.error = stderrText();

    QString detail = result.error;
    // Nagios plugins print their one-line verdict on stdout, not JSON.
    const QByteArray out = m_stdout.trimmed();
    if (detail.isEmpty() && !out.isEmpty() && !out.startsWith('{') && !out.startsWith('['))
        detail = shorten(QString::fromUtf8(out.left(out.indexOf('\n') < 0 ? out.size() : out.indexOf('\n'))));

    if (exitStatus == QProcess::CrashExit) {
        // Qt reports the terminating signal as the exit code of a crashed child.
        result.status = -1;
        result.statusHint = Status::Down;
        const QString reason = QStringLiteral("killed by signal %1").arg(exitCode);
        result.hintDetail = detail.isEmpty() ? reason : reason + u": " + detail;
    } else {
        result.status = exitCode;
        result.statusHint = statusForExitCode(exitCode);
        if (exitCode > 3 || exitCode < 0) {
            const QString reason = QStringLiteral("exit code %1").arg(exitCode);
            result.hintDetail = detail.isEmpty() ? reason : reason + u": " + detail;
        } else {
            result.hintDetail = detail;
        }
    }
    finish(result);
}

void ExecProbe::onProcessError(QProcess::ProcessError error)
{
    if (!isRunning() || error != QProcess::FailedToStart)
        return; // crashes and timeouts arrive through finished() and the deadline
    const QString program = m_check.exec().command.first();
    bool found = false;
    if (program.contains(u'/')) {
        const QDir base(
            m_check.exec().workingDirectory.isEmpty() ? QDir::currentPath() : m_check.exec().workingDirectory);
        found = QFileInfo::exists(base.absoluteFilePath(program));
    } else {
        found = !QStandardPaths::findExecutable(program).isEmpty();
    }
    const QString reason = found ? lowerFirst(m_process->errorString()) : QStringLiteral("no such program");
    finish(failedResult(Outcome::Misconfigured, QStringLiteral("cannot run %1: %2").arg(program, reason)));
}

void ExecProbe::endRun(ProbeResult*)
{
    releaseProcess();
}

void ExecProbe::releaseProcess()
{
    if (!m_process)
        return;
    QProcess* process = m_process;
    m_process = nullptr;
    disconnect(process, nullptr, this, nullptr);
    // Kill the group even after a normal exit: a script must not leave its
    // background children behind on every poll.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGKILL);
    if (process->state() == QProcess::NotRunning) {
        process->deleteLater();
        return;
    }
    process->kill();
    // Let Qt reap the child without blocking here; the object goes when it has.
    process->setParent(nullptr);
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
}

} // namespace hd
