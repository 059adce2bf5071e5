// What the first hour rollup costs in memory, without waiting for a real hour: writes latency samples for C
// checks at a 1 s interval through the real HistoryStore for M minutes before a full hour (a simulated clock),
// lets the worker compute their minute rollups, then moves the clock past the hour so that the worker merges the
// hour rollup from those minutes, as it does in `monitor` ~10 s after each wall-clock hour. Prints RSS, anonymous
// RSS, the heap (malloc in use / free but kept) and SQLite's own allocations before and after, and the peak in
// between. See bench/README.md.
//
//   rollup_memory [--checks 5000] [--minutes 10] [--hours 1] [--jitter 0.35]

#include "benchutil.h"

#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <dlfcn.h>
#include <malloc.h>
#include <random>
#include <vector>

using namespace hd;

namespace {

constexpr qint64 minuteMs = 60'000;
constexpr qint64 hourMs = 3'600'000;

// SQLite's count of the bytes it has allocated, when the Qt driver's libsqlite3 exports it; -1 otherwise.
qint64 sqliteMemoryUsed()
{
    using Fn = long long (*)();
    static Fn fn = [] {
        void* lib = dlopen("libsqlite3.so.0", RTLD_LAZY | RTLD_NOLOAD);
        return lib ? reinterpret_cast<Fn>(dlsym(lib, "sqlite3_memory_used")) : Fn(nullptr);
    }();
    return fn ? fn() : -1;
}

struct Memory {
    qint64 rssKb = 0;
    qint64 anonKb = 0;
    qint64 heapUsedKb = 0; // malloc'd and not freed, every arena
    qint64 heapFreeKb = 0; // freed but still held by malloc
    qint64 sqliteKb = 0;
};

Memory measure()
{
    const struct mallinfo2 mi = mallinfo2();
    return { hdbench::procStatusKb("VmRSS:"), hdbench::procStatusKb("RssAnon:"), qint64(mi.uordblks / 1024),
        qint64(mi.fordblks / 1024), sqliteMemoryUsed() / 1024 };
}

void print(const char* label, const Memory& m)
{
    std::printf("%-34s %9.1f %9.1f %9.1f %9.1f %9.1f\n", label, m.rssKb / 1024.0, m.anonKb / 1024.0,
        m.heapUsedKb / 1024.0, m.heapFreeKb / 1024.0, m.sqliteKb < 0 ? -1.0 : m.sqliteKb / 1024.0);
    std::fflush(stdout);
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that the next peak is the rollup's own.
void resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    if (f.open(QIODevice::WriteOnly))
        f.write("5");
}

// Waits (in real time) until the worker has written `expected` rollups of the given granularity for `key`.
bool waitForRollups(HistoryStore& store, RollupGranularity granularity, const QString& key, qsizetype expected)
{
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 120'000) {
        if (store.rollups({ granularity, { key } }).size() >= expected)
            return true;
        QThread::msleep(20);
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(
        { QStringLiteral("checks"), QStringLiteral("Checks."), QStringLiteral("n"), QStringLiteral("5000") });
    parser.addOption({ QStringLiteral("minutes"), QStringLiteral("Minutes of samples before the first hour."),
        QStringLiteral("m"), QStringLiteral("10") });
    parser.addOption({ QStringLiteral("hours"),
        QStringLiteral("Hour boundaries to cross (59 more minutes of samples before each after the first)."),
        QStringLiteral("h"), QStringLiteral("1") });
    parser.addOption({ QStringLiteral("jitter"),
        QStringLiteral("Spread of each check's latencies (sigma of a log-normal); wider: more sketch buckets."),
        QStringLiteral("sigma"), QStringLiteral("0.35") });
    parser.process(app);
    const int checks = parser.value(QStringLiteral("checks")).toInt();
    const int minutes = qBound(1, parser.value(QStringLiteral("minutes")).toInt(), 59);
    const int hours = qMax(1, parser.value(QStringLiteral("hours")).toInt());
    const double sigma = qMax(0.0, parser.value(QStringLiteral("jitter")).toDouble());

    QTemporaryDir dir;
    const qint64 firstHour = QDateTime(QDate(2026, 12, 6), QTime(5, 0), Qt::UTC).toMSecsSinceEpoch();
    // The samples end a minute before the hour, so that every minute is over before the hour is.
    const qint64 start = firstHour - qint64(minutes + 1) * minuteMs;
    std::atomic<qint64> now { start };
    HistoryOptions options;
    options.path = dir.filePath(QStringLiteral("history.sqlite"));
    options.clock = [&now] { return now.load(); };
    options.sweepIntervalMs = 24 * 3600 * 1000;
    options.flushIntervalMs = 100; // the worker's tick: picks up the moved clock within 0.1 s
    HistoryStore store(options);
    if (!store.open() || store.isDegraded()) {
        std::fprintf(stderr, "could not open the history: %s\n", qPrintable(store.degradedReason()));
        return 1;
    }
    std::printf("%d checks, 1 s interval, %d minutes of samples before the first hour, %d hour(s), jitter %.2f\n",
        checks, minutes, hours, sigma);
    std::printf("%-34s %9s %9s %9s %9s %9s\n", "MiB", "rss", "rss_anon", "heap_used", "heap_free", "sqlite");
    print("open", measure());

    QStringList keys;
    for (int c = 0; c < checks; ++c)
        keys << QStringLiteral("svc%1/http-%2/item").arg(c % 50).arg(c);
    // Loopback HTTP latencies: each check has its own typical latency (0.3-4 ms), spread log-normally around it
    // (--jitter), with a rare slow answer. The soak's faults (a slow or hung API, a database down) spread them far
    // wider; --jitter 1.5 gives its checks' sketches about as many buckets.
    std::mt19937 rng(42);
    std::vector<double> typical(static_cast<size_t>(checks));
    std::uniform_real_distribution<double> typicalDist(std::log(0.3), std::log(4.0));
    for (double& t : typical)
        t = std::exp(typicalDist(rng));
    std::normal_distribution<double> jitter(0.0, sigma);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    QList<Sample> batch;
    batch.reserve(checks);
    const auto writeSeconds = [&](qint64 from, qint64 to) {
        for (qint64 t = from; t < to; t += 1000) {
            now = t;
            batch.clear();
            for (int c = 0; c < checks; ++c) {
                double ms = typical[size_t(c)] * std::exp(jitter(rng));
                if (unit(rng) < 0.002)
                    ms += 50 + 600 * unit(rng);
                batch.append({ t + c % 1000, keys.at(c), unit(rng) < 0.01 ? Status::Down : Status::Ok, ms });
            }
            store.addSamples(batch);
            store.eventCount({}); // waits until the worker has taken the batch, as the soak's pace would
        }
    };

    for (int hour = 0; hour < hours; ++hour) {
        const qint64 boundary = firstHour + hour * hourMs;
        QElapsedTimer wall;
        wall.start();
        // After the first hour, the next one's minutes up to a minute before its end (59 of them).
        writeSeconds(hour == 0 ? start : boundary - hourMs, boundary - minuteMs);
        const int minutesWritten = hour == 0 ? minutes : 59;
        // Every minute over, the hour not yet: the worker computes the minutes on its own ticks.
        now = boundary + 9'000;
        if (!waitForRollups(store, RollupGranularity::Minute, keys.constFirst(), minutes + 59 * hour)) {
            std::fprintf(stderr, "the minute rollups were not computed\n");
            return 1;
        }
        QThread::msleep(2000); // a couple of idle ticks
        std::printf("hour %d: %d minutes of samples written and rolled up in %.1f s\n", hour + 1, minutesWritten,
            double(wall.elapsed()) / 1000.0);
        const Memory before = measure();
        print("before the hour rollup", before);
        resetPeak();
        wall.restart();
        now = boundary + 11'000;
        if (!waitForRollups(store, RollupGranularity::Hour, keys.constFirst(), hour + 1)) {
            std::fprintf(stderr, "the hour rollup was not computed\n");
            return 1;
        }
        const qint64 rollupMs = wall.elapsed(); // the job, plus up to a tick and a poll
        QThread::msleep(2000);
        const qint64 peakKb = hdbench::procStatusKb("VmHWM:");
        const Memory after = measure();
        print("after the hour rollup", after);
        std::printf("hour rollup of %lld minute rows: %.1f s; RSS peak %.1f MiB, RSS %+.1f MiB, anon %+.1f MiB,"
                    " heap in use %+.1f MiB, heap kept free %+.1f MiB\n",
            qint64(checks) * minutesWritten, double(rollupMs) / 1000.0, peakKb / 1024.0,
            (after.rssKb - before.rssKb) / 1024.0, (after.anonKb - before.anonKb) / 1024.0,
            (after.heapUsedKb - before.heapUsedKb) / 1024.0, (after.heapFreeKb - before.heapFreeKb) / 1024.0);
        // The same seed gives the same samples: a change in how the rollup is computed must not change this.
        const QList<Rollup> written = store.rollups({ RollupGranularity::Hour, {}, boundary - hourMs, boundary });
        QCryptographicHash digest(QCryptographicHash::Sha1);
        for (const Rollup& r : written) {
            digest.addData(r.checkKey.toUtf8());
            for (double v :
                { double(r.bucketMs), double(r.count), double(r.failures), r.minMs, r.p50Ms, r.p95Ms, r.maxMs })
                digest.addData(QByteArrayView(reinterpret_cast<const char*>(&v), sizeof v));
        }
        std::printf("hour rollups written: %lld, digest %s\n", qint64(written.size()),
            digest.result().toHex().left(16).constData());
    }
    malloc_trim(0);
    print("after malloc_trim(0)", measure());
    store.close();
    print("closed", measure());
    return 0;
}
