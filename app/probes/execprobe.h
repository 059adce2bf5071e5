#pragma once

#include "config/config.h"
#include "probes/probe.h"

#include <QProcess>

namespace hd {

// Runs a command (argv, no shell) in its own process group. Exit code 0/1/2/3
// reads as ok/degraded/down/unknown (Nagios), any other code as down; stdout is
// the body, stderr the detail. At the timeout the whole group is killed, so a
// script's own children die with it.
class ExecProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExecProbe)
public:
    ExecProbe(const CheckConfig& check, qint64 maxBodyBytes, QObject* parent = nullptr);
    ~ExecProbe() override;

    // The Nagios plugin convention; anything else is down.
    static Status statusForExitCode(int exitCode);

private:
    void run() override;
    void onDeadline() override;
    void endRun(ProbeResult* result) override;
    void readOutput();
    void onProcessFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void onProcessError(QProcess::ProcessError error);
    QString stderrText() const;
    void releaseProcess();

    CheckConfig m_check;
    qint64 m_cap = 0;
    QProcess* m_process = nullptr;
    qint64 m_pid = 0; // also the process group id, thanks to setsid()
    QByteArray m_stdout;
    QByteArray m_stderr;
};

} // namespace hd
