// Polls 5,000 heartbeat keys once a second through the real probe path and
// prints the engine's CPU and memory beside redis-benchmark's figures for the
// same command mix. See bench/README.md.
//
//   redis_heartbeats [--keys N] [--seconds S] [--mode pattern|key]

#include "config/config.h"
#include "redis/redisconnection.h"
#include "redis/redispool.h"
#include "redis/redisprobe.h"
#include "redis/redisserverprocess.h"

#include "benchutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include <cstdio>

using namespace hd;
using hdbench::cpuSeconds;
using hdbench::procStatusKb;

namespace {

// redis-benchmark's keyspace: __rand_int__ expands to 12 digits, so our keys use the same names.
QByteArray keyName(int i)
{
    return "health:" + QByteArray::number(i).rightJustified(12, '0');
}

QByteArray heartbeat(int i)
{
    return R"({"last_activity":"2026-11-22T11:12:00.000Z","connected":true,"error_count":0,"processed_count":)"
        + QByteArray::number(1000 + i) + R"(,"status":"healthy"})";
}

// Runs one command synchronously (setup only, never in the measured window).
RedisResponse blockingCall(RedisConnection& connection, const QList<QByteArray>& argv)
{
    RedisResponse result;
    bool done = false;
    connection.send(argv, QDeadlineTimer(30'000), nullptr, [&](const RedisResponse& r) {
        result = r;
        done = true;
    });
    while (!done)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return result;
}

double serverCpuSeconds(RedisConnection& connection)
{
    const RedisResponse r = blockingCall(connection, { "INFO", "cpu" });
    double total = 0;
    for (const QByteArray& line : r.reply.bytes().split('\n')) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:"))
            total += line.mid(line.indexOf(':') + 1).trimmed().toDouble();
    }
    return total;
}

struct BenchmarkRun {
    QString command;
    qint64 requests = 0;
    double rps = 0;
    double clientCpu = 0;
};

BenchmarkRun redisBenchmark(quint16 port, int keys, qint64 requests, const QStringList& command)
{
    // One connection, pipelined, like healthdeck's single shared connection.
    QStringList args { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(port),
        QStringLiteral("-c"), QStringLiteral("1"), QStringLiteral("-P"), QStringLiteral("100"), QStringLiteral("-n"),
        QString::number(requests), QStringLiteral("-r"), QString::number(keys), QStringLiteral("-q") };
    args << command;
    BenchmarkRun run;
    run.command = command.join(u' ');
    run.requests = requests;
    const double before = cpuSeconds(RUSAGE_CHILDREN);
    QProcess process;
    process.start(QStringLiteral("redis-benchmark"), args);
    process.waitForFinished(-1);
    run.clientCpu = cpuSeconds(RUSAGE_CHILDREN) - before;
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("([0-9.]+) requests per second")).match(out);
    if (m.hasMatch())
        run.rps = m.captured(1).toDouble();
    else
        std::fprintf(stderr, "redis-benchmark said: %s\n", qPrintable(out));
    return run;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("healthdeck Redis heartbeat polling benchmark"));
    parser.addHelpOption();
    QCommandLineOption keysOption(
        QStringLiteral("keys"), QStringLiteral("heartbeat keys"), QStringLiteral("N"), QStringLiteral("5000"));
    QCommandLineOption secondsOption(
        QStringLiteral("seconds"), QStringLiteral("polling duration"), QStringLiteral("S"), QStringLiteral("30"));
    QCommandLineOption modeOption(QStringLiteral("mode"),
        QStringLiteral("pattern (one SCAN check) or key (one check per key)"), QStringLiteral("MODE"),
        QStringLiteral("pattern"));
    parser.addOptions({ keysOption, secondsOption, modeOption });
    parser.process(app);
    const int keys = parser.value(keysOption).toInt();
    const int seconds = parser.value(secondsOption).toInt();
    const bool patternMode = parser.value(modeOption) == u"pattern";
    if (keys <= 0 || seconds <= 0 || (!patternMode && parser.value(modeOption) != u"key")) {
        parser.showHelp(2);
    }

    RedisServerProcess server;
    if (!server.start()) {
        std::fprintf(stderr, "cannot start redis-server: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    RedisConnection admin(server.serverConfig(QStringLiteral("admin")));
    {
        int acked = 0;
        for (int i = 0; i < keys; ++i) {
            admin.send({ "SETEX", keyName(i), "3600", heartbeat(i) }, QDeadlineTimer(60'000), nullptr,
                [&](const RedisResponse&) { ++acked; });
        }
        while (acked < keys)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }

    Config config;
    config.redis.insert(QStringLiteral("main"), server.serverConfig(QStringLiteral("main")));
    RedisPool pool(config);
    QList<CheckConfig> checks;
    auto makeCheck = [](RedisProbeConfig::Mode mode, const QString& key) {
        CheckConfig check;
        check.service = QStringLiteral("bench");
        check.name = key;
        check.kind = ProbeKind::Redis;
        check.timeoutMs = 5000;
        check.settings<RedisProbeConfig>().server = QStringLiteral("main");
        check.settings<RedisProbeConfig>().mode = mode;
        check.settings<RedisProbeConfig>().key = key;
        return check;
    };
    if (patternMode) {
        checks << makeCheck(RedisProbeConfig::Mode::Pattern, QStringLiteral("health:*"));
    } else {
        for (int i = 0; i < keys; ++i)
            checks << makeCheck(RedisProbeConfig::Mode::Key, QString::fromLatin1(keyName(i)));
    }

    std::printf("healthdeck redis_heartbeats: %d keys, %d s, %s mode, private redis-server on 127.0.0.1:%u\n", keys,
        seconds, patternMode ? "pattern" : "key", unsigned(server.port()));

    qint64 keysRead = 0;
    qint64 keyFailures = 0;
    int cyclesStarted = 0;
    int cyclesSkipped = 0;
    int outstanding = 0;
    double worstCycleMs = 0;
    QElapsedTimer cycleClock;

    auto startCycle = [&] {
        if (outstanding > 0) {
            ++cyclesSkipped; // the previous poll is still running: never pile up
            return;
        }
        ++cyclesStarted;
        cycleClock.start();
        outstanding = int(checks.size());
        for (const CheckConfig& check : std::as_const(checks)) {
            Probe* probe = createRedisProbe(check, &pool, config.defaults.maxBodyBytes, &app);
            QObject::connect(probe, &Probe::finished, probe, [&, probe](const ProbeResult& r) {
                if (!r.completed()) {
                    ++keyFailures;
                } else if (!patternMode) {
                    ++keysRead;
                } else {
                    for (const ProbeResult& item : r.items) {
                        if (item.completed())
                            ++keysRead;
                        else
                            ++keyFailures;
                    }
                }
                probe->deleteLater();
                if (--outstanding == 0)
                    worstCycleMs = qMax(worstCycleMs, double(cycleClock.nsecsElapsed()) / 1e6);
            });
            probe->start();
        }
    };

    const double serverCpuBefore = serverCpuSeconds(admin);
    const double cpuBefore = cpuSeconds(RUSAGE_SELF);
    QElapsedTimer wall;
    wall.start();
    QTimer poll;
    poll.setTimerType(Qt::PreciseTimer);
    poll.setInterval(1000);
    QObject::connect(&poll, &QTimer::timeout, &app, startCycle);
    startCycle();
    poll.start();
    QTimer::singleShot(seconds * 1000, &app, [&] { poll.stop(); });
    while (poll.isActive() || outstanding > 0)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    const double wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    const double engineCpu = cpuSeconds(RUSAGE_SELF) - cpuBefore;
    const double serverCpu = serverCpuSeconds(admin) - serverCpuBefore;
    const qint64 rssKb = procStatusKb("VmRSS:");
    const qint64 peakKb = procStatusKb("VmHWM:");

    const double keysPerSecond = double(keysRead) / wallSeconds;
    std::printf("\nhealthdeck (this process, %s probes through RedisPool):\n", patternMode ? "SCAN pattern" : "key");
    std::printf("  polls           %d started, %d skipped (previous poll still running), worst poll %.1f ms\n",
        cyclesStarted, cyclesSkipped, worstCycleMs);
    std::printf("  keys read       %lld ok, %lld failed, %.0f keys/s\n", keysRead, keyFailures, keysPerSecond);
    std::printf("  engine CPU      %.2f s in %.1f s = %.1f %% of one core (target <= 10 %% at 5,000 keys/s)\n",
        engineCpu, wallSeconds, 100.0 * engineCpu / wallSeconds);
    std::printf("  engine RSS      %.1f MiB now, %.1f MiB peak\n", double(rssKb) / 1024, double(peakKb) / 1024);
    std::printf("  redis-server    %.2f s CPU meanwhile (INFO cpu)\n", serverCpu);

    // The same commands, as many as healthdeck sent, from redis-benchmark.
    const qint64 perCommand = keysRead;
    const qint64 scans = qint64(cyclesStarted) * ((keys + 999) / 1000 + 1);
    QList<BenchmarkRun> runs;
    if (patternMode)
        runs << redisBenchmark(server.port(), keys, qMax<qint64>(scans, 1),
            { QStringLiteral("SCAN"), QStringLiteral("0"), QStringLiteral("MATCH"), QStringLiteral("health:*"),
                QStringLiteral("COUNT"), QStringLiteral("1000") });
    for (const char* command : { "STRLEN", "PTTL", "GET" })
        runs << redisBenchmark(server.port(), keys, qMax<qint64>(perCommand, 1),
            { QString::fromLatin1(command), QStringLiteral("health:__rand_int__") });
    double benchCpu = 0;
    std::printf("\nredis-benchmark -c 1 -P 100 -r %d, the same command mix and counts:\n", keys);
    for (const BenchmarkRun& run : std::as_const(runs)) {
        std::printf("  %-42s %9lld requests  %10.0f req/s  client CPU %.2f s\n", qPrintable(run.command), run.requests,
            run.rps, run.clientCpu);
        benchCpu += run.clientCpu;
    }
    std::printf("  total client CPU %.2f s = %.1f %% of one core if spread over the same %.1f s\n", benchCpu,
        100.0 * benchCpu / wallSeconds, wallSeconds);
    std::printf("\nengine CPU / redis-benchmark client CPU for the same work: %.1fx\n",
        benchCpu > 0 ? engineCpu / benchCpu : 0.0);
    return keyFailures == 0 ? 0 : 1;
}
