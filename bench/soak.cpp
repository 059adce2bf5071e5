// A long run under load, to see what grows. The demo backend runs as its own process (`healthdeck demo
// --headless`, so its memory is not counted here); this process runs the real engine and history recording of
// `healthdeck monitor` over N checks (default 5,000) against it, at 10x the normal rate (1 s instead of 10 s),
// with a fault injected through the demo's stdin every few minutes and healed 90 s later. Raw samples are kept
// for 10 minutes, so the retention sweep runs during the soak.
//
// Every minute it prints RSS, open file descriptors, threads, the history's size on disk and the scheduling lag
// of that minute; at the end it judges the targets (RSS growth under 5 % after the first 10 minutes, no fd or
// thread growth, history within its retention). See bench/README.md.
//
//   soak [--checks N] [--duration 1h] [--fault-every 3m] [--healthdeck PATH]

#include "benchutil.h"

#include "config/configloader.h"
#include "core/duration.h"
#include "monitor/historyrecorder.h"
#include "monitor/monitorengine.h"
#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace hd;

namespace {

struct Reading {
    double minute = 0;
    qint64 rssKb = 0;
    qint64 fds = 0;
    qint64 threads = 0;
    qint64 historyBytes = 0;
    SchedulingLag lag;
};

qint64 openFds()
{
    return QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size();
}

qint64 fileBytes(const QString& path)
{
    qint64 total = 0;
    for (const QString& f : { path, QString(path + u"-wal"), QString(path + u"-shm") })
        total += QFileInfo(f).size();
    return total;
}

// Faults the demo takes on stdin, each healed 90 s after it was made.
const QList<QPair<QByteArray, QByteArray>> kFaults = {
    { "db-down", "db-up" },
    { "slow", "fast" },
    { "kill worker1", "heal worker1" },
    { "hang", "unhang" },
    { "degrade ingestion", "heal ingestion" },
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption checksOpt(
        QStringLiteral("checks"), QStringLiteral("Checks to run."), QStringLiteral("N"), QStringLiteral("5000"));
    const QCommandLineOption durationOpt(
        QStringLiteral("duration"), QStringLiteral("How long."), QStringLiteral("D"), QStringLiteral("1h"));
    const QCommandLineOption faultOpt(QStringLiteral("fault-every"), QStringLiteral("Time between faults."),
        QStringLiteral("D"), QStringLiteral("3m"));
    const QCommandLineOption binOpt(QStringLiteral("healthdeck"), QStringLiteral("The healthdeck binary."),
        QStringLiteral("PATH"), QCoreApplication::applicationDirPath() + QStringLiteral("/../healthdeck"));
    parser.addOptions({ checksOpt, durationOpt, faultOpt, binOpt });
    parser.process(app);
    const int checks = parser.value(checksOpt).toInt();
    const qint64 durationMs = parseDurationMs(parser.value(durationOpt)).value_or(3'600'000);
    const qint64 faultEveryMs = parseDurationMs(parser.value(faultOpt)).value_or(180'000);

    // The demo backend in its own process; its summary names the services' addresses.
    QProcess demo;
    demo.setProcessChannelMode(QProcess::SeparateChannels);
    demo.start(parser.value(binOpt), { QStringLiteral("demo"), QStringLiteral("--headless") });
    QHash<QByteArray, QByteArray> urls;
    QElapsedTimer waiting;
    waiting.start();
    while (!urls.contains("config") && waiting.elapsed() < 20'000 && demo.waitForReadyRead(1000)) {
        while (demo.canReadLine()) {
            const QList<QByteArray> words = demo.readLine().simplified().split(' ');
            if (words.size() == 2)
                urls.insert(words[0], words[1]);
        }
    }
    if (!urls.contains("trading-api") || !urls.contains("redis")) {
        std::fprintf(stderr, "soak: the demo did not start (%s)\n", demo.readAllStandardError().constData());
        return 1;
    }
    // The demo's own state-change lines are not needed; reading them keeps its pipe from filling.
    QObject::connect(&demo, &QProcess::readyReadStandardOutput, &demo, [&demo] { demo.readAllStandardOutput(); });

    // N checks: HTTP endpoints of the three services and the Redis heartbeat keys, each its own check.
    const QList<QByteArray> endpoints = {
        urls["trading-api"] + "/health/live",
        urls["trading-api"] + "/health/ready",
        urls["trading-api"] + "/api/system/health",
        urls["portal"] + "/health/ping",
        urls["portal"] + "/health/ready",
        urls["analytics"] + "/healthcheck/",
    };
    const QList<QByteArray> keys = { "health:ingestion", "health:worker1", "health:depth-collector" };
    QByteArray yaml = "version: 1\n"
                      "defaults: { interval: 1s, timeout: 2s, failure_threshold: 2 }\n"
                      "history: { retention: { raw_samples: 10m } }\n"
                      "redis: { main: { url: \""
        + urls["redis"]
        + "\" } }\n"
          "services:\n";
    const int perService = 50;
    for (int i = 0; i < checks; ++i) {
        if (i % perService == 0)
            yaml += "  - name: svc" + QByteArray::number(i / perService) + "\n    checks:\n";
        if (i % 10 == 9)
            yaml += "      - { name: c" + QByteArray::number(i) + ", redis: { server: main, key: \""
                + keys[i % keys.size()] + "\" }, conditions: [\"[BODY].status == healthy\"] }\n";
        else
            yaml += "      - { name: c" + QByteArray::number(i) + ", http: { url: \"" + endpoints[i % endpoints.size()]
                + "\" } }\n";
    }
    const ConfigLoadResult loaded = loadConfigString(yaml, QStringLiteral("soak.yaml"), QProcessEnvironment());
    if (!loaded.config) {
        std::fprintf(stderr, "soak: %s\n", qPrintable(loaded.errorText()));
        return 1;
    }

    QTemporaryDir dir;
    HistoryOptions options;
    options.path = dir.filePath(QStringLiteral("history.sqlite"));
    options.retention = loaded.config->history;
    options.sweepIntervalMs = 60'000;
    HistoryStore store(options);
    if (!store.open()) {
        std::fprintf(stderr, "soak: cannot open the history\n");
        return 1;
    }
    MonitorEngine engine;
    engine.setConfig(*loaded.config);
    HistoryRecorder recorder(&engine, &store);
    qint64 events = 0;
    QObject::connect(&recorder, &HistoryRecorder::eventCommitted, &app, [&events] { ++events; });

    std::printf("soak: %d checks at 1 s, %s, a fault every %s (healed after 90 s), history %s\n", checks,
        qPrintable(formatDurationMs(durationMs)), qPrintable(formatDurationMs(faultEveryMs)), qPrintable(options.path));
    std::printf("%6s %9s %5s %7s %11s %8s %8s %8s  %s\n", "minute", "rss_MiB", "fds", "threads", "history_MiB",
        "lag_p99", "lag_max", "events", "fault");
    std::fflush(stdout);

    QList<Reading> readings;
    QElapsedTimer clock;
    clock.start();
    QByteArray lastFault;
    int faultIndex = 0;
    QTimer faults;
    QObject::connect(&faults, &QTimer::timeout, &app, [&] {
        const auto& [make, heal] = kFaults[faultIndex++ % kFaults.size()];
        demo.write(make + '\n');
        lastFault = make;
        QTimer::singleShot(90'000, &demo, [&demo, heal = heal] { demo.write(heal + '\n'); });
    });
    faults.start(int(faultEveryMs));

    QTimer minute;
    QObject::connect(&minute, &QTimer::timeout, &app, [&] {
        Reading r;
        r.minute = double(clock.elapsed()) / 60'000.0;
        r.rssKb = hdbench::procStatusKb("VmRSS:");
        r.threads = hdbench::procStatusKb("Threads:");
        r.fds = openFds();
        r.historyBytes = fileBytes(options.path);
        r.lag = engine.schedulingLag();
        engine.resetSchedulingLag();
        readings << r;
        std::printf("%6.1f %9.1f %5lld %7lld %11.1f %6lldms %6lldms %8lld  %s\n", r.minute, double(r.rssKb) / 1024,
            r.fds, r.threads, double(r.historyBytes) / (1024 * 1024), r.lag.p99Ms, r.lag.maxMs, events,
            lastFault.constData());
        std::fflush(stdout);
        lastFault.clear();
    });
    minute.start(60'000);
    QTimer::singleShot(std::chrono::milliseconds(durationMs + 1000), &app, &QCoreApplication::quit);
    engine.start();
    app.exec();
    engine.stop();
    store.close();
    demo.write("quit\n");
    demo.waitForFinished(5000);

    // The targets, judged from the readings after the first 10 minutes.
    QList<Reading> settled;
    for (const Reading& r : std::as_const(readings)) {
        if (r.minute >= 10)
            settled << r;
    }
    if (settled.size() < 2) {
        std::printf("soak: too short to judge the targets (they start after 10 minutes)\n");
        return 0;
    }
    qint64 rssMin = settled.first().rssKb, rssMax = rssMin, historyMax = 0;
    for (const Reading& r : std::as_const(settled)) {
        rssMin = qMin(rssMin, r.rssKb);
        rssMax = qMax(rssMax, r.rssKb);
        historyMax = qMax(historyMax, r.historyBytes);
    }
    const double growth = 100.0 * double(settled.last().rssKb - settled.first().rssKb) / double(settled.first().rssKb);
    std::printf(
        "soak: RSS from minute 10 to the end: %.1f -> %.1f MiB (%+.1f %%; range %.1f-%.1f); target < 5 %%: %s\n",
        double(settled.first().rssKb) / 1024, double(settled.last().rssKb) / 1024, growth, double(rssMin) / 1024,
        double(rssMax) / 1024, growth < 5 ? "met" : "NOT MET");
    std::printf("soak: fds %lld -> %lld, threads %lld -> %lld; target no growth: %s\n", settled.first().fds,
        settled.last().fds, settled.first().threads, settled.last().threads,
        settled.last().fds <= settled.first().fds && settled.last().threads <= settled.first().threads ? "met"
                                                                                                       : "NOT MET");
    std::printf("soak: history at most %.1f MiB after minute 10, %.1f MiB at the end\n",
        double(historyMax) / (1024 * 1024), double(settled.last().historyBytes) / (1024 * 1024));
    return 0;
}
