// A second process for the history tests: it writes to (or just opens) a history file and reports on stdout,
// one line per fact, so the test can kill it mid-run or run it beside itself.
//
//   historyhelper write PATH PREFIX COUNT   write COUNT events (0: until killed) in bursts, each printed only
//                                           once committed: "committed <id> <detail>"; samples and reads between
//   historyhelper open PATH [--drop-privileges]
//                                           open, write one event, print "degraded <reason>" or "ok", then
//                                           "event persisted=<0|1> ok=<0|1>"; as root, drops to nobody first
#include "store/historystore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <cstdio>
#include <unistd.h>

namespace {

void say(const QString& line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

hd::StateEvent makeEvent(const QString& prefix, qint64 n)
{
    hd::StateEvent e;
    e.timeMs = QDateTime::currentMSecsSinceEpoch() - 3'600'000 + n; // recent: inside any retention
    e.service = QStringLiteral("proc-") + prefix;
    e.check = QStringLiteral("ready");
    e.from = n % 2 ? hd::Status::Down : hd::Status::Ok;
    e.to = n % 2 ? hd::Status::Ok : hd::Status::Down;
    e.detail = prefix + u'-' + QString::number(n);
    return e;
}

int write(const QString& path, const QString& prefix, qint64 count)
{
    hd::HistoryStore::Options options;
    options.path = path;
    options.flushIntervalMs = 20;
    hd::HistoryStore store(options);
    if (!store.open() || store.isDegraded()) {
        say(QStringLiteral("degraded ") + store.degradedReason());
        return 3;
    }
    // Bursts of events in flight at once, as a monitor has when several checks change in one poll cycle.
    constexpr int burst = 5;
    qint64 n = 0;
    int inFlight = 0;
    std::function<void()> next;
    next = [&] {
        if (count > 0 && n >= count) {
            store.close();
            say(QStringLiteral("done"));
            QCoreApplication::exit(0);
            return;
        }
        for (int i = 0; i < burst && (count == 0 || n < count); ++i, ++n) {
            const hd::StateEvent e = makeEvent(prefix, n);
            store.addSample({ e.timeMs, e.service + QStringLiteral("/ready"), e.to, double(n % 50) });
            ++inFlight;
            store.writeEvent(e, &store, [&, e, n = n](const hd::WriteResult& r) {
                if (!r.ok || !r.persisted) {
                    say(QStringLiteral("error ") + r.error + u' ' + store.degradedReason());
                    QCoreApplication::exit(4);
                    return;
                }
                say(QStringLiteral("committed %1 %2").arg(r.rowId).arg(e.detail));
                if (n % 10 == 0) {
                    QString error;
                    const qint64 seen = store.eventCount({}, &error);
                    say(error.isEmpty() ? QStringLiteral("read %1").arg(seen) : QStringLiteral("readerror ") + error);
                }
                if (--inFlight == 0)
                    next();
            });
        }
    };
    next();
    return QCoreApplication::exec();
}

int openOnly(const QString& path, bool dropPrivileges)
{
    // Root writes through any file mode, so a read-only file can only be shown to an ordinary user.
    if (dropPrivileges && geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
        say(QStringLiteral("cannot drop privileges"));
        return 5;
    }
    hd::HistoryStore::Options options;
    options.path = path;
    hd::HistoryStore store(options);
    if (!store.open()) {
        say(QStringLiteral("failed"));
        return 6;
    }
    say(store.isDegraded() ? QStringLiteral("degraded ") + store.degradedReason() : QStringLiteral("ok"));
    const hd::WriteResult r = store.writeEventSync(makeEvent(QStringLiteral("open"), 1));
    say(QStringLiteral("event persisted=%1 ok=%2 stored=%3")
            .arg(int(r.persisted))
            .arg(int(r.ok))
            .arg(store.eventCount({})));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 5 && args.at(1) == u"write")
        return write(args.at(2), args.at(3), args.at(4).toLongLong());
    if (args.size() >= 3 && args.at(1) == u"open")
        return openOnly(args.at(2), args.contains(u"--drop-privileges"));
    std::fputs("usage: historyhelper write PATH PREFIX COUNT | open PATH [--drop-privileges]\n", stderr);
    return 2;
}
