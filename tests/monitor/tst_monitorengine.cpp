// The monitor engine against the real demo backend: thresholds, dependencies,
// startup gating, flapping, calendars, acknowledgements and reload.
#include "config/configloader.h"
#include "demo/demobackend.h"
#include "monitor/monitorengine.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace hd;

namespace {

struct Observed {
    Status raw;
    Status effective;
    bool pending;
};

} // namespace

class TestMonitorEngine : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void thresholdsExactCounts();
    void dependencyMarksImpacted();
    void dependantWaitsForItsDependency();
    void startupGatesLivenessAndReadiness();
    void flappingRaisesOneAlert();
    void offHoursRunsNothing();
    void acknowledgementClearsOnRecovery();
    void reloadKeepsUnchangedState();
    void reloadedCheckProbesItsNewTarget();
    void schedulingLagCountsHeldBackStarts();

private:
    Config load(const QByteArray& yaml);
    QByteArray url(const char* service, const char* path) const
    {
        return m_demo.baseUrl(QLatin1String(service)).toString().toUtf8() + path;
    }

    DemoBackend m_demo;
    QTemporaryDir m_dir;
};

void TestMonitorEngine::initTestCase()
{
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
}

void TestMonitorEngine::init()
{
    m_demo.resetFaults();
}

Config TestMonitorEngine::load(const QByteArray& yaml)
{
    const ConfigLoadResult r
        = loadConfigString(yaml, QStringLiteral("test.yaml"), QProcessEnvironment::systemEnvironment());
    if (!r.config) {
        for (const ConfigError& e : r.errors)
            qWarning() << e.toString();
        qFatal("test config does not load");
    }
    return *r.config;
}

void TestMonitorEngine::thresholdsExactCounts()
{
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(
        load("version: 1\nservices:\n  - name: api\n    checks:\n"
             "      - { name: ready, interval: 100ms, failure_threshold: 3, success_threshold: 2, http: { url: \""
            + url("trading-api", "/health/ready") + "\" } }\n"));
    QList<Observed> seen;
    QList<StateChange> changes;
    connect(&engine, &MonitorEngine::rowsUpdated, this, [&](const QList<RowState>& rows) {
        for (const RowState& r : rows) {
            if (r.key == u"api/ready" && r.freshResult)
                seen << Observed { r.rawStatus, r.status, r.pending };
        }
    });
    connect(&engine, &MonitorEngine::stateChanged, this, [&](const StateChange& c) { changes << c; });
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(!seen.isEmpty() && seen.last().effective == Status::Ok, 5000);
    QCOMPARE(changes.size(), 1); // starting -> ok
    QCOMPARE(changes.first().to, Status::Ok);

    m_demo.tradingApi()->setDatabaseDown(true);
    QTRY_VERIFY_WITH_TIMEOUT(seen.last().effective == Status::Down, 5000);
    qsizetype firstDown = 0;
    while (seen.at(firstDown).raw != Status::Down)
        ++firstDown;
    // Exactly failure_threshold results: two pending, the third switches.
    QCOMPARE(seen.size() - firstDown, qsizetype(3));
    QCOMPARE(seen.at(firstDown).effective, Status::Ok);
    QVERIFY(seen.at(firstDown).pending);
    QCOMPARE(seen.at(firstDown + 1).effective, Status::Ok);
    QVERIFY(seen.at(firstDown + 1).pending);
    QVERIFY(!seen.at(firstDown + 2).pending);
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes.last().from, Status::Ok);
    QCOMPARE(changes.last().to, Status::Down);

    m_demo.tradingApi()->setDatabaseDown(false);
    QTRY_VERIFY_WITH_TIMEOUT(seen.last().effective == Status::Ok, 5000);
    qsizetype firstOk = seen.size() - 1;
    while (seen.at(firstOk - 1).raw == Status::Ok)
        --firstOk;
    QCOMPARE(seen.size() - firstOk, qsizetype(2)); // success_threshold 2
    QCOMPARE(seen.at(firstOk).effective, Status::Down);
    QCOMPARE(changes.size(), 3);
}

void TestMonitorEngine::dependencyMarksImpacted()
{
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(load("version: 1\ndefaults: { interval: 100ms, failure_threshold: 1 }\nservices:\n"
                          "  - name: database\n    checks:\n"
                          "      - { name: primary, http: { url: \""
        + url("trading-api", "/health")
        + "\" }, conditions: [\"[BODY].database == healthy\"] }\n"
          "  - name: trading-api\n    depends_on: [database]\n    checks:\n"
          "      - { name: ready, failure_threshold: 3, http: { url: \""
        + url("trading-api", "/health/ready")
        + "\" } }\n"
          "  - name: portal\n    depends_on: [trading-api]\n    checks:\n"
          "      - { name: ping, http: { url: \""
        + url("portal", "/health/ping") + "\" } }\n"));
    QList<StateChange> changes;
    connect(&engine, &MonitorEngine::stateChanged, this, [&](const StateChange& c) {
        if (c.item.isEmpty()) // sub-checks in the /health body report their own changes too
            changes << c;
    });
    engine.start();
    QTRY_COMPARE_WITH_TIMEOUT(changes.size(), 3, 5000);

    m_demo.tradingApi()->setDatabaseDown(true);
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("trading-api/ready"))->status == Status::Down
            && engine.row(QStringLiteral("database/primary"))->status == Status::Down,
        5000);
    QTRY_COMPARE_WITH_TIMEOUT(engine.row(QStringLiteral("portal/ping"))->impactedBy, QStringLiteral("database"), 2000);
    QCOMPARE(engine.row(QStringLiteral("trading-api/ready"))->impactedBy, QStringLiteral("database"));
    QVERIFY(engine.row(QStringLiteral("trading-api/ready"))->impacted);
    QVERIFY(engine.row(QStringLiteral("database/primary"))->impactedBy.isEmpty());
    QCOMPARE(engine.impact().roots, QStringList { QStringLiteral("database") });
    QCOMPARE(engine.row(QStringLiteral("portal/ping"))->status, Status::Ok); // impacted, not failing itself
    // The root cause is decided here, once, and every row carries it: the matrix and the notices only read it.
    QVERIFY(engine.row(QStringLiteral("database/primary"))->rootCause);
    QVERIFY(!engine.row(QStringLiteral("trading-api/ready"))->rootCause);
    QVERIFY(!engine.row(QStringLiteral("portal/ping"))->rootCause);

    bool sawDatabaseRoot = false, sawApiImpacted = false;
    for (const StateChange& c : std::as_const(changes)) {
        if (c.to != Status::Down)
            continue;
        sawDatabaseRoot |= c.service == u"database" && c.impactedBy.isEmpty();
        sawApiImpacted |= c.service == u"trading-api" && c.impactedBy == u"database";
    }
    QVERIFY(sawDatabaseRoot);
    QVERIFY(sawApiImpacted);
}

void TestMonitorEngine::dependantWaitsForItsDependency()
{
    // The dependant crosses its threshold first (1 failure against the dependency's 3): its change is held
    // until the dependency has gone down too, and then names it as the root cause.
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(load("version: 1\ndefaults: { interval: 100ms }\nservices:\n"
                          "  - name: database\n    checks:\n"
                          "      - { name: primary, failure_threshold: 3, http: { url: \""
        + url("trading-api", "/health")
        + "\" }, conditions: [\"[BODY].database == healthy\"] }\n"
          "  - name: trading-api\n    depends_on: [database]\n    checks:\n"
          "      - { name: ready, failure_threshold: 1, http: { url: \""
        + url("trading-api", "/health/ready") + "\" } }\n"));
    QList<StateChange> changes;
    connect(&engine, &MonitorEngine::stateChanged, this, [&](const StateChange& c) {
        if (c.item.isEmpty() && c.to == Status::Down)
            changes << c;
    });
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("trading-api/ready"))->status == Status::Ok, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("database/primary"))->status == Status::Ok, 5000);

    m_demo.tradingApi()->setDatabaseDown(true);
    QTRY_COMPARE_WITH_TIMEOUT(changes.size(), 2, 5000);
    m_demo.tradingApi()->setDatabaseDown(false);
    QCOMPARE(changes.at(0).service, QStringLiteral("database"));
    QVERIFY(changes.at(0).impactedBy.isEmpty());
    QCOMPARE(changes.at(1).service, QStringLiteral("trading-api"));
    QCOMPARE(changes.at(1).impactedBy, QStringLiteral("database"));
    QVERIFY(changes.at(1).time < changes.at(0).time); // when it happened, not when it was reported
}

void TestMonitorEngine::startupGatesLivenessAndReadiness()
{
    const QDateTime delaySet = QDateTime::currentDateTimeUtc();
    m_demo.portal()->setStartupDelay(800);
    m_demo.portal()->clearRequests();
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(load("version: 1\ndefaults: { interval: 100ms, failure_threshold: 1 }\nservices:\n"
                          "  - name: portal\n    checks:\n"
                          "      - { name: startup, tags: [startup], http: { url: \""
        + url("portal", "/health/startup")
        + "\" } }\n"
          "      - { name: live, tags: [liveness], http: { url: \""
        + url("portal", "/health/live") + "\" } }\n"));
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("portal/startup"))->lastResult.isValid(), 3000);
    QVERIFY(engine.row(QStringLiteral("portal/live"))->gated);
    QCOMPARE(engine.row(QStringLiteral("portal/live"))->status, Status::Starting);
    QVERIFY(m_demo.portal()->requests(QStringLiteral("/health/live")).isEmpty());

    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("portal/startup"))->status == Status::Ok, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("portal/live"))->status == Status::Ok, 3000);
    QVERIFY(!engine.row(QStringLiteral("portal/live"))->gated);
    // Nothing reached the liveness route before the startup check first passed.
    const QDateTime firstLive = m_demo.portal()->requests(QStringLiteral("/health/live")).first().time;
    QVERIFY(firstLive >= delaySet.addMSecs(790));
}

void TestMonitorEngine::flappingRaisesOneAlert()
{
    QVERIFY(m_dir.isValid());
    // A probe that alternates ok/down on every run until told to be steady.
    const QString counter = m_dir.filePath(QStringLiteral("n"));
    const QString steady = m_dir.filePath(QStringLiteral("steady"));
    QByteArray script = "n=$(cat " + counter.toUtf8() + " 2>/dev/null || echo 0); echo $((n+1)) > " + counter.toUtf8()
        + "; [ -e " + steady.toUtf8() + " ] && exit 0; exit $(( n % 2 * 2 ))";
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(
        load("version: 1\nservices:\n  - name: flaky\n    checks:\n"
             "      - { name: toggle, interval: 60ms, failure_threshold: 1, exec: { command: [\"sh\", \"-c\", \""
            + script.replace('"', "\\\"") + "\"] } }\n"));
    QList<StateChange> changes;
    int results = 0;
    connect(&engine, &MonitorEngine::stateChanged, this, [&](const StateChange& c) { changes << c; });
    connect(&engine, &MonitorEngine::rowsUpdated, this, [&](const QList<RowState>& rows) {
        for (const RowState& r : rows)
            results += r.freshResult;
    });
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("flaky/toggle"))->flapping, 10000);
    const int changesAtStart = int(changes.size());
    QVERIFY(changes.last().flapping);
    // Ten more alternating results raise nothing more.
    const int mark = results;
    QTRY_VERIFY_WITH_TIMEOUT(results >= mark + 10, 10000);
    QCOMPARE(int(changes.size()), changesAtStart);
    QVERIFY(changesAtStart < 12); // not one alert per change

    QFile(steady).open(QIODevice::WriteOnly);
    QTRY_VERIFY_WITH_TIMEOUT(!engine.row(QStringLiteral("flaky/toggle"))->flapping, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(changes.size() > changesAtStart, 2000);
    QVERIFY(!changes.last().flapping);
    QVERIFY(changes.last().detail.contains(u"stopped flapping"));
}

void TestMonitorEngine::offHoursRunsNothing()
{
    m_demo.tradingApi()->clearRequests();
    QDateTime clock = QDateTime(QDate(2026, 11, 21), QTime(12, 0), Qt::UTC); // a Saturday
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setClock([&clock] { return clock; });
    engine.setConfig(load("version: 1\ncalendars:\n  market: { timezone: UTC, sessions: [\"Mon-Fri 09:00-17:00\"] }\n"
                          "services:\n  - name: ticks\n    checks:\n"
                          "      - { name: feed, interval: 100ms, active: market, http: { url: \""
        + url("trading-api", "/health/live") + "\" } }\n"));
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("ticks/feed"))->offHours, 3000);
    QTest::qWait(300); // three intervals pass: nothing may be probed
    QVERIFY(m_demo.tradingApi()->requests(QStringLiteral("/health/live")).isEmpty());

    clock = QDateTime(QDate(2026, 11, 23), QTime(9, 0), Qt::UTC); // Monday, the session opens
    engine.runNow(QStringLiteral("ticks/feed"));
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("ticks/feed"))->status == Status::Ok, 3000);
    QVERIFY(!engine.row(QStringLiteral("ticks/feed"))->offHours);
    QVERIFY(!m_demo.tradingApi()->requests(QStringLiteral("/health/live")).isEmpty());
}

void TestMonitorEngine::acknowledgementClearsOnRecovery()
{
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(load("version: 1\nservices:\n  - name: api\n    checks:\n"
                          "      - { name: ready, interval: 100ms, failure_threshold: 1, http: { url: \""
        + url("trading-api", "/health/ready") + "\" } }\n"));
    m_demo.tradingApi()->setDatabaseDown(true);
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/ready"))->status == Status::Down, 3000);
    Acknowledgement ack { QStringLiteral("api/ready"), QStringLiteral("oncall"), QStringLiteral("looking"),
        QDateTime::currentDateTimeUtc(), {} };
    QVERIFY(engine.acknowledge(ack));
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/ready"))->acknowledged, 2000);
    // The check keeps running while acknowledged.
    const QDateTime before = engine.row(QStringLiteral("api/ready"))->lastResult;
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/ready"))->lastResult > before, 2000);
    m_demo.tradingApi()->setDatabaseDown(false);
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/ready"))->status == Status::Ok, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(!engine.row(QStringLiteral("api/ready"))->acknowledged, 2000);
}

void TestMonitorEngine::reloadKeepsUnchangedState()
{
    const QByteArray base = "version: 1\ndefaults: { interval: 100ms }\nservices:\n  - name: api\n    checks:\n"
                            "      - { name: live, http: { url: \""
        + url("trading-api", "/health/live")
        + "\" } }\n"
          "      - { name: ready, http: { url: \""
        + url("trading-api", "/health/ready") + "\" } }\n";
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(load(base));
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/live"))->status == Status::Ok
            && engine.row(QStringLiteral("api/ready"))->status == Status::Ok,
        3000);
    const QDateTime since = engine.row(QStringLiteral("api/live"))->since;
    QSignalSpy removed(&engine, &MonitorEngine::rowsRemoved);

    engine.setConfig(load("version: 1\ndefaults: { interval: 100ms }\nservices:\n  - name: api\n    checks:\n"
                          "      - { name: live, http: { url: \""
        + url("trading-api", "/health/live")
        + "\" } }\n"
          "      - { name: ping, http: { url: \""
        + url("portal", "/health/ping") + "\" } }\n"));
    QCOMPARE(engine.row(QStringLiteral("api/live"))->status, Status::Ok);
    QCOMPARE(engine.row(QStringLiteral("api/live"))->since, since);
    QVERIFY(!engine.row(QStringLiteral("api/ready")));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.first().first().toStringList(), QStringList { QStringLiteral("api/ready") });
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/ping"))->status == Status::Ok, 3000);
}

void TestMonitorEngine::reloadedCheckProbesItsNewTarget()
{
    // The engine keeps one probe per check between polls; a check whose config changes must get a new one.
    const auto config = [this](const QByteArray& target) {
        return load("version: 1\ndefaults: { interval: 100ms, failure_threshold: 1 }\nservices:\n  - name: api\n"
                    "    checks:\n      - { name: live, http: { url: \""
            + target + "\" } }\n");
    };
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(config(url("trading-api", "/health/live")));
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/live"))->status == Status::Ok, 3000);
    QTest::qWait(300); // a few polls on the same probe

    engine.setConfig(config(url("trading-api", "/no-such-endpoint")));
    QTRY_VERIFY_WITH_TIMEOUT(engine.row(QStringLiteral("api/live"))->status == Status::Down, 3000);
    QVERIFY2(engine.row(QStringLiteral("api/live"))->detail.contains(u"404"),
        qPrintable(engine.row(QStringLiteral("api/live"))->detail));
}

void TestMonitorEngine::schedulingLagCountsHeldBackStarts()
{
    QByteArray yaml = "version: 1\ndefaults: { interval: 200ms, timeout: 2s }\nservices:\n  - name: api\n    checks:\n";
    for (int i = 0; i < 4; ++i)
        yaml += "      - { name: c" + QByteArray::number(i) + ", http: { url: \"" + url("trading-api", "/health/live")
            + "\" } }\n";
    m_demo.tradingApi()->setLatency(300);

    // One request at a time to a host that takes 300 ms, for four checks due every 200 ms: starts fall behind.
    MonitorEngine held;
    held.setLimits({ 512, 1 });
    held.setConfig(load(yaml));
    held.start();
    QTest::qWait(2000);
    const SchedulingLag late = held.schedulingLag();
    held.stop();
    QVERIFY2(late.starts >= 4, qPrintable(QString::number(late.starts)));
    QVERIFY2(late.p99Ms >= 100, qPrintable(QString::number(late.p99Ms)));
    QVERIFY(late.maxMs >= late.p99Ms && late.p99Ms >= late.p50Ms);

    // The same checks without that limit start on time.
    MonitorEngine free;
    free.setConfig(load(yaml));
    free.start();
    QTest::qWait(1500);
    const SchedulingLag onTime = free.schedulingLag();
    free.stop();
    QVERIFY2(onTime.starts >= 8, qPrintable(QString::number(onTime.starts)));
    QVERIFY2(onTime.p99Ms < 100, qPrintable(QString::number(onTime.p99Ms)));
}

QTEST_GUILESS_MAIN(TestMonitorEngine)
#include "tst_monitorengine.moc"
