// Runs N HTTP checks at a 1 s interval through the real MonitorEngine against a
// local keep-alive server for S seconds and prints the engine's CPU beside
// wrk's CPU per request and prometheus-blackbox-exporter's CPU per probe,
// measured in the same run against the same server. See bench/README.md.
//
//   monitor_load [--checks N] [--seconds S] [--wrk-seconds S] [--rounds N] [--blackbox-seconds S] [--changing-bodies]
//                [--metrics-listen ADDR]   (serve /metrics as `monitor --metrics-listen` does, scraped every second)
//                [--tls] [--handshakes N]  (HTTPS: the server serves TLS with keep-alive, wrk runs over TLS,
//                                           and N checks' first poll to one host is timed: handshakes/s)
//   monitor_load --serve [--tls-dir DIR]   (the target server, started as a child process)

#include "config/configloader.h"
#include "metrics/metricsexporter.h"
#include "monitor/monitorengine.h"
#include "probes/httpprobe.h"

#include "benchutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sched.h>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

using namespace hd;
using hdbench::cpuSeconds;

namespace {

// The target: HTTP/1.1 keep-alive, one small JSON answer per request, pipelining
// tolerated. It counts requests and prints the count when a line arrives on stdin.
int serve(bool changingBodies, const QString& tlsDir)
{
    QTcpServer* server = new QTcpServer;
    if (!tlsDir.isEmpty()) {
        // TLS with keep-alive: the certificate made by the parent (makeCertificates).
        auto* secure = new QSslServer;
        QFile keyFile(tlsDir + u"/server.key"_s);
        keyFile.open(QIODevice::ReadOnly);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(QSslCertificate::fromPath(tlsDir + u"/server.pem"_s));
        ssl.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec));
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        ssl.setAllowedNextProtocols({ QByteArrayLiteral("http/1.1") });
        secure->setSslConfiguration(ssl);
        delete server;
        server = secure;
    }
    server->setMaxPendingConnections(1 << 20); // a first poll opens many at once
    if (!server->listen(QHostAddress::LocalHost, 0))
        return 1;
    static qint64 served = 0;
    static const QByteArray response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n"
                                       "Connection: keep-alive\r\n\r\n{\"status\":\"UP\"}";
    // Emitted by both servers; QSslServer's only once the handshake is done.
    QObject::connect(server, &QTcpServer::pendingConnectionAvailable, server, [server, changingBodies] {
        while (QTcpSocket* socket = server->nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, buffer, changingBodies] {
                buffer->append(socket->readAll());
                QByteArray out;
                qsizetype end;
                while ((end = buffer->indexOf("\r\n\r\n")) >= 0) {
                    buffer->remove(0, end + 4); // the probes and wrk send no request bodies
                    ++served;
                    if (!changingBodies) {
                        out += response;
                        continue;
                    }
                    // A body that differs on every answer, as one with a timestamp or a counter does.
                    const QByteArray body = "{\"status\":\"UP\",\"served\":" + QByteArray::number(served) + "}";
                    out += "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + QByteArray::number(body.size()) + "\r\nConnection: keep-alive\r\n\r\n" + body;
                }
                if (!out.isEmpty())
                    socket->write(out);
            });
        }
    });
    std::printf("%d\n", server->serverPort());
    std::fflush(stdout);
    auto* notifier = new QSocketNotifier(0, QSocketNotifier::Read);
    QObject::connect(notifier, &QSocketNotifier::activated, notifier, [] {
        char buffer[256];
        if (::read(0, buffer, sizeof buffer) <= 0) {
            QCoreApplication::exit(0); // the parent closed the pipe
            return;
        }
        std::printf("%lld\n", static_cast<long long>(served));
        std::fflush(stdout);
    });
    return QCoreApplication::exec();
}

// On a machine with two cores or more, the clients (healthdeck's engine, wrk, the blackbox exporter) run on
// core 0 and the target server on core 1, so that each client meets the same server on an otherwise idle core
// and the figures do not swing with where the scheduler happens to put the two.
bool pinToCore(pid_t pid, int core)
{
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return false;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    return sched_setaffinity(pid, sizeof(set), &set) == 0;
}

// A CA and a server certificate for 127.0.0.1 in dir (EC keys, made in milliseconds), for --tls.
bool makeCertificates(const QString& dir)
{
    const auto openssl = [&dir](const QStringList& arguments) {
        QProcess process;
        process.setWorkingDirectory(dir);
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.setStandardOutputFile(QProcess::nullDevice());
        process.start(QStringLiteral("openssl"), arguments);
        return process.waitForFinished(30'000) && process.exitCode() == 0;
    };
    const QStringList ecKey { u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s };
    QFile ext(dir + u"/server.ext"_s);
    ext.open(QIODevice::WriteOnly);
    ext.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
              "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    ext.close();
    return openssl(QStringList { u"req"_s, u"-x509"_s } + ecKey
               + QStringList { u"-addext"_s, u"basicConstraints=critical,CA:TRUE"_s, u"-days"_s, u"2"_s, u"-subj"_s,
                   u"/CN=monitor_load CA"_s, u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.pem"_s })
        && openssl(QStringList { u"req"_s } + ecKey
            + QStringList { u"-subj"_s, u"/CN=localhost"_s, u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.csr"_s })
        && openssl({ u"x509"_s, u"-req"_s, u"-in"_s, u"server.csr"_s, u"-CA"_s, u"ca.pem"_s, u"-CAkey"_s, u"ca.key"_s,
            u"-CAcreateserial"_s, u"-days"_s, u"2"_s, u"-extfile"_s, u"server.ext"_s, u"-out"_s, u"server.pem"_s });
}

class TargetServer {
public:
    bool start(const QString& self, bool changingBodies, const QString& tlsDir)
    {
        m_process.setChildProcessModifier([] { pinToCore(0, 1); });
        QStringList arguments { QStringLiteral("--serve") };
        if (changingBodies)
            arguments << QStringLiteral("--changing-bodies");
        if (!tlsDir.isEmpty())
            arguments << QStringLiteral("--tls-dir") << tlsDir;
        m_process.start(self, arguments);
        if (!m_process.waitForStarted() || !m_process.waitForReadyRead(10'000))
            return false;
        port = m_process.readLine().trimmed().toInt();
        return port > 0;
    }
    qint64 served()
    {
        m_process.write("count\n");
        while (!m_process.canReadLine())
            m_process.waitForReadyRead(10'000);
        return m_process.readLine().trimmed().toLongLong();
    }
    void stop()
    {
        m_process.closeWriteChannel();
        m_process.waitForFinished(5'000);
    }
    qint64 pid() const { return m_process.processId(); }
    int port = 0;

private:
    QProcess m_process;
};

// Turns the event loop for ms without spinning (processEvents with a time limit would poll in a busy loop).
void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QByteArray loadConfigYaml(int checks, int port, const QString& tlsDir)
{
    const QByteArray scheme = tlsDir.isEmpty() ? "http" : "https";
    const QByteArray tls = tlsDir.isEmpty() ? QByteArray() : ", tls: { ca: \"" + tlsDir.toUtf8() + "/ca.pem\" }";
    QByteArray yaml = "version: 1\ndefaults: { interval: 1s, timeout: 2s }\nservices:\n";
    const int perService = 100;
    for (int i = 0; i < checks; ++i) {
        if (i % perService == 0)
            yaml += "  - name: svc" + QByteArray::number(i / perService) + "\n    checks:\n";
        yaml += "      - { name: c" + QByteArray::number(i) + ", http: { url: \"" + scheme
            + "://127.0.0.1:" + QByteArray::number(port) + "/health/" + QByteArray::number(i) + "\"" + tls + " } }\n";
    }
    return yaml;
}

struct EngineRun {
    double cpu = 0;
    double wall = 0;
    qint64 requests = 0;
    qint64 down = 0;
    qint64 rssKb = 0;
    SchedulingLag lag;
};

// The engine under test, kept across rounds: stopped while wrk runs, so that the two never share the core.
class EngineUnderTest {
public:
    EngineUnderTest(TargetServer& server, int checks, const QString& metricsAddress, const QString& tlsDir)
        : m_server(server)
    {
        const ConfigLoadResult loaded = loadConfigString(loadConfigYaml(checks, server.port, tlsDir),
            QStringLiteral("monitor_load.yaml"), QProcessEnvironment::systemEnvironment());
        if (!loaded.config) {
            std::fprintf(stderr, "config failed\n");
            std::exit(1);
        }
        m_engine.setLimits({ 1024, 1024 }); // one host on purpose: the per-host cap must not be the bottleneck
        m_engine.setConfig(*loaded.config);
        QObject::connect(&m_engine, &MonitorEngine::rowsUpdated, [this](const QList<RowState>& rows) {
            for (const RowState& row : rows)
                m_notOk += row.freshResult && row.rawStatus != Status::Ok;
        });
        if (!metricsAddress.isEmpty()) {
            // Scraped once a second by curl in a child process, so that only serving the scrape is counted here.
            m_metrics = std::make_unique<MetricsExporter>(&m_engine);
            QString why;
            if (!m_metrics->listen(metricsAddress, &why)) {
                std::fprintf(stderr, "--metrics-listen: %s\n", qPrintable(why));
                std::exit(1);
            }
            m_scrapeLog.open();
            m_scraper.start(QStringLiteral("sh"),
                { QStringLiteral("-c"),
                    u"while :; do curl -s -o /dev/null -w '%{size_download}\\n' http://"_s + m_metrics->address()
                        + u"/metrics >> \"$0\"; sleep 1; done"_s,
                    m_scrapeLog.fileName() });
        }
    }

    ~EngineUnderTest()
    {
        if (m_scraper.state() != QProcess::NotRunning) {
            m_scraper.kill();
            m_scraper.waitForFinished(2000);
        }
    }

    // Scrapes served so far and the size of the last one, in bytes.
    std::pair<int, qint64> scrapes()
    {
        QFile log(m_scrapeLog.fileName());
        if (!log.open(QIODevice::ReadOnly))
            return { 0, 0 };
        const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
        return { lines.first().isEmpty() ? 0 : int(lines.size()), lines.last().toLongLong() };
    }

    // Runs the engine for warmUpMs (connections open, every check runs a few times), then measures it for seconds.
    EngineRun run(int warmUpMs, int seconds)
    {
        m_engine.start();
        waitMs(warmUpMs);
        EngineRun run;
        m_notOk = 0;
        m_engine.resetSchedulingLag();
        const qint64 servedBefore = m_server.served();
        const double cpuBefore = cpuSeconds(RUSAGE_SELF);
        QElapsedTimer wall;
        wall.start();
        waitMs(seconds * 1000);
        run.cpu = cpuSeconds(RUSAGE_SELF) - cpuBefore;
        run.wall = double(wall.elapsed()) / 1000.0;
        run.requests = m_server.served() - servedBefore;
        run.down = m_notOk;
        run.rssKb = hdbench::procStatusKb("VmRSS:");
        run.lag = m_engine.schedulingLag();
        m_engine.stop();
        return run;
    }

private:
    TargetServer& m_server;
    MonitorEngine m_engine;
    qint64 m_notOk = 0;
    std::unique_ptr<MetricsExporter> m_metrics;
    QProcess m_scraper;
    QTemporaryFile m_scrapeLog;
};

struct ChildRun {
    double cpu = -1;
    qint64 requests = 0;
    QString note;
};

ChildRun runWrk(TargetServer& server, int seconds, bool tls)
{
    ChildRun run;
    const QString wrk = QStandardPaths::findExecutable(QStringLiteral("wrk"));
    if (wrk.isEmpty()) {
        run.note = QStringLiteral("wrk not installed (apt-get install wrk)");
        return run;
    }
    const qint64 before = server.served();
    const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
    QProcess process;
    process.start(wrk,
        { QStringLiteral("-t1"), QStringLiteral("-c32"), QStringLiteral("-d%1s").arg(seconds),
            QStringLiteral("%1://127.0.0.1:%2/health/0").arg(tls ? u"https"_s : u"http"_s).arg(server.port) });
    process.waitForFinished(seconds * 1000 + 30'000);
    run.cpu = cpuSeconds(RUSAGE_CHILDREN) - cpuBefore;
    run.requests = server.served() - before;
    return run;
}

// Probes through the exporter's /probe endpoint at `rate` per second, as Prometheus would scrape it.
ChildRun runBlackbox(TargetServer& server, int rate, int seconds)
{
    ChildRun run;
    if (seconds <= 0) {
        run.note = QStringLiteral("not run");
        return run;
    }
    const QString exporter = QStandardPaths::findExecutable(QStringLiteral("prometheus-blackbox-exporter"));
    if (exporter.isEmpty()) {
        run.note = QStringLiteral("prometheus-blackbox-exporter not installed");
        return run;
    }
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("blackbox.yml")));
    config.open(QIODevice::WriteOnly);
    config.write("modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n    http:\n"
                 "      preferred_ip_protocol: ip4\n      ip_protocol_fallback: false\n");
    config.close();
    QTcpServer probePort;
    probePort.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probePort.serverPort();
    probePort.close();
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(exporter,
        { QStringLiteral("--config.file=%1").arg(config.fileName()),
            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port) });
    if (!process.waitForStarted()) {
        run.note = QStringLiteral("prometheus-blackbox-exporter did not start");
        return run;
    }
    waitMs(1'000);
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/probe?module=http_2xx&target=http://127.0.0.1:%2/health/0")
                       .arg(port)
                       .arg(server.port));
    // Several managers: each keeps at most six connections to one host.
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    for (int i = 0; i < 8; ++i)
        managers.push_back(std::make_unique<QNetworkAccessManager>());
    qint64 sent = 0, answered = 0, failed = 0;
    bool measuring = true;
    QTimer tick;
    const int ticksPerSecond = 100;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        for (int i = 0; i < rate / ticksPerSecond; ++i) {
            QNetworkReply* reply = managers[size_t(sent++ % qint64(managers.size()))]->get(QNetworkRequest(url));
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply] {
                reply->deleteLater();
                if (!measuring)
                    return; // abandoned below
                ++answered;
                failed += reply->error() != QNetworkReply::NoError || !reply->readAll().contains("probe_success 1");
            });
        }
    });
    waitMs(1'000);
    const qint64 before = server.served();
    const double cpuBefore = hdbench::processCpuSeconds(process.processId());
    tick.start(1000 / ticksPerSecond);
    waitMs(seconds * 1000);
    tick.stop();
    const double cpuAfter = hdbench::processCpuSeconds(process.processId());
    run.requests = server.served() - before;
    run.cpu = cpuAfter - cpuBefore;
    // Asked for more than it can do, the exporter has a backlog; what it did not answer is abandoned.
    measuring = false;
    managers.clear();
    if (failed > 0)
        run.note = QStringLiteral("%1 of %2 answered probes failed").arg(failed).arg(answered);
    process.terminate();
    process.waitForFinished(5'000);
    return run;
}

// The first poll of N https:// checks to one host, each on a connection of its own (Connection: close),
// 32 at a time as wrk -c32 would: N handshakes on one client, resumed where the server allows it.
void firstPoll(TargetServer& server, int checks, const QString& tlsDir)
{
    constexpr int window = 32;
    HttpClient client; // a fresh client: no session of an earlier poll is resumed
    std::vector<std::unique_ptr<HttpProbe>> probes;
    qint64 done = 0, ok = 0;
    for (int i = 0; i < checks; ++i) {
        CheckConfig check;
        check.service = u"svc"_s;
        check.name = u"c"_s + QString::number(i);
        check.kind = ProbeKind::Http;
        check.timeoutMs = 10'000;
        check.http.url = QUrl(u"https://127.0.0.1:%1/health/%2"_s.arg(server.port).arg(i));
        check.http.tls.caFile = tlsDir + u"/ca.pem"_s;
        check.http.headers = { { QByteArrayLiteral("Connection"), QByteArrayLiteral("close") } };
        probes.push_back(std::make_unique<HttpProbe>(check, &client, 0));
    }
    qint64 next = 0;
    for (auto& probe : probes) {
        QObject::connect(probe.get(), &Probe::finished, [&](const ProbeResult& r) {
            ++done;
            ok += r.outcome == ProbeResult::Outcome::Completed && r.status == 200;
            if (next < checks)
                probes[size_t(next++)]->start();
        });
    }
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done == checks)
            loop.quit();
    });
    const qint64 servedBefore = server.served();
    const double cpuBefore = cpuSeconds(RUSAGE_SELF);
    QElapsedTimer wall;
    wall.start();
    while (next < std::min(window, checks))
        probes[size_t(next++)]->start();
    poll.start(1);
    loop.exec();
    const double seconds = double(wall.elapsed()) / 1000.0;
    const double cpu = cpuSeconds(RUSAGE_SELF) - cpuBefore;
    QString error;
    const std::shared_ptr<TlsContext> context
        = client.tlsContext(TlsClientConfig { tlsDir + u"/ca.pem"_s, {}, {}, false }, &error);
    std::printf("first poll: %d https checks to one host in %.2f s, %lld ok; %lld handshakes (%lld resumed) = %.0f "
                "handshakes/s; CPU %.2f s = %.0f us per check (server answered %lld)\n",
        checks, seconds, static_cast<long long>(ok), static_cast<long long>(context->handshakes()),
        static_cast<long long>(context->resumedHandshakes()), double(context->handshakes()) / seconds, cpu,
        cpu / checks * 1e6, static_cast<long long>(server.served() - servedBefore));
    // The same server with openssl s_time: full handshakes, one connection after the other.
    QProcess sTime;
    sTime.setProcessChannelMode(QProcess::MergedChannels);
    sTime.start(u"openssl"_s,
        { u"s_time"_s, u"-connect"_s, u"127.0.0.1:%1"_s.arg(server.port), u"-new"_s, u"-time"_s, u"5"_s });
    sTime.waitForFinished(30'000);
    for (const QByteArray& line : sTime.readAll().split('\n')) {
        if (line.contains("connections"))
            std::printf("openssl s_time -new: %s\n", line.trimmed().constData());
    }
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    // Before any thread exists, so that every thread of the clients inherits it.
    const bool pinned = pinToCore(0, 0);
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("serve"), QStringLiteral("Run as the target server.") });
    parser.addOption({ QStringLiteral("changing-bodies"),
        QStringLiteral("The server's body differs on every answer (a counter in it).") });
    parser.addOption({ QStringLiteral("checks"), QStringLiteral("HTTP checks, 1 s interval."), QStringLiteral("n"),
        QStringLiteral("5000") });
    parser.addOption({ QStringLiteral("seconds"), QStringLiteral("Measured engine run."), QStringLiteral("s"),
        QStringLiteral("60") });
    parser.addOption(
        { QStringLiteral("wrk-seconds"), QStringLiteral("wrk run."), QStringLiteral("s"), QStringLiteral("16") });
    parser.addOption({ QStringLiteral("rounds"), QStringLiteral("Alternate healthdeck and wrk this many times."),
        QStringLiteral("n"), QStringLiteral("4") });
    parser.addOption({ QStringLiteral("blackbox-seconds"), QStringLiteral("Blackbox exporter run."),
        QStringLiteral("s"), QStringLiteral("30") });
    parser.addOption({ QStringLiteral("metrics-listen"),
        QStringLiteral("Serve /metrics here while measuring, scraped every second (needs curl)."),
        QStringLiteral("addr") });
    parser.addOption({ QStringLiteral("tls"), QStringLiteral("HTTPS: the server serves TLS, wrk runs over TLS.") });
    parser.addOption(
        { QStringLiteral("tls-dir"), QStringLiteral("(--serve) The certificate to serve."), QStringLiteral("dir") });
    parser.addOption({ QStringLiteral("handshakes"),
        QStringLiteral("With --tls: time the first poll of N checks to one host (0: skip)."), QStringLiteral("n"),
        QStringLiteral("1000") });
    parser.process(app);
    const bool changingBodies = parser.isSet(QStringLiteral("changing-bodies"));
    if (parser.isSet(QStringLiteral("serve")))
        return serve(changingBodies, parser.value(QStringLiteral("tls-dir")));
    const bool tls = parser.isSet(QStringLiteral("tls"));
    QTemporaryDir certificates;
    const QString tlsDir = tls ? certificates.path() : QString();
    if (tls && !makeCertificates(tlsDir)) {
        std::fprintf(stderr, "openssl could not make the certificates\n");
        return 1;
    }

    const int checks = parser.value(QStringLiteral("checks")).toInt();
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    TargetServer server;
    if (!server.start(QCoreApplication::applicationFilePath(), changingBodies, tlsDir)) {
        std::fprintf(stderr, "the target server did not start\n");
        return 1;
    }
    std::printf("target server on 127.0.0.1:%d%s%s; %d checks at 1 s for %d s (after a 5 s warm-up)%s\n", server.port,
        tls ? " (TLS, keep-alive)" : "", changingBodies ? " (a different body on every answer)" : "", checks, seconds,
        pinned ? "; clients on core 0, server on core 1" : "");
    std::fflush(stdout);

    // Rounds of (healthdeck, then wrk), so that both meet the same spells of a busy host; the ratio is taken
    // over the totals, and each round's is printed too.
    const int rounds = qMax(1, parser.value(QStringLiteral("rounds")).toInt());
    const int roundSeconds = qMax(1, seconds / rounds);
    const int wrkRoundSeconds = parser.value(QStringLiteral("wrk-seconds")).toInt() / rounds;
    if (tls && parser.value(QStringLiteral("handshakes")).toInt() > 0)
        firstPoll(server, parser.value(QStringLiteral("handshakes")).toInt(), tlsDir);
    EngineUnderTest underTest(server, checks, parser.value(QStringLiteral("metrics-listen")), tlsDir);
    EngineRun engine;
    ChildRun wrk;
    wrk.cpu = 0;
    QList<double> roundRatios;
    double serverCpuEngine = 0;
    for (int round = 1; round <= rounds; ++round) {
        const double serverBefore = hdbench::processCpuSeconds(server.pid());
        const EngineRun e = underTest.run(round == 1 ? 5'000 : 3'000, roundSeconds);
        serverCpuEngine += hdbench::processCpuSeconds(server.pid()) - serverBefore;
        engine.cpu += e.cpu;
        engine.wall += e.wall;
        engine.requests += e.requests;
        engine.down += e.down;
        engine.rssKb = qMax(engine.rssKb, e.rssKb);
        engine.lag.starts += e.lag.starts;
        engine.lag.p99Ms = qMax(engine.lag.p99Ms, e.lag.p99Ms);
        engine.lag.maxMs = qMax(engine.lag.maxMs, e.lag.maxMs);
        const double engineUs = e.requests > 0 ? e.cpu / double(e.requests) * 1e6 : 0;
        std::printf("  round %d: healthdeck %.0f checks/s, %.1f us CPU per check, scheduling lag p99 %lld ms", round,
            double(e.requests) / e.wall, engineUs, static_cast<long long>(e.lag.p99Ms));
        if (wrkRoundSeconds > 0) {
            const ChildRun w = runWrk(server, wrkRoundSeconds, tls);
            if (w.cpu >= 0 && w.requests > 0) {
                wrk.cpu += w.cpu;
                wrk.requests += w.requests;
                const double wrkUs = w.cpu / double(w.requests) * 1e6;
                roundRatios << engineUs / wrkUs;
                std::printf("; wrk %.2f us CPU per request; ratio %.2fx", wrkUs, roundRatios.last());
            } else {
                wrk.cpu = -1;
                wrk.note = w.note;
            }
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    const double perCheckUs = engine.requests > 0 ? engine.cpu / double(engine.requests) * 1e6 : 0;
    std::printf("healthdeck: %lld probes in %.1f s = %.0f checks/s; CPU %.2f s = %.1f %% of one core; "
                "%.1f us CPU per check; %lld non-ok results; RSS %.1f MiB; scheduling lag p99 %lld ms (worst "
                "round), max %lld ms (target server CPU %.2f s)\n",
        static_cast<long long>(engine.requests), engine.wall, double(engine.requests) / engine.wall, engine.cpu,
        100.0 * engine.cpu / engine.wall, perCheckUs, static_cast<long long>(engine.down),
        double(engine.rssKb) / 1024.0, static_cast<long long>(engine.lag.p99Ms),
        static_cast<long long>(engine.lag.maxMs), serverCpuEngine);
    if (parser.isSet(QStringLiteral("metrics-listen"))) {
        const auto [count, bytes] = underTest.scrapes();
        std::printf(
            "metrics: served %d scrapes of /metrics, the last %lld bytes\n", count, static_cast<long long>(bytes));
    }
    double wrkPerRequestUs = 0;
    if (wrk.cpu >= 0 && wrk.requests > 0) {
        wrkPerRequestUs = wrk.cpu / double(wrk.requests) * 1e6;
        std::printf("wrk -t1 -c32%s: %lld requests, CPU %.2f s, %.2f us CPU per request\n", tls ? " over TLS" : "",
            static_cast<long long>(wrk.requests), wrk.cpu, wrkPerRequestUs);
    } else if (wrkRoundSeconds > 0) {
        std::printf("wrk: %s\n", qPrintable(wrk.note));
    }
    std::fflush(stdout);

    const int rate = qMax(100, checks);
    const ChildRun blackbox
        = runBlackbox(server, rate, tls ? 0 : parser.value(QStringLiteral("blackbox-seconds")).toInt());
    double blackboxPerProbeUs = 0;
    if (blackbox.cpu >= 0 && blackbox.requests > 0) {
        const int blackboxSeconds = parser.value(QStringLiteral("blackbox-seconds")).toInt();
        blackboxPerProbeUs = blackbox.cpu / double(blackbox.requests) * 1e6;
        std::printf("blackbox exporter at %d probes/s asked: %lld probes (%.0f/s), CPU %.2f s, %.1f us CPU per "
                    "probe%s%s\n",
            rate, static_cast<long long>(blackbox.requests), double(blackbox.requests) / blackboxSeconds, blackbox.cpu,
            blackboxPerProbeUs, blackbox.note.isEmpty() ? "" : "; ", qPrintable(blackbox.note));
    } else {
        std::printf("blackbox exporter: %s\n", qPrintable(blackbox.note));
    }
    if (wrkPerRequestUs > 0) {
        std::sort(roundRatios.begin(), roundRatios.end());
        std::printf("healthdeck/wrk CPU per request: %.2fx over all rounds (rounds: %.2fx to %.2fx) (target <= 3x)\n",
            perCheckUs / wrkPerRequestUs, roundRatios.first(), roundRatios.last());
    }
    if (blackboxPerProbeUs > 0)
        std::printf("healthdeck/blackbox CPU per probe: %.2fx (target <= 0.5x)\n", perCheckUs / blackboxPerProbeUs);
    server.stop();
    return engine.requests > 0 && engine.down == 0 ? 0 : 1;
}
