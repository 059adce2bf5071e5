// How much disk the history needs per check: writes latency samples for C
// checks at a 1 s interval through the real HistoryStore for D simulated days
// (a simulated clock, so it takes minutes, not days), runs the retention sweep
// at the end of each day and prints the bytes each table holds per check.
// See bench/README.md.
//
//   history_growth [--checks C] [--days D]

#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <atomic>
#include <cstdio>

using namespace hd;

namespace {

struct TableBytes {
    qint64 samples = 0;
    qint64 minute = 0;
    qint64 hour = 0;
    qint64 used = 0; // every page in use, indexes and bookkeeping included
};

// Bytes per table, indexes included, from SQLite's dbstat view, read on a second connection (WAL lets it read
// while the store's worker writes).
TableBytes measure(const QString& path)
{
    TableBytes bytes;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("measure"));
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open())
            return bytes;
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT tbl_name, name FROM sqlite_master WHERE type IN ('table','index')"));
        QHash<QString, QString> owner;
        while (q.next())
            owner.insert(q.value(1).toString(), q.value(0).toString());
        if (q.exec(QStringLiteral("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))) {
            while (q.next()) {
                const QString table = owner.value(q.value(0).toString());
                const qint64 size = q.value(1).toLongLong();
                bytes.used += size;
                if (table == u"samples")
                    bytes.samples += size;
                else if (table == u"rollups_minute")
                    bytes.minute += size;
                else if (table == u"rollups_hour")
                    bytes.hour += size;
            }
        } else {
            std::fprintf(stderr, "dbstat is not available in this SQLite build\n");
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("measure"));
    return bytes;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(
        { QStringLiteral("checks"), QStringLiteral("Checks."), QStringLiteral("n"), QStringLiteral("20") });
    parser.addOption(
        { QStringLiteral("days"), QStringLiteral("Simulated days."), QStringLiteral("d"), QStringLiteral("3") });
    parser.process(app);
    const int checks = parser.value(QStringLiteral("checks")).toInt();
    const int days = parser.value(QStringLiteral("days")).toInt();

    QTemporaryDir dir;
    const qint64 start = QDateTime(QDate(2026, 11, 2), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    std::atomic<qint64> now { start };
    HistoryOptions options;
    options.path = dir.filePath(QStringLiteral("history.sqlite"));
    options.clock = [&now] { return now.load(); };
    options.sweepIntervalMs = 24 * 3600 * 1000; // swept by hand at the end of each simulated day
    HistoryStore store(options);
    if (!store.open() || store.isDegraded()) {
        std::fprintf(stderr, "could not open the history: %s\n", qPrintable(store.degradedReason()));
        return 1;
    }
    const HistoryConfig retention = options.retention;
    std::printf("%d checks, 1 s interval, %d simulated days; retention: raw samples %lld h, minute rollups %lld d, "
                "hour rollups %lld d\n",
        checks, days, retention.rawSamplesMs / 3'600'000, retention.minuteRollupsMs / 86'400'000,
        retention.hourRollupsMs / 86'400'000);
    std::printf("%-5s %14s %14s %14s %14s %10s\n", "day", "samples B/chk", "minute B/chk", "hour B/chk", "file B/chk",
        "write s");

    QList<Sample> batch;
    batch.reserve(checks);
    for (int day = 1; day <= days; ++day) {
        QElapsedTimer wall;
        wall.start();
        for (int second = 0; second < 86'400; ++second) {
            const qint64 t = start + (qint64(day - 1) * 86'400 + second) * 1000;
            now = t;
            batch.clear();
            for (int c = 0; c < checks; ++c)
                batch.append({ t, QStringLiteral("svc%1/check").arg(c), Status::Ok, 5.0 + (second + c) % 40 });
            store.addSamples(batch);
            if (second % 3600 == 3599)
                store.flush(); // keeps the queue bounded and the rollups current
        }
        now = start + qint64(day) * 86'400'000 + 1;
        store.flush();
        store.sweepNow();
        const TableBytes b = measure(options.path);
        std::printf("%-5d %14.0f %14.0f %14.0f %14.0f %10.1f\n", day, double(b.samples) / checks,
            double(b.minute) / checks, double(b.hour) / checks, double(b.used) / checks, wall.elapsed() / 1000.0);
        std::fflush(stdout);
    }

    // Steady state under the retention: raw samples hold the last 48 h, minute rollups 30 days, hour rollups 400 days.
    const TableBytes b = measure(options.path);
    const double rawPerDay = double(b.samples) / checks / qMin<double>(days, retention.rawSamplesMs / 86'400'000.0);
    const double minutePerDay = double(b.minute) / checks / days;
    const double hourPerDay = double(b.hour) / checks / days;
    std::printf("per check per day: raw samples %.0f B, minute rollups %.0f B, hour rollups %.0f B\n", rawPerDay,
        minutePerDay, hourPerDay);
    std::printf("growth per check per day once the raw-sample retention is in force (rollups only): %.0f B\n",
        minutePerDay + hourPerDay);
    const double steady = rawPerDay * retention.rawSamplesMs / 86'400'000.0
        + minutePerDay * retention.minuteRollupsMs / 86'400'000.0 + hourPerDay * retention.hourRollupsMs / 86'400'000.0;
    std::printf("steady-state size per check with the default retention: %.1f MiB (x 1,000 checks: %.1f GiB)\n",
        steady / 1048576.0, steady * 1000 / 1073741824.0);
    store.close();
    return 0;
}
