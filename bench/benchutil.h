#pragma once
// Measuring helpers shared by the bench programs (not a library: each bench is one file plus this header).

#include <QByteArray>
#include <QFile>
#include <QString>

#include <sys/resource.h>
#include <unistd.h>

namespace hdbench {

// CPU seconds (user + system) of this process (RUSAGE_SELF, every thread) or of its reaped children.
inline double cpuSeconds(int who)
{
    rusage usage {};
    getrusage(who, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of another running process, from /proc/<pid>/stat (utime + stime); -1 when unreadable.
inline double processCpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields.at(11).toDouble() + fields.at(12).toDouble()) / ticks;
}

// A "VmRSS:"-style field of /proc/self/status, in KiB; -1 when missing.
inline qint64 procStatusKb(const char* field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace hdbench
